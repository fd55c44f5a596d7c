"""The archive tally (活动档案): the units whose archive is complete."""

from __future__ import annotations

from django.db.models import Q

from dudao.archive.selectors import complete_only
from dudao.campaigns.models import Participation

from ..registry import Column, Context, Source, register_tally
from ._common import ARCHIVE

# --- the archive (活动档案: seed 002's 107 archives for 107 units) -------------------------------


def _complete_only(qs, ctx: Context):
    return complete_only(qs, ctx.template)


register_tally(
    "archives_complete",
    label="活动档案齐全的单位",
    section=ARCHIVE,
    unit_of_measure="个",
    sources=lambda params, ctx: [
        Source(
            Participation,
            Q(),
            unit="",
            phase=None,
            date=None,
            columns=(Column("单位", "unit_name"), Column("当前阶段", "current_phase")),
            refine=_complete_only,
            title="档案清单各项齐全",
        )
    ],
)
