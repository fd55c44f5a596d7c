"""The examination tallies (查摆问题、开展批评): problems found, criticisms, talks
and their rounds."""

from __future__ import annotations

from django.db.models import Count, Q

from dudao.records.models import Criticism, FindingSource, ProblemFound, Talk

from ..registry import Column, Source, register_tally
from ._common import EXAMINE, _choices, _in

# --- examination (查摆问题、开展批评) -----------------------------------------------------------

register_tally(
    "problems_found",
    label="查摆问题",
    section=EXAMINE,
    unit_of_measure="条",
    params={"sources": _choices(FindingSource)},
    sources=lambda params, ctx: [
        Source(
            ProblemFound,
            Q(_in("source", params.get("sources"))),
            date="created_at__date",
            columns=(
                Column("查摆人", "person__name"),
                Column("来源", "source"),
                Column("问题", "text"),
            ),
        )
    ],
)

register_tally(
    "criticisms",
    label="相互批评意见",
    section=EXAMINE,
    unit_of_measure="条",
    sources=lambda params, ctx: [
        Source(
            Criticism,
            Q(),
            date="created_at__date",
            columns=(
                Column("提出人", "critic__name"),
                Column("被批评人", "target__name"),
                Column("批评意见", "text"),
            ),
        )
    ],
)

_TALK_COLUMNS = (
    Column("日期", "date"),
    Column("轮次", "round_number"),
    Column("形式", "form"),
    Column("谈话人", "initiator__name"),
)

register_tally(
    "talks",
    label="谈心谈话",
    section=EXAMINE,
    unit_of_measure="次",
    sources=lambda params, ctx: [Source(Talk, Q(), columns=_TALK_COLUMNS)],
)

register_tally(
    "talk_rounds",
    label="谈心谈话轮次（各单位之和）",
    section=EXAMINE,
    unit_of_measure="轮",
    sources=lambda params, ctx: [
        Source(
            Talk,
            Q(),
            value=Count("round_number", distinct=True),
            columns=_TALK_COLUMNS,
        )
    ],
)
