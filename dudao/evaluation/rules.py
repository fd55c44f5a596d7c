"""What the campaign template says about 分析评议 (its ``evaluation`` section).

Code knows the pair kinds, grade codes and the shape of a handling procedure; the template
chooses which apply, their names, the number of rounds, the smallest groups and the steps.
A template without a part answers None for it and the pages say that the campaign does not
ask for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PAIR_LABELS = {
    "head_with_team": "主要负责人与班子成员",
    "team_with_each_other": "班子成员之间",
    "team_with_branch_secretaries": "班子成员与支部书记",
    "team_with_division_heads": "班子成员与分管部门负责人",
}

DECIDER_LABELS = {"branch": "党支部", "unit_committee": "单位党委（党组）"}

UNQUALIFIED = "unqualified"


def _data(template) -> dict:
    if template is None:
        return {}
    return template.data if hasattr(template, "data") else template


def spec_of(template) -> dict:
    return _data(template).get("evaluation") or {}


def talk_spec(template) -> dict | None:
    return spec_of(template).get("talk_pairs")


def self_analysis_spec(template) -> dict | None:
    return spec_of(template).get("self_analysis")


def member_evaluation_spec(template) -> dict | None:
    return spec_of(template).get("member_evaluation")


def handling_spec(template) -> dict | None:
    return spec_of(template).get("handling")


def grades(template) -> list[tuple[str, str]]:
    """[(code, name)] of the template's scale, best first."""
    spec = member_evaluation_spec(template) or {}
    return [(g["code"], g["name"]) for g in spec.get("grades") or []]


def grade_name(template, code: str) -> str:
    return dict(grades(template)).get(code, code)


@dataclass(frozen=True)
class Step:
    code: str
    name: str
    decided_by: str
    deadline_days: int | None
    remind_before_days: tuple[int, ...]
    outcomes: tuple[tuple[str, str, str], ...]  # (code, name, next)

    @property
    def decider_label(self) -> str:
        return DECIDER_LABELS[self.decided_by]

    def outcome(self, code: str) -> tuple[str, str, str] | None:
        for o in self.outcomes:
            if o[0] == code:
                return o
        return None


def steps(template) -> list[Step]:
    spec = handling_spec(template) or {}
    return [
        Step(
            s["code"],
            s["name"],
            s["decided_by"],
            s.get("deadline_days"),
            tuple(s.get("remind_before_days") or ()),
            tuple((o["code"], o["name"], o["next"]) for o in s["outcomes"]),
        )
        for s in spec.get("steps") or []
    ]


def step(template, code: str) -> Step | None:
    for s in steps(template):
        if s.code == code:
            return s
    return None


def step_deadline(s: Step, decided_on: dt.date) -> dt.date | None:
    return decided_on + dt.timedelta(days=s.deadline_days) if s.deadline_days else None


def min_group_size(template, inst: dict, audience: str) -> int:
    """The smallest group that gives a result for ``audience``: the template's
    ``evaluation.self_analysis.min_group_size`` for it, else the instrument's own."""
    spec = self_analysis_spec(template) or {}
    sizes = spec.get("min_group_size") or {}
    return int(sizes.get(audience, inst["min_group_size"]))
