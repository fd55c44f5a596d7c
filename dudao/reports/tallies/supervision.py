"""The tallies of the supervision group's own work: visits and 一把手约谈."""

from __future__ import annotations

from django.db.models import Q, Sum

from dudao.supervision.models import Interview, Visit, VisitKind

from ..registry import Column, Source, register_tally
from ._common import SUPERVISE, _choices, _in

# --- the supervision group's own work (visits, 一把手约谈) ---------------------------------------

register_tally(
    "visits",
    label="督导组调研走访",
    section=SUPERVISE,
    unit_of_measure="次",
    params={"kinds": _choices(VisitKind)},
    sources=lambda params, ctx: [
        Source(
            Visit,
            Q(_in("kind", params.get("kinds"))),
            phase=None,
            date="happened_on",
            columns=(
                Column("日期", "happened_on"),
                Column("方式", "kind"),
                Column("督导组", "group__name"),
                Column("接触人数", "people_count"),
            ),
        )
    ],
)

register_tally(
    "visit_people",
    label="督导组调研接触人数",
    section=SUPERVISE,
    unit_of_measure="人次",
    params={"kinds": _choices(VisitKind)},
    sources=lambda params, ctx: [
        Source(
            Visit,
            Q(_in("kind", params.get("kinds"))),
            phase=None,
            date="happened_on",
            value=Sum("people_count"),
            columns=(
                Column("日期", "happened_on"),
                Column("方式", "kind"),
                Column("接触人数", "people_count"),
            ),
        )
    ],
)

register_tally(
    "interviews",
    label="约谈单位主要负责人",
    section=SUPERVISE,
    unit_of_measure="次",
    sources=lambda params, ctx: [
        Source(
            Interview,
            Q(),
            phase=None,
            date="held_on",
            columns=(
                Column("约谈日期", "held_on"),
                Column("约谈对象", "interviewee"),
                Column("约谈原因", "reason"),
            ),
        )
    ],
)
