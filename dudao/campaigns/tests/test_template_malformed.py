"""A malformed template is refused with the file, the field and the reason — all errors at once."""

from __future__ import annotations

import pytest
import yaml

from dudao.campaigns.models import CampaignTemplate
from dudao.campaigns.template_loader import (
    TemplateInvalid,
    builtin_template_paths,
    load_template,
    validate_template_file,
)


def _base(code: str = "xianjinxing-2005") -> dict:
    path = next(p for p in builtin_template_paths() if p.stem == code)
    return yaml.safe_load(path.read_text("utf-8"))


def _write(tmp_path, content, name="bad.yaml"):
    path = tmp_path / name
    if not isinstance(content, str):
        content = yaml.safe_dump(content, allow_unicode=True, sort_keys=False)
    path.write_text(content, "utf-8")
    return path


def _errors(path) -> dict[str, str]:
    data, errors = validate_template_file(path)
    assert data is None and errors
    assert all(e.file == str(path) for e in errors)  # every error names its file
    return {e.path: e.message for e in errors}


def _req_index(data: dict, phase: int, code: str) -> int:
    return next(i for i, r in enumerate(data["phases"][phase]["requirements"]) if r["code"] == code)


def test_it_names_an_unknown_requirement_kind_and_lists_the_known_ones(tmp_path):
    data = _base()
    data["phases"][0]["requirements"][0]["kind"] = "hours_magic"
    message = _errors(_write(tmp_path, data))["phases[0].requirements[0].kind"]
    assert "未知的要求类型“hours_magic”" in message
    assert "study_hours_per_member" in message and "review_rounds_min" in message


@pytest.mark.django_db
def test_it_refuses_negative_hours_with_the_field_path_and_the_value(tmp_path):
    data = _base()
    i = _req_index(data, 0, "study_hours")
    data["phases"][0]["requirements"][i]["params"]["min_hours"] = -5
    path = _write(tmp_path, data)
    errors = _errors(path)
    assert errors[f"phases[0].requirements[{i}].params.min_hours"] == "应为大于 0 的数字，实际为 -5"
    with pytest.raises(TemplateInvalid) as caught:
        load_template(actor=None, path=path)
    text = caught.value.message
    assert str(path) in text and f"phases[0].requirements[{i}].params.min_hours" in text


@pytest.mark.parametrize("bad", ["3/2", "abc", "0", "-1/3", "1/0", 0.67])
def test_it_refuses_a_bad_fraction(tmp_path, bad):
    data = _base()
    data["survey_instruments"][3]["rule"]["threshold"] = bad
    message = _errors(_write(tmp_path, data))["survey_instruments[3].rule.threshold"]
    assert "分数" in message and repr(bad) in message


def test_it_refuses_a_duplicate_phase_code(tmp_path):
    data = _base()
    data["phases"][1]["code"] = "study"
    assert _errors(_write(tmp_path, data))["phases[1].code"] == "阶段编码“study”与第 1 项重复"


def test_it_refuses_duplicate_step_and_requirement_codes(tmp_path):
    data = _base()
    data["phases"][1]["steps"][0]["code"] = "training"  # a step of phase 0
    data["phases"][2]["requirements"][0]["code"] = "study_hours"
    errors = _errors(_write(tmp_path, data))
    assert "环节编码“training”" in errors["phases[1].steps[0].code"]
    assert "要求编码“study_hours”" in errors["phases[2].requirements[0].code"]


def test_it_refuses_a_dangling_document_kind_reference(tmp_path):
    data = _base()
    i = _req_index(data, 0, "study_notes")
    data["phases"][0]["requirements"][i]["params"]["document_kind"] = "no_such_doc"
    message = _errors(_write(tmp_path, data))[f"phases[0].requirements[{i}].params.document_kind"]
    assert "文书种类“no_such_doc”未在 document_kinds 中定义" in message
    assert "study_note" in message  # lists what exists


def test_it_refuses_a_dangling_survey_instrument_reference(tmp_path):
    data = _base()
    i = _req_index(data, 3, "mass_satisfaction")
    data["phases"][3]["requirements"][i]["params"]["instrument"] = "gallup"
    errors = _errors(_write(tmp_path, data))
    assert (
        "测评“gallup”未在 survey_instruments 中定义"
        in errors[f"phases[3].requirements[{i}].params.instrument"]
    )


def test_it_refuses_an_undefined_checklist(tmp_path):
    data = _base()
    data["document_kinds"][0]["checklist"] = "nope"
    message = _errors(_write(tmp_path, data))["document_kinds[0].checklist"]
    assert "审核清单“nope”未在 checklists 中定义" in message


def test_it_reports_a_yaml_syntax_error_with_its_line(tmp_path):
    path = _write(tmp_path, 'code: x\nversion: "1"\nphases: [\n  - {code: a\n')
    (error,) = validate_template_file(path)[1]
    assert error.line == 4 and "YAML 格式错误" in error.message
    assert str(error).startswith(f"文件 {path}，第 4 行")


