"""Each validation message of issue 16: allowed keys for an unknown key, the steps for an unknown
step, YAML errors on the right line, a repeated key that hides no other error, and the new
sections (terms, display, batch windows, measures, the 2019 kinds)."""

from __future__ import annotations

import copy

import pytest
import yaml

from dudao.campaigns.template_loader import (
    builtin_template_paths,
    validate_template_bytes,
    validate_template_file,
)

PATH_2019 = next(p for p in builtin_template_paths() if p.stem == "buwang-chuxin-2019")
RAW_2019 = PATH_2019.read_bytes()
DATA_2019 = yaml.safe_load(RAW_2019)


def _errors_of(raw: bytes) -> list:
    data, errors = validate_template_bytes(raw, name="t.yaml")
    assert data is None and errors
    return errors


def _errors(data: dict) -> dict[str, str]:
    raw = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()
    return {e.path: e.message for e in _errors_of(raw)}


def _line(raw: bytes, needle: str) -> int:
    return next(i for i, line in enumerate(raw.decode().splitlines(), 1) if needle in line)


def _2019() -> dict:
    return copy.deepcopy(DATA_2019)


def test_the_2019_template_is_valid():
    clean, errors = validate_template_file(PATH_2019)
    assert errors == []
    (phase,) = clean["phases"]
    assert [m["name"] for m in phase["measures"]] == [
        "学习教育",
        "调查研究",
        "检视问题",
        "整改落实",
    ]
    assert {r["measure"] for r in phase["requirements"]} == {
        "study",
        "research",
        "examine",
        "rectify",
    }
    assert clean["terms"]["group"] == "指导组"
    assert clean["display"]["general_requirement"] == "守初心、担使命，找差距、抓落实"


def test_an_unknown_top_level_key_lists_the_allowed_keys():
    data = _2019()
    data["phasess"] = []
    message = _errors(data)["phasess"]
    assert message.startswith("不认识的字段“phasess”")
    assert "此处可用的字段：code、version、name、names、terms、display、batches" in message


def test_an_unknown_key_deep_in_a_measure_lists_that_places_keys():
    data = _2019()
    data["phases"][0]["measures"][2]["requirements"][1]["scpoe"] = "per_unit"
    message = _errors(data)["phases[0].measures[2].requirements[1].scpoe"]
    assert (
        "此处可用的字段：code、name、kind、params、scope、applies_to、step、blocking、source"
        in message
    )


def test_an_unknown_term_lists_the_terms_a_template_may_rename():
    data = _2019()
    data["terms"]["supervisor"] = "巡视组"
    message = _errors(data)["terms.supervisor"]
    assert "group、office、office_short、leading_group、unit" in message


def test_an_unknown_step_lists_the_phases_steps():
    data = yaml.safe_load(
        next(p for p in builtin_template_paths() if p.stem == "qunzhong-luxian-2014").read_bytes()
    )
    data["phases"][1]["requirements"][0]["step"] = "talk"
    message = _errors(data)["phases[1].requirements[0].step"]
    assert message == (
        "环节“talk”不是本阶段的环节；本阶段的环节有：talks（谈心谈话）、examine（查摆问题）、"
        "review_check（撰写对照检查材料）、democratic_life（召开专题民主生活会）"
    )


def test_an_unknown_step_in_a_measure_lists_the_measures_steps():
    data = _2019()
    data["phases"][0]["measures"][0]["requirements"][0]["step"] = "topics"  # another measure's
    message = _errors(data)["phases[0].measures[0].requirements[0].step"]
    assert message.endswith("本措施的环节有：reading_class（举办读书班）、lecture（讲专题党课）")


def test_a_key_without_its_colon_is_reported_on_its_own_line():
    raw = b'code: x\nversion: "1"\nphases:\n  - code: a\n    name b\n    order: 1\n'
    (error,) = _errors_of(raw)
    assert error.line == 5 and "到第 6 行才发现" in error.message


def test_an_unclosed_quote_is_reported_where_it_opens():
    raw = b'code: x\nnames:\n  full: "abc\n  short: d\nbatches: []\nother: 1\n'
    (error,) = _errors_of(raw)
    assert error.line == 3 and "YAML 格式错误" in error.message


def test_a_repeated_key_does_not_hide_the_other_errors():
    raw = RAW_2019.replace(
        b"  group: \xe6\x8c\x87\xe5\xaf\xbc\xe7\xbb\x84\n",
        b"  group: \xe6\x8c\x87\xe5\xaf\xbc\xe7\xbb\x84\n  group: x\n",
        1,
    )
    raw = raw.replace(b"step: topics,", b"step: topicz,")
    errors = _errors_of(raw)
    first, second = errors[0], errors[1]
    assert "键“group”重复（第一次在第" in first.message and first.line == _line(raw, "group: x")
    assert second.path == "phases[0].measures[1].requirements[0].step"


def test_field_errors_carry_the_line_of_the_field():
    raw = RAW_2019.replace(b"min_days: 7}", b"min_days: -7}")
    (error,) = _errors_of(raw)
    assert error.path == "phases[0].measures[0].requirements[0].params.min_days"
    assert error.field_line == _line(raw, "min_days: -7")
    assert str(error).endswith(f"（第 {error.field_line} 行）")


def test_a_batch_window_that_ends_before_it_starts_is_refused():
    data = _2019()
    data["batches"][1]["end_date"] = "2019-08-01"
    assert "结束日期 2019-08-01 早于开始日期 2019-09-01" in _errors(data)["batches[1]"]


def test_a_batch_date_must_be_a_date():
    data = _2019()
    data["batches"][0]["start_date"] = "六月"
    assert "应为日期" in _errors(data)["batches[0].start_date"]


def test_a_phase_length_for_an_unknown_phase_is_refused():
    data = _2019()
    data["batches"][0]["phase_durations"] = {"study": 30}
    message = _errors(data)["batches[0].phase_durations.study"]
    assert message == "阶段“study”未在 phases 中定义；已定义的有：theme_education"


def test_a_phase_without_a_length_needs_every_batch_to_give_one():
    data = _2019()
    del data["batches"][1]["end_date"]
    message = _errors(data)["phases[0].duration_days"]
    assert "第二批没有为本阶段规定时间" in message


def test_a_phase_needs_steps_or_measures():
    data = _2019()
    del data["phases"][0]["measures"]
    assert "须有 steps（环节）或 measures（并行措施）" in _errors(data)["phases[0]"]


def test_measure_codes_are_unique():
    data = _2019()
    data["phases"][0]["measures"][1]["code"] = "study"
    assert "措施编码“study”与第 1 项重复" in _errors(data)["phases[0].measures[1].code"]


def test_the_research_kind_is_per_person_only():
    data = _2019()
    data["phases"][0]["measures"][1]["requirements"][0]["scope"] = "per_unit"
    message = _errors(data)["phases[0].measures[1].requirements[0].scope"]
    assert "research_topics 的 scope 只能取 per_person" in message


def test_a_rectification_area_needs_a_code_and_a_name():
    data = _2019()
    data["phases"][0]["measures"][3]["requirements"][0]["params"]["areas"] = []
    path = "phases[0].measures[3].requirements[0].params.areas"
    assert "至少需要 1 项" in _errors(data)[path]


@pytest.mark.parametrize("stem", ["xianjinxing-2005", "qunzhong-luxian-2014"])
def test_the_shipped_templates_need_no_new_section(stem):
    clean, errors = validate_template_file(
        next(p for p in builtin_template_paths() if p.stem == stem)
    )
    assert errors == [] and "terms" not in clean and "display" not in clean
