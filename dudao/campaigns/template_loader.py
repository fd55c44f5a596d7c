"""Reading, validating and storing campaign template files.

A stored template (code + version) never changes: campaigns point at it, and their rules must
not move under them. Loading the same content again is a no-op; other content under the same
code and version is refused, so a change of rules always comes with a new version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path
from typing import NamedTuple

import yaml
from django.db import IntegrityError, transaction

from dudao.core.audit import record_event
from dudao.core.errors import DomainError

from .models import CampaignTemplate
from .template_schema import TemplateError, validate_template_data

BUILTIN_DIR = Path(__file__).resolve().parent / "templates_data"


class TemplateInvalid(DomainError):
    """A template file was refused; ``errors`` lists every problem (file, field, reason)."""

    def __init__(self, path: Path | str, errors: list[TemplateError]) -> None:
        self.path = str(path)
        self.errors = errors
        lines = "\n".join(f"  - {e}" for e in errors)
        super().__init__(
            f"模板文件 {self.path} 未通过校验，共 {len(errors)} 处错误：\n{lines}",
            code="template_invalid",
        )


class LoadResult(NamedTuple):
    template: CampaignTemplate
    created: bool


def builtin_template_paths() -> list[Path]:
    """The template files shipped with the package; each file is named after its ``code``."""
    return sorted(BUILTIN_DIR.glob("*.yaml"))


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that notes a key written twice in one mapping.

    Plain YAML keeps the last value silently: a second ``min_hours:`` under the same
    requirement would change a rule without anyone noticing. The repeat is recorded (in
    ``duplicates``) rather than raised, so that the rest of the file is still checked and every
    other error reported with it; a file with a repeated key is never loaded.
    """

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self.duplicates: list[TemplateError] = []

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: let the normal loader report it
                break
            mark = key_node.start_mark
            if first is not None:
                self.duplicates.append(
                    TemplateError(
                        "",
                        f"键“{key}”重复（第一次在第 {first + 1} 行）；YAML 只保留后写的值，"
                        "请删去其中一个",
                        line=mark.line + 1,
                        column=mark.column + 1,
                    )
                )
            else:
                seen[key] = mark.line
        return super().construct_mapping(node, deep=deep)


# Errors PyYAML notices only lines after the mistake: an unclosed quote or bracket, a key
# without its colon. Their "context" mark is where the mistake is.
_CONTEXT_IS_THE_LINE = (
    "while scanning a simple key",
    "while scanning a quoted scalar",
    "while parsing a flow mapping",
    "while parsing a flow sequence",
    "while scanning a block scalar",
)


# PyYAML's messages are English; the common ones get a Chinese explanation in front.
_YAML_HINTS = (
    ("cannot start any token", "含有制表符（Tab）或不能出现在开头的字符，请用空格缩进"),
    ("mapping values are not allowed", "此处不能出现冒号：冒号后要有空格，含冒号的文本请加引号"),
    ("could not find expected ':'", "缺少冒号（key: value）"),
    ("expected <block end>", "缩进不一致：同一层的行要对齐"),
    ("expected ',' or ']'", "方括号 [ ] 未闭合或缺少逗号"),
    ("expected ',' or '}'", "花括号 { } 未闭合或缺少逗号"),
    ("expected the node content", "括号未闭合，或列表/映射的写法混用"),
    ("found unexpected end of stream", "文件意外结束：引号或括号未闭合"),
    ("found undefined alias", "引用了未定义的锚点（*名称）"),
)


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    original = " ".join(part for part in (exc.context, exc.problem) if part) or str(exc)
    for needle, hint in _YAML_HINTS:
        if needle in original:
            return f"{hint}（{original}）"
    return original


def read_template_file(path: Path | str) -> tuple[object | None, list[TemplateError]]:
    """The parsed YAML of a file, or the reasons it cannot be read (each naming the file)."""
    path = Path(path)
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [TemplateError("", "文件不存在，请检查路径", file=name)]
    except IsADirectoryError:
        return None, [TemplateError("", "这是一个目录，不是模板文件", file=name)]
    except OSError as exc:
        return None, [TemplateError("", f"无法读取文件：{exc.strerror}", file=name)]
    return read_template_bytes(raw, name=name)


def read_template_bytes(raw: bytes, *, name: str = "") -> tuple[object | None, list[TemplateError]]:
    """The parsed YAML of a file's bytes (a file on disk or one uploaded in the browser).

    ``(data, [])``; ``(None, [error])`` when the text cannot be parsed at all; or
    ``(data, errors)`` when it parsed but repeats a key (the data is then checked too, so that
    the repeat does not hide the file's other errors, and is never loaded).
    """

    def fail(message: str, line: int | None = None, column: int | None = None):
        return None, [TemplateError("", message, file=name, line=line, column=column)]

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return fail("文件不是 UTF-8 编码，请用 UTF-8 保存")
    if not text.strip():
        return fail("文件是空的")
    loader = _UniqueKeyLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = _yaml_problem(exc)
        if exc.context_mark is not None and (exc.context or "") in _CONTEXT_IS_THE_LINE:
            if exc.problem_mark is not None and exc.problem_mark.line != exc.context_mark.line:
                problem += f"（到第 {exc.problem_mark.line + 1} 行才发现）"
            mark = exc.context_mark
        if mark is None:
            return fail(f"YAML 格式错误：{problem}")
        return fail(f"YAML 格式错误：{problem}", mark.line + 1, mark.column + 1)
    except yaml.YAMLError as exc:
        return fail(f"YAML 格式错误：{exc}")
    finally:
        loader.dispose()
    if data is None:
        return fail("文件里只有注释，没有内容")
    return data, [dataclasses.replace(e, file=name) for e in loader.duplicates]