def test_it_refuses_a_key_written_twice(tmp_path):
    path = _write(tmp_path, 'code: x\nversion: "1"\ncode: y\n')
    error, *others = validate_template_file(path)[1]
    assert error.line == 3 and "键“code”重复" in error.message
    # The repeat does not hide the file's other errors (test_validation_messages has more).
    assert {e.path for e in others} >= {"name", "names", "batches", "phases"}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "文件是空的"),
        ("  \n\n", "文件是空的"),
        ("# 只有注释\n", "没有内容"),
        ("- a\n", "顶层应为键值映射"),
    ],
)
def test_it_refuses_an_empty_or_shapeless_file(tmp_path, content, reason):
    (error,) = validate_template_file(_write(tmp_path, content))[1]
    assert reason in error.message


def test_it_refuses_a_missing_file(tmp_path):
    (error,) = validate_template_file(tmp_path / "missing.yaml")[1]
    assert error.message.startswith("文件不存在")
    assert str(tmp_path / "missing.yaml") in str(error)


def test_it_refuses_a_missing_required_key(tmp_path):
    data = _base()
    del data["names"]
    del data["phases"][0]["duration_days"]
    errors = _errors(_write(tmp_path, data))
    assert errors["names"] == "缺少必填字段"
    assert errors["phases[0].duration_days"] == "缺少必填字段"


@pytest.mark.parametrize("version", [2, 2.0, None])
def test_it_refuses_a_version_that_is_not_text(tmp_path, version):
    data = _base()
    data["version"] = version
    assert "带引号的文本" in _errors(_write(tmp_path, data))["version"]


def test_it_refuses_a_misspelt_field(tmp_path):
    data = _base()
    data["phases"][0]["duraton_days"] = 3
    assert "不认识的字段" in _errors(_write(tmp_path, data))["phases[0].duraton_days"]


def test_it_refuses_a_scope_the_kind_does_not_allow(tmp_path):
    data = _base("qunzhong-luxian-2014")
    i = _req_index(data, 1, "criticisms")
    data["phases"][1]["requirements"][i]["scope"] = "per_unit"
    message = _errors(_write(tmp_path, data))[f"phases[1].requirements[{i}].scope"]
    assert "per_person" in message and "per_unit" in message


def test_it_refuses_review_rounds_that_contradict_the_document_kind(tmp_path):
    data = _base("qunzhong-luxian-2014")
    i = _req_index(data, 1, "team_material_rounds")
    data["phases"][1]["requirements"][i]["params"]["min_rounds"] = 2
    message = _errors(_write(tmp_path, data))[f"phases[1].requirements[{i}].params.min_rounds"]
    assert "min_review_rounds（3）" in message


def test_it_refuses_satisfied_options_that_are_not_options(tmp_path):
    data = _base()
    data["survey_instruments"][0]["questions"][0]["satisfied"] = ["满意", "很满意"]
    errors = _errors(_write(tmp_path, data))
    assert "很满意" in errors["survey_instruments[0].questions[0].satisfied"]


def test_it_reports_every_error_of_a_file_at_once(tmp_path):
    data = _base()
    data["version"] = 3
    data["document_kinds"][0]["checklist"] = "nope"
    data["phases"][0]["requirements"][0]["kind"] = "x_kind"
    data["phases"][0]["requirements"][3]["params"]["min_hours"] = -1
    data["phases"][1]["code"] = "study"
    data["phases"][2]["requirements"][0]["params"]["document_kind"] = "nope"
    data["survey_instruments"][1]["rule"]["threshold"] = "abc"
    errors = _errors(_write(tmp_path, data))
    # The archive lines of the phase renamed away (and of the broken instrument) now point
    # nowhere, and say so; every other error is the one made.
    archive = {e for e in errors if e.startswith("archive.")}
    assert archive and all(e.endswith((".phase", ".instrument")) for e in archive)
    assert set(errors) - archive == {
        "version",
        "document_kinds[0].checklist",
        "phases[0].requirements[0].kind",
        "phases[0].requirements[3].params.min_hours",
        "phases[1].code",
        "phases[2].requirements[0].params.document_kind",
        "survey_instruments[1].rule.threshold",
    }


@pytest.mark.django_db
def test_it_stores_nothing_for_a_refused_file(tmp_path):
    data = _base()
    data["phases"][0]["requirements"][0]["kind"] = "x_kind"
    with pytest.raises(TemplateInvalid):
        load_template(actor=None, path=_write(tmp_path, data))
    assert CampaignTemplate.objects.count() == 0


def test_a_typo_in_a_phase_does_not_hide_its_requirement_errors(tmp_path):
    data = _base()
    phase = data["phases"][0]
    phase["duraton_days"] = phase.pop("duration_days")
    phase["requirements"][0]["kind"] = "hours_magic"
    phase["requirements"][1]["params"]["min_days"] = -5
    errors = _errors(_write(tmp_path, data))
    assert "phases[0].duraton_days" in errors
    assert "phases[0].duration_days" in errors
    assert "hours_magic" in errors["phases[0].requirements[0].kind"]
    assert "phases[0].requirements[1].params.min_days" in errors
