"""The supervision workbench's tallies (issue 13): kept apart from ``tallies.py`` so the two
are edited independently; imported beside it in ``ReportsConfig.ready``.

典型经验 (seed 004: typical experiences nominated and promoted): by default the ones the office
published, the ones a bulletin may print; the template may count other states too.
"""

from __future__ import annotations

from django.db.models import Q

from dudao.campaigns.report_tallies import TallyParam
from dudao.supervision.models import ExperienceStatus, TypicalExperience

from .registry import Column, Source, register_tally

SUPERVISION = "督导工作"

register_tally(
    "typical_experiences",
    label="典型经验",
    section=SUPERVISION,
    unit_of_measure="个",
    params={
        "statuses": TallyParam(choices={c.value: c.label for c in ExperienceStatus}),
    },
    defaults={"statuses": [ExperienceStatus.PUBLISHED]},
    sources=lambda params, ctx: [
        Source(
            TypicalExperience,
            Q(status__in=params.get("statuses") or [ExperienceStatus.PUBLISHED]),
            phase=None,
            date="nominated_at__date",
            columns=(
                Column("标题", "title"),
                Column("推荐督导组", "group__name"),
                Column("状态", "status"),
                Column("发布时间", "published_at"),
            ),
        )
    ],
)