def validate_template_file(path: Path | str) -> tuple[dict | None, list[TemplateError]]:
    """``(clean data, [])`` for a valid file, or ``(None, errors)`` with every error at once."""
    data, errors = read_template_file(path)
    raw = b""
    if data is not None:
        raw = Path(path).read_bytes()
    return _validate_read(data, errors, str(path), raw)


def validate_template_bytes(raw: bytes, *, name: str) -> tuple[dict | None, list[TemplateError]]:
    """:func:`validate_template_file` for a file's content (an upload)."""
    data, errors = read_template_bytes(raw, name=name)
    return _validate_read(data, errors, name, raw)


def _validate_read(data, read_errors: list[TemplateError], name: str, raw: bytes):
    if data is None:
        return None, read_errors
    clean, errors = validate_template_data(data)
    lines = _field_lines(raw)
    errors = read_errors + [
        dataclasses.replace(e, file=name, field_line=lines(e.path)) for e in errors
    ]
    return (None, errors) if errors else (clean, [])


_PATH_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _field_lines(raw: bytes):
    """``path -> line`` for the file's fields ("phases[0].requirements[3].params.min_hours" →
    the line of ``min_hours``; a missing field → the line of its parent)."""
    try:
        root = yaml.compose(raw.decode("utf-8-sig"), Loader=yaml.SafeLoader)
    except (yaml.YAMLError, UnicodeDecodeError):
        root = None

    def line_of(path: str) -> int | None:
        if root is None or not path:
            return None
        node, line = root, root.start_mark.line + 1
        for key, index in _PATH_TOKEN.findall(path):
            if index and isinstance(node, yaml.SequenceNode):
                i = int(index)
                if i >= len(node.value):
                    break
                node = node.value[i]
                line = node.start_mark.line + 1
            elif key and isinstance(node, yaml.MappingNode):
                found = next((kv for kv in node.value if kv[0].value == key), None)
                if found is None:
                    break
                line = found[0].start_mark.line + 1
                node = found[1]
            else:
                break
        return line

    return line_of


def content_digest(clean: dict) -> str:
    """SHA-256 of the validated content, not of the file's bytes: reformatting a file or editing
    a comment is not a change of rules and needs no new version."""
    canonical = json.dumps(clean, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_template(*, actor, path: Path | str) -> CampaignTemplate:
    """Validate and store a template file; returns the stored template.

    Same code, version and content as a stored one: returns it, writes nothing. Same code and
    version with other content: refused with :class:`TemplateInvalid`.
    """
    return load_template_file(actor=actor, path=path).template


@transaction.atomic
def load_template_file(*, actor, path: Path | str) -> LoadResult:
    """:func:`load_template`, also saying whether a new template row was written."""
    clean, errors = validate_template_file(path)
    if errors or clean is None:
        raise TemplateInvalid(path, errors)
    return _store(actor=actor, clean=clean, name=str(path), file=Path(path).name)


@transaction.atomic
def load_template_upload(
    *, actor, raw: bytes, name: str, expected_digest: str | None = None
) -> LoadResult:
    """Validate and store a template uploaded in the browser (``raw``: the file's bytes).

    ``expected_digest``: the digest of the content the office previewed; other content (the
    file changed between preview and load) is refused rather than loaded unseen.
    """
    clean, errors = validate_template_bytes(raw, name=name)
    if errors or clean is None:
        raise TemplateInvalid(name, errors)
    if expected_digest is not None and content_digest(clean) != expected_digest:
        raise TemplateInvalid(
            name,
            [TemplateError("", "要载入的内容与预览时不同，请重新上传并预览。", file=name)],
        )
    return _store(actor=actor, clean=clean, name=name, file=name, via="upload")


def stored_state(clean: dict) -> str:
    """``new``, ``same`` (this code, version and content are stored) or ``conflict`` (the code
    and version are stored with other content)."""
    existing = _stored(clean["code"], clean["version"])
    if existing is None:
        return "new"
    return "same" if existing.sha256 == content_digest(clean) else "conflict"


def _store(*, actor, clean: dict, name: str, file: str, via: str = "") -> LoadResult:
    digest = content_digest(clean)
    code, version = clean["code"], clean["version"]
    existing = _stored(code, version)
    if existing is None:
        try:
            # A savepoint, so that losing a race to a concurrent load leaves the outer
            # transaction usable (PostgreSQL aborts it on the IntegrityError otherwise).
            with transaction.atomic():
                template = CampaignTemplate.objects.create(
                    code=code, version=version, name=clean["name"], data=clean, sha256=digest
                )
        except IntegrityError:
            existing = CampaignTemplate.objects.get(code=code, version=version)
        else:
            data = {"code": code, "version": version, "sha256": digest, "file": file}
            if via:
                data["via"] = via
            record_event(actor=actor, action="template.load", target=template, data=data)
            return LoadResult(template, True)
    if existing.sha256 != digest:
        raise TemplateInvalid(
            name,
            [
                TemplateError(
                    "version",
                    f"版本号相同但内容不同：请提高 version。模板 {code} 的版本“{version}”"
                    "已经载入，内容与本文件不同；已载入的版本不能修改，改了规则请把 version "
                    "改为新的版本号后再载入。",
                    file=name,
                )
            ],
        )
    return LoadResult(existing, False)


def _stored(code: str, version: str) -> CampaignTemplate | None:
    return CampaignTemplate.objects.filter(code=code, version=version).first()


def load_builtin_template(code: str, actor=None) -> CampaignTemplate:
    """Load (or fetch, if already loaded) the built-in template with this code."""
    paths = {p.stem: p for p in builtin_template_paths()}
    if code not in paths:
        raise DomainError(f"没有编码为 {code} 的内置模板；内置模板有：{'、'.join(sorted(paths))}")
    return load_template(actor=actor, path=paths[code])
