"""Requirement kinds of 分析评议 for the requirements engine (issue 12 §10).

| kind | passes when |
|---|---|
| ``talk_pairs_done`` | every pair the template's 四必谈 requires has talked in every round (seed 002); the shortfalls name the missing pairs |
| ``members_evaluated`` | every party member of the unit has a grade decided by the unit committee (seed 001) |
| ``unqualified_cases_opened`` | every member graded unqualified has an organisational-handling case (seed 001) |

Registered from ``EvaluationConfig.ready`` (the engine may not import this app). Each evaluator
runs a fixed number of aggregate queries over all units evaluated.
"""

from __future__ import annotations

from dudao.campaigns.models import Participation
from dudao.campaigns.requirements.types import Shortfall
from dudao.campaigns.template_schema import RequirementKind, Strict

from . import selectors, talks

UNIT_SCOPES = ("per_unit", "per_leadership_team")


class NoParams(Strict):
    pass


def _participations(units):
    return list(
        Participation.objects.filter(pk__in=[u.participation_id for u in units]).only(
            "pk", "unit_id", "unit_name", "group_id"
        )
    )


def talk_pairs_done(ctx, req, phase, units):
    from dudao.campaigns.requirements.kinds import make

    matrices = talks.coverage(_participations(units), ctx.template)
    out = {}
    for unit in units:
        m = matrices.get(unit.participation_id)
        if m is None:
            out[unit.participation_id] = make(req, "failed", "活动模板没有规定“四必谈”谈话对象")
            continue
        if not m.pairs:
            out[unit.participation_id] = make(
                req, "failed", "没有应谈的谈话对象：请先在人员名单中标明班子成员和单位主要负责人"
            )
            continue
        missing = m.missing()
        summary = f"应谈 {len(m.pairs)} 对 × {m.rounds} 轮 = {m.cells} 次，已谈 {m.done_count()} 次"
        if missing:
            summary += f"；未谈：{m.missing_text()}"
        out[unit.participation_id] = make(
            req,
            "failed" if missing else "passed",
            summary,
            shortfalls=[
                Shortfall(f"{p.key[0]}-{p.key[1]}-{r}", f"{p.label}（第{r}轮）", 0, 1)
                for p, r in missing
            ],
        )
    return out


def members_evaluated(ctx, req, phase, units):
    from dudao.campaigns.requirements.kinds import make

    counts = selectors.unit_counts(_participations(units))
    out = {}
    for unit in units:
        c = counts[unit.participation_id]
        left = c.not_evaluated
        out[unit.participation_id] = make(
            req,
            "passed" if left == 0 and c.members else "failed",
            f"党员 {c.members} 名，已确定评议等次 {c.decided} 名，未评议 {left} 名",
            shortfalls=[]
            if left == 0
            else [Shortfall(unit.participation_id, unit.name, c.decided, c.members)],
        )
    return out


def unqualified_cases_opened(ctx, req, phase, units):
    from dudao.campaigns.requirements.kinds import make

    counts = selectors.unit_counts(_participations(units))
    out = {}
    for unit in units:
        c = counts[unit.participation_id]
        left = c.cases_missing
        out[unit.participation_id] = make(
            req,
            "passed" if left == 0 else "failed",
            f"确定为不合格党员 {c.unqualified} 名，已启动组织处理 {c.cases} 名",
            shortfalls=[]
            if left == 0
            else [Shortfall(unit.participation_id, unit.name, c.cases, c.unqualified)],
        )
    return out


KINDS = {
    "talk_pairs_done": (
        RequirementKind("“四必谈”应谈对象每轮谈到", NoParams, UNIT_SCOPES),
        talk_pairs_done,
    ),
    "members_evaluated": (
        RequirementKind("每名党员都已评定等次", NoParams, UNIT_SCOPES),
        members_evaluated,
    ),
    "unqualified_cases_opened": (
        RequirementKind("不合格党员都已启动组织处理", NoParams, UNIT_SCOPES),
        unqualified_cases_opened,
    ),
}


def register() -> None:
    from dudao.campaigns.requirements.kinds import EVALUATORS
    from dudao.campaigns.template_schema import REQUIREMENT_KINDS

    for code, (spec, evaluator) in KINDS.items():
        REQUIREMENT_KINDS[code] = spec
        EVALUATORS[code] = evaluator
