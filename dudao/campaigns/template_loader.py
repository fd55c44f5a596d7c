"""Reading, validating and storing campaign template files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from django.db import transaction

from dudao.core.audit import record_event
from dudao.core.errors import DomainError

from .models import CampaignTemplate
from .template_schema import TemplateError, validate_template_data

BUILTIN_DIR = Path(__file__).resolve().parent / "templates_data"


class TemplateInvalid(DomainError):
    def __init__(self, path: Path | str, errors: list[TemplateError]) -> None:
        self.path = str(path)
        self.errors = errors
        lines = "\n".join(f"  - {e}" for e in errors)
        super().__init__(
            f"模板文件 {self.path} 有 {len(errors)} 处错误：\n{lines}", code="template_invalid"
        )


def builtin_template_paths() -> list[Path]:
    return sorted(BUILTIN_DIR.glob("*.yaml"))


def read_template_file(path: Path | str) -> tuple[dict | None, bytes, list[TemplateError]]:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, b"", [TemplateError("", "文件不存在")]
    except OSError as exc:
        return None, b"", [TemplateError("", f"无法读取文件：{exc.strerror}")]
    if not raw.strip():
        return None, raw, [TemplateError("", "文件是空的")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, raw, [TemplateError("", "文件不是 UTF-8 编码，请用 UTF-8 保存")]
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        return None, raw, [TemplateError(where, f"YAML 格式错误：{problem}")]
    return data, raw, []


def validate_template_file(path: Path | str) -> tuple[dict | None, list[TemplateError]]:
    data, _raw, errors = read_template_file(path)
    if errors:
        return None, errors
    tpl, errors = validate_template_data(data)
    if errors or tpl is None:
        return None, errors
    return tpl.model_dump(mode="json"), []


@transaction.atomic
def load_template(*, actor, path: Path | str) -> tuple[CampaignTemplate, bool]:
    """Validate and store a template file. Returns (template, created).

    Loading the same file again is a no-op; the same code and version with other content is
    refused — a running campaign's rules must never change under it.
    """
    data, raw, errors = read_template_file(path)
    if not errors:
        tpl, errors = validate_template_data(data)
    if errors:
        raise TemplateInvalid(path, errors)
    digest = hashlib.sha256(raw).hexdigest()
    clean = tpl.model_dump(mode="json")
    existing = CampaignTemplate.objects.filter(code=tpl.code, version=tpl.version).first()
    if existing is not None:
        if existing.sha256 == digest:
            return existing, False
        raise TemplateInvalid(
            path,
            [
                TemplateError(
                    "version",
                    f"模板 {tpl.code} 的版本 {tpl.version} 已载入，但内容不同：请提高 version 后再载入",
                )
            ],
        )
    template = CampaignTemplate.objects.create(
        code=tpl.code, version=tpl.version, name=tpl.name, data=clean, sha256=digest
    )
    record_event(
        actor=actor,
        action="template.load",
        target=template,
        data={"code": tpl.code, "version": tpl.version, "sha256": digest, "file": Path(path).name},
    )
    return template, True


def load_builtin_template(code: str, actor=None) -> CampaignTemplate:
    for path in builtin_template_paths():
        if path.stem == code:
            return load_template(actor=actor, path=path)[0]
    raise DomainError(f"没有名为 {code} 的内置模板")
