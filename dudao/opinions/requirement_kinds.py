"""Opinion requirement kinds for the requirements engine (issue 12 §10).

| kind | passes when |
|---|---|
| ``opinions_collected_min`` | the unit collected at least ``min_count`` opinions (hidden ones do not count) |
| ``opinions_all_fed_back`` | every opinion of the unit not hidden has been fed back (seed 001 §三(一): "要向班子成员或全体党员集体反馈，对个人的意见要及时向党员本人反馈") |

Registered from this app's ``AppConfig.ready`` like the rectification kinds (the engine may not
import this app). Each evaluator is one GROUP BY over all units evaluated.
"""

from __future__ import annotations

from django.db.models import Count, Q
from pydantic import Field

from dudao.campaigns.requirements.types import Shortfall
from dudao.campaigns.template_schema import RequirementKind, Strict

from .models import Opinion

UNIT_SCOPES = ("per_unit",)


class NoParams(Strict):
    pass


class MinCountParams(Strict):
    min_count: int = Field(ge=1, le=100000)


def _counts(ctx, units) -> dict[int, dict]:
    rows = (
        Opinion.objects.filter(ctx.pids_q(units), hidden=False)
        .values("participation_id")
        .annotate(total=Count("pk"), fed=Count("pk", filter=Q(feedback__isnull=False)))
        .order_by()
    )
    return {row["participation_id"]: row for row in rows}


def collected_min(ctx, req, phase, units):
    from dudao.campaigns.requirements.kinds import make

    need = int(req["params"]["min_count"])
    rows = _counts(ctx, units)
    out = {}
    for unit in units:
        n = rows.get(unit.participation_id, {"total": 0})["total"]
        out[unit.participation_id] = make(
            req,
            "passed" if n >= need else "failed",
            f"已征求意见建议 {n} 条，要求不少于 {need} 条",
            shortfalls=[] if n >= need else [Shortfall(unit.participation_id, unit.name, n, need)],
        )
    return out


def all_fed_back(ctx, req, phase, units):
    from dudao.campaigns.requirements.kinds import make

    rows = _counts(ctx, units)
    out = {}
    for unit in units:
        row = rows.get(unit.participation_id, {"total": 0, "fed": 0})
        left = row["total"] - row["fed"]
        out[unit.participation_id] = make(
            req,
            "passed" if left == 0 else "failed",
            f"意见建议 {row['total']} 条，已反馈 {row['fed']} 条，未反馈 {left} 条",
            shortfalls=[]
            if left == 0
            else [Shortfall(unit.participation_id, unit.name, row["fed"], row["total"])],
        )
    return out


KINDS = {
    "opinions_collected_min": (
        RequirementKind("征求意见建议最少条数", MinCountParams, UNIT_SCOPES),
        collected_min,
    ),
    "opinions_all_fed_back": (
        RequirementKind("意见建议全部反馈", NoParams, UNIT_SCOPES),
        all_fed_back,
    ),
}


def register() -> None:
    from dudao.campaigns.requirements.kinds import EVALUATORS
    from dudao.campaigns.template_schema import REQUIREMENT_KINDS

    for code, (spec, evaluator) in KINDS.items():
        REQUIREMENT_KINDS[code] = spec
        EVALUATORS[code] = evaluator
