"""The survey and transition tallies: surveys run and passed, remedial orders, transitions
approved."""

from __future__ import annotations

from django.db.models import Q

from dudao.campaigns.report_tallies import TallyParam
from dudao.core.idlists import in_ids
from dudao.surveys.models import RoundStatus, SurveyRound
from dudao.surveys.selectors import outcomes_for_rounds
from dudao.transitions.models import ApplicationStatus, RemedialOrder, TransitionApplication

from ..registry import Column, Context, Source, register_tally
from ._common import PROCESS, SURVEY, _in

# --- surveys and transitions ------------------------------------------------------------------

_ROUND_COLUMNS = (
    Column("测评", "instrument"),
    Column("轮次", "round_number"),
    Column("结束时间", "closed_at"),
)


def _closed_rounds(params) -> Q:
    return Q(status=RoundStatus.CLOSED) & _in("instrument", params.get("instruments"))


def _passed_only(qs, ctx: Context):
    # Rows, not model instances: a week of a city's closed rounds is tens of thousands.
    rounds = list(qs.values_list("pk", "instrument", "round_number", "status", named=True))
    outcomes = outcomes_for_rounds(rounds, ctx.template)
    passed = [pk for pk, o in outcomes.items() if o.status == "passed"]
    # The passed rounds by their ids alone: they were chosen from ``qs``, so its conditions
    # hold for them. Kept on ``qs``, the campaign's condition on the units led SQLite's planner
    # to look every id up once per unit (33.6 s for a week's totals at city scale; 1.2 s so).
    return SurveyRound.objects.filter(pk__in=in_ids(passed))


register_tally(
    "surveys_run",
    label="开展测评",
    section=SURVEY,
    unit_of_measure="次",
    params={"instruments": TallyParam(refers="instrument")},
    sources=lambda params, ctx: [
        Source(
            SurveyRound,
            Q(_closed_rounds(params)),
            phase=None,
            date="closed_at__date",
            columns=_ROUND_COLUMNS,
        )
    ],
)

register_tally(
    "surveys_passed",
    label="测评通过",
    section=SURVEY,
    unit_of_measure="次",
    params={"instruments": TallyParam(refers="instrument")},
    sources=lambda params, ctx: [
        Source(
            SurveyRound,
            Q(_closed_rounds(params)),
            phase=None,
            date="closed_at__date",
            columns=_ROUND_COLUMNS,
            refine=_passed_only,
        )
    ],
)

register_tally(
    "remedial_orders",
    label="责令补课",
    section=PROCESS,
    unit_of_measure="次",
    sources=lambda params, ctx: [
        Source(
            RemedialOrder,
            Q(),
            date="ordered_at__date",
            columns=(
                Column("责令时间", "ordered_at"),
                Column("理由", "reason"),
                Column("补课期限", "deadline"),
            ),
        )
    ],
)

register_tally(
    "transitions_approved",
    label="批准转段",
    section=PROCESS,
    unit_of_measure="次",
    sources=lambda params, ctx: [
        Source(
            TransitionApplication,
            Q(status=ApplicationStatus.APPROVED),
            phase="from_phase",
            date="office_decided_at__date",
            columns=(
                Column("所在阶段", "from_phase"),
                Column("申请时间", "submitted_at"),
                Column("批准时间", "office_decided_at"),
            ),
        )
    ],
)
