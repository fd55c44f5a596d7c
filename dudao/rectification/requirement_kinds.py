"""Rectification requirement kinds for the requirements engine (issue 11 §9): gates a phase
transition can ask of a unit's rectification items and registers.

| kind | passes when |
|---|---|
| ``rectification_immediate_closed`` | every 立即整改 item of the unit is closed (seed 001: "立说立改的问题，必须马上解决") |
| ``rectification_near_term_share`` | at least ``share`` of its 近期整改 items are closed |
| ``rectification_no_overdue`` | no item is past its deadline undone (an approved extension moved the deadline; a pending one does not) |
| ``rectification_regulations_min`` | at least ``min_count`` regulations (建章立制) are registered |
| ``rectification_look_back_done`` | every item not closed has a 回头看 entry (seed 001: "回头看…对暂时解决不了的问题，要向群众作出说明") and, where the template names ``look_back_document``, the unit's result document of that kind is approved in document review |

The engine may not import this app (dependencies point from the record-keeping apps to
campaigns), so ``register()`` — called from this app's ``AppConfig.ready`` — adds the kinds to
the schema's ``REQUIREMENT_KINDS`` and the engine's ``EVALUATORS``. Each evaluator runs one or
two aggregate queries over all units evaluated (``ctx.pids_q``), whatever their number.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.db.models import Count, Q
from django.utils import timezone
from pydantic import Field

from dudao.campaigns.requirements.types import Shortfall
from dudao.campaigns.template_schema import FractionText, RequirementKind, Strict

from .models import DONE_STATUSES, Item, ItemStatus, RectClass, Regulation

UNIT_SCOPES = ("per_unit",)


class NoParams(Strict):
    pass


class ShareParams(Strict):
    share: FractionText = "1"


class MinCountParams(Strict):
    min_count: int = Field(ge=1, le=1000)


def _class_name(ctx, code: str) -> str:
    for c in (ctx.template.get("rectification") or {}).get("classes", []):
        if c["code"] == code:
            return c["name"]
    return RectClass(code).label


def _per_unit_counts(ctx, units, qs, **counts) -> dict[int, dict]:
    rows = (
        qs.filter(ctx.pids_q(units))
        .values("participation_id")
        .annotate(**counts)
        .values("participation_id", *counts)
        .order_by()
    )
    return {row["participation_id"]: row for row in rows}


def immediate_closed(ctx, req, phase, units):
    from dudao.campaigns.requirements.kinds import make

    name = _class_name(ctx, RectClass.IMMEDIATE)
    rows = _per_unit_counts(
        ctx,
        units,
        Item.objects.filter(rect_class=RectClass.IMMEDIATE),
        total=Count("pk"),
        closed=Count("pk", filter=Q(status=ItemStatus.CLOSED)),
    )
    out = {}
    for unit in units:
        row = rows.get(unit.participation_id, {"total": 0, "closed": 0})
        open_n = row["total"] - row["closed"]
        out[unit.participation_id] = make(
            req,
            "passed" if open_n == 0 else "failed",
            f"{name}事项 {row['total']} 项，已办结 {row['closed']} 项，未办结 {open_n} 项",
            shortfalls=[]
            if open_n == 0
            else [Shortfall(unit.participation_id, unit.name, row["closed"], row["total"])],
        )
    return out


def near_term_share(ctx, req, phase, units):
    from dudao.campaigns.requirements.kinds import make

    need = Fraction(req["params"]["share"])
    name = _class_name(ctx, RectClass.NEAR_TERM)
    rows = _per_unit_counts(
        ctx,
        units,
        Item.objects.filter(rect_class=RectClass.NEAR_TERM),
        total=Count("pk"),
        closed=Count("pk", filter=Q(status=ItemStatus.CLOSED)),
    )
    out = {}
    for unit in units:
        row = rows.get(unit.participation_id, {"total": 0, "closed": 0})
        ok = row["total"] == 0 or Fraction(row["closed"], row["total"]) >= need
        share = f"{row['closed'] / row['total'] * 100:.1f}%" if row["total"] else "—"
        out[unit.participation_id] = make(
            req,
            "passed" if ok else "failed",
            f"{name}事项 {row['total']} 项，已办结 {row['closed']} 项（{share}），要求不低于 "
            f"{float(need) * 100:.1f}%",
            shortfalls=[]
            if ok
            else [Shortfall(unit.participation_id, unit.name, row["closed"], row["total"])],
        )
    return out


def no_overdue(ctx, req, phase, units):
    from dudao.campaigns.requirements.kinds import make

    today: dt.date = timezone.localdate()
    rows = _per_unit_counts(
        ctx,
        units,
        Item.objects.exclude(status__in=DONE_STATUSES).filter(deadline__lt=today),
        overdue=Count("pk"),
    )
    out = {}
    for unit in units:
        n = rows.get(unit.participation_id, {"overdue": 0})["overdue"]
        out[unit.participation_id] = make(
            req,
            "passed" if n == 0 else "failed",
            f"逾期未办结且未经批准延期的整改事项 {n} 项",
            shortfalls=[] if n == 0 else [Shortfall(unit.participation_id, unit.name, n, 0)],
        )
    return out


def regulations_min(ctx, req, phase, units):
    from dudao.campaigns.requirements.kinds import make

    need = int(req["params"]["min_count"])
    rows = _per_unit_counts(ctx, units, Regulation.objects.all(), n=Count("pk"))
    out = {}
    for unit in units:
        n = rows.get(unit.participation_id, {"n": 0})["n"]
        out[unit.participation_id] = make(
            req,
            "passed" if n >= need else "failed",
            f"已建立制度 {n} 项，要求不少于 {need} 项",
            shortfalls=[] if n >= need else [Shortfall(unit.participation_id, unit.name, n, need)],
        )
    return out


def look_back_done(ctx, req, phase, units):
    """Every item not closed has a 回头看 entry and, where the template names the result's
    document kind (``rectification.look_back_document``), the unit's result document of that
    kind is approved in document review."""
    from dudao.campaigns.requirements.kinds import make
    from dudao.reviews.models import Document, DocumentStatus

    from . import rules

    doc_kind = rules.look_back_document(ctx.template)
    doc_name = next(
        (d["name"] for d in ctx.template.get("document_kinds", []) if d["code"] == doc_kind), ""
    )
    approved: set[int] = set()
    if doc_kind:
        approved = set(
            Document.objects.filter(
                ctx.pids_q(units), kind=doc_kind, status=DocumentStatus.APPROVED
            ).values_list("participation_id", flat=True)
        )
    rows = _per_unit_counts(
        ctx,
        units,
        Item.objects.exclude(status=ItemStatus.CLOSED),
        unsolved=Count("pk", distinct=True),
        reviewed=Count("pk", filter=Q(look_backs__isnull=False), distinct=True),
    )
    out = {}
    for unit in units:
        row = rows.get(unit.participation_id, {"unsolved": 0, "reviewed": 0})
        left = row["unsolved"] - row["reviewed"]
        summary = f"未办结事项 {row['unsolved']} 项，已回头看 {row['reviewed']} 项"
        document_ok = not doc_kind or unit.participation_id in approved
        if doc_kind:
            summary += f"；{doc_name}" + ("已审核通过" if document_ok else "尚未审核通过")
        passed = left == 0 and document_ok
        out[unit.participation_id] = make(
            req,
            "passed" if passed else "failed",
            summary,
            shortfalls=[]
            if passed
            else [
                Shortfall(
                    unit.participation_id,
                    unit.name,
                    row["reviewed"] + int(document_ok),
                    row["unsolved"] + int(bool(doc_kind)),
                )
            ],
        )
    return out


KINDS = {
    "rectification_immediate_closed": (
        RequirementKind("立即整改事项全部办结", NoParams, UNIT_SCOPES),
        immediate_closed,
    ),
    "rectification_near_term_share": (
        RequirementKind("近期整改事项办结比例", ShareParams, UNIT_SCOPES),
        near_term_share,
    ),
    "rectification_no_overdue": (
        RequirementKind("没有未经批准延期的逾期整改事项", NoParams, UNIT_SCOPES),
        no_overdue,
    ),
    "rectification_regulations_min": (
        RequirementKind("建章立制最少项数", MinCountParams, UNIT_SCOPES),
        regulations_min,
    ),
    "rectification_look_back_done": (
        RequirementKind("回头看已完成", NoParams, UNIT_SCOPES),
        look_back_done,
    ),
}


def register() -> None:
    from dudao.campaigns.requirements.kinds import EVALUATORS
    from dudao.campaigns.template_schema import REQUIREMENT_KINDS

    for code, (spec, evaluator) in KINDS.items():
        REQUIREMENT_KINDS[code] = spec
        EVALUATORS[code] = evaluator
