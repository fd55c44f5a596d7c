"""The three shipped templates give 分析评议 their own values (template data, not code): 四必谈
belongs to 2014 (seed 002, three rounds), 民主评议 and 组织处理 to 2005 (seed 001), and 2019 its
own scale; a broken procedure is refused on load."""

from __future__ import annotations

from pathlib import Path

import yaml

from dudao.campaigns.template_schema import validate_template_data
from dudao.evaluation import rules

DATA = Path(__file__).resolve().parents[2] / "campaigns" / "templates_data"


def _load(name: str) -> dict:
    data, errors = validate_template_data(yaml.safe_load((DATA / f"{name}.yaml").read_text()))
    assert not errors, errors
    return data


def test_2014_asks_four_must_talks_in_three_rounds():
    t = _load("qunzhong-luxian-2014")
    assert rules.talk_spec(t)["rounds"] == 3
    assert rules.talk_spec(t)["source"] == "seed 002"
    assert rules.steps(t) == []


def test_2005_evaluates_members_and_handles_the_unqualified():
    t = _load("xianjinxing-2005")
    assert rules.talk_spec(t) is None
    assert [n for _c, n in rules.grades(t)] == ["优秀", "合格", "基本合格", "不合格"]
    assert [s.name for s in rules.steps(t)] == ["限期改正", "到期复查", "劝其退党", "党内除名"]
    assert rules.steps(t)[0].deadline_days == 90
    inst = next(i for i in t["survey_instruments"] if i["code"] == "self_analysis_test")
    assert rules.min_group_size(t, inst, "leadership_team") == 4
    assert rules.min_group_size(t, inst, "branch_members") == 5


def test_2019_has_its_own_scale():
    t = _load("buwang-chuxin-2019")
    assert [c for c, _n in rules.grades(t)] == ["qualified", "basically_qualified", "unqualified"]
    assert rules.talk_spec(t)["rounds"] == 1


def test_a_step_pointing_nowhere_is_refused():
    raw = yaml.safe_load((DATA / "xianjinxing-2005.yaml").read_text())
    raw["evaluation"]["handling"]["steps"][0]["outcomes"][0]["next"] = "nowhere"
    _data, errors = validate_template_data(raw)
    assert errors and any("nowhere" in str(e) for e in errors)
