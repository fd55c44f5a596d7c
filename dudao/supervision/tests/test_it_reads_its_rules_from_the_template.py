from __future__ import annotations

import datetime as dt

import pytest

from dudao.campaigns.template_loader import builtin_template_paths, validate_template_file
from dudao.supervision import rules


def _shipped():
    out = {}
    for path in builtin_template_paths():
        data, errors = validate_template_file(path)
        assert not errors, (path.name, errors)
        out[data["code"]] = data
    return out


def test_each_shipped_template_has_its_own_supervision_rules():
    t = _shipped()
    start = dt.date(2026, 3, 2)
    assert rules.default_deadline(t["xianjinxing-2005"], start) == start + dt.timedelta(days=7)
    assert rules.default_deadline(t["qunzhong-luxian-2014"], start) == start + dt.timedelta(days=5)
    assert rules.default_deadline(t["buwang-chuxin-2019"], start) == start + dt.timedelta(days=14)
    assert rules.decider(t["xianjinxing-2005"], "send_problem") == "leader"
    assert rules.decider(t["buwang-chuxin-2019"], "send_problem") == "member"


@pytest.mark.parametrize(
    ("code", "days_left", "light"),
    [
        ("xianjinxing-2005", 2, "yellow"),
        ("xianjinxing-2005", 3, "green"),
        ("buwang-chuxin-2019", 7, "yellow"),
        ("buwang-chuxin-2019", 8, "green"),
    ],
)
def test_the_light_threshold_is_the_templates_problem_class(code, days_left, light):
    """2005: problems light like 立即整改 (yellow 2 days before); 2019: like 近期整改 (7)."""
    template = _shipped()[code]
    today = dt.date(2026, 3, 2)
    deadline = today + dt.timedelta(days=days_left)
    assert rules.problem_light(template, status="sent", deadline=deadline, today=today) == light


def test_a_template_without_the_section_uses_the_defaults():
    assert rules.spec_of({"code": "x"})["problem_default_days"] == 7
    assert rules.decider({}, "send_problem") == "leader"
