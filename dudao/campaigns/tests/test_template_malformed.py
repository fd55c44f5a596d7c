from __future__ import annotations

import pytest
import yaml
from django.core.management import CommandError, call_command

from dudao.campaigns.models import CampaignTemplate
from dudao.campaigns.template_loader import (
    TemplateInvalid,
    builtin_template_paths,
    load_template,
    validate_template_file,
)

pytestmark = pytest.mark.django_db


def _base() -> dict:
    path = next(p for p in builtin_template_paths() if p.stem == "xianjinxing-2005")
    return yaml.safe_load(path.read_text("utf-8"))


def _write(tmp_path, data, name="bad.yaml"):
    path = tmp_path / name
    path.write_text(
        data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True), "utf-8"
    )
    return path


def _errors(path) -> dict[str, str]:
    _data, errors = validate_template_file(path)
    return {e.path: e.message for e in errors}


def test_it_names_an_unknown_requirement_kind(tmp_path):
    data = _base()
    data["phases"][0]["requirements"][0]["kind"] = "hours_magic"
    errors = _errors(_write(tmp_path, data))
    assert "未知的要求类型“hours_magic”" in errors["phases[0].requirements[0].kind"]
    assert "study_hours_per_member" in errors["phases[0].requirements[0].kind"]


def test_it_refuses_negative_hours_with_the_field_path(tmp_path):
    data = _base()
    data["phases"][0]["requirements"][0]["params"]["min_hours"] = -5
    errors = _errors(_write(tmp_path, data))
    assert errors["phases[0].requirements[0].params.min_hours"].startswith("应大于 0")
    assert "-5" in errors["phases[0].requirements[0].params.min_hours"]


@pytest.mark.parametrize("bad", ["3/2", "abc", "0", "-1/3"])
def test_it_refuses_a_bad_fraction(tmp_path, bad):
    data = _base()
    data["survey_instruments"][2]["rule"]["threshold"] = bad
    errors = _errors(_write(tmp_path, data))
    assert "survey_instruments[2].rule.threshold" in errors


def test_it_refuses_a_duplicate_phase_code(tmp_path):
    data = _base()
    data["phases"][1]["code"] = "study"
    errors = _errors(_write(tmp_path, data))
    assert "阶段编码“study”与第 1 项重复" in errors["phases[1]"]


def test_it_refuses_a_dangling_document_kind(tmp_path):
    data = _base()
    data["phases"][0]["requirements"][4]["params"]["document_kind"] = "no_such_doc"
    errors = _errors(_write(tmp_path, data))
    assert "no_such_doc" in errors["phases[0].requirements[4].params.document_kind"]


def test_it_refuses_an_undefined_checklist(tmp_path):
    data = _base()
    data["document_kinds"][0]["checklist"] = "nope"
    assert "nope" in _errors(_write(tmp_path, data))["document_kinds[0].checklist"]


def test_it_reports_every_error_at_once(tmp_path):
    data = _base()
    data["phases"][0]["requirements"][0]["kind"] = "x_kind"
    data["phases"][1]["code"] = "study"
    data["document_kinds"][0]["checklist"] = "nope"
    assert len(_errors(_write(tmp_path, data))) >= 3


def test_it_reports_a_yaml_syntax_error_with_its_line(tmp_path):
    path = _write(tmp_path, 'code: x\nversion: "1"\nphases: [\n  - {code: a\n')
    errors = _errors(path)
    assert any("YAML 格式错误" in m and "行" in p for p, m in errors.items())


def test_it_refuses_an_empty_file_and_a_missing_file(tmp_path):
    assert _errors(_write(tmp_path, "   \n")) == {"": "文件是空的"}
    assert _errors(tmp_path / "missing.yaml") == {"": "文件不存在"}


def test_it_refuses_a_missing_required_key_and_a_numeric_version(tmp_path):
    data = _base()
    del data["names"]
    data["version"] = 2
    errors = _errors(_write(tmp_path, data))
    assert errors["names"] == "缺少必填字段"
    assert "带引号的文本" in errors["version"]


def test_it_refuses_an_unknown_field(tmp_path):
    data = _base()
    data["phases"][0]["duraton_days"] = 3
    assert "不认识的字段" in _errors(_write(tmp_path, data))["phases[0].duraton_days"]


def test_the_command_names_file_field_and_reason_and_loads_nothing(tmp_path, capsys):
    data = _base()
    data["phases"][0]["requirements"][0]["params"]["min_hours"] = -5
    path = _write(tmp_path, data)
    with pytest.raises(CommandError):
        call_command("load_template", str(path))
    err = capsys.readouterr().err
    assert (
        str(path) in err
        and "phases[0].requirements[0].params.min_hours" in err
        and "应大于 0" in err
    )
    assert CampaignTemplate.objects.count() == 0


def test_it_refuses_changed_content_under_the_same_version(tmp_path):
    data = _base()
    load_template(actor=None, path=_write(tmp_path, data, "a.yaml"))
    data["phases"][0]["requirements"][0]["params"]["min_hours"] = 40
    with pytest.raises(TemplateInvalid, match="请提高 version"):
        load_template(actor=None, path=_write(tmp_path, data, "b.yaml"))
    data["version"] = "2"
    template, created = load_template(actor=None, path=_write(tmp_path, data, "c.yaml"))
    assert created and template.data["phases"][0]["requirements"][0]["params"]["min_hours"] == 40
