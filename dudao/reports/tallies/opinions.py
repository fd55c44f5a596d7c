"""The opinion tallies (征求意见): opinions collected, classified and fed back."""

from __future__ import annotations

from django.db.models import Q

from dudao.opinions.models import Channel, GiverKind, Opinion

from ..registry import Column, Context, Source, register_tally
from ._common import OPINIONS, _choices, _in

# --- opinions (征求意见: collected, classified, fed back; seed 002's 218) ------------------------

_OPINION_COLUMNS = (
    Column("日期", "given_on"),
    Column("征求渠道", "channel"),
    Column("意见来源", "giver_kind"),
    Column("意见内容", "text"),
)
_OPINION_PARAMS = {"channels": _choices(Channel), "givers": _choices(GiverKind)}


def _opinions(where: Q):
    # A hidden opinion (abuse, shielded with a reason) is not one the unit collected; a merged
    # duplicate still is (the opinions app's summary counts the same way).
    def sources(params, ctx: Context) -> list[Source]:
        q = Q(hidden=False) & where
        q &= _in("channel", params.get("channels")) & _in("giver_kind", params.get("givers"))
        return [Source(Opinion, q, phase=None, date="given_on", columns=_OPINION_COLUMNS)]

    return sources


register_tally(
    "opinions_collected",
    label="征求意见建议",
    section=OPINIONS,
    unit_of_measure="条",
    params=_OPINION_PARAMS,
    sources=_opinions(Q()),
)

register_tally(
    "opinions_classified",
    label="意见建议已梳理归类",
    section=OPINIONS,
    unit_of_measure="条",
    params=_OPINION_PARAMS,
    sources=_opinions(Q(classified=True)),
)

register_tally(
    "opinions_fed_back",
    label="意见建议已反馈",
    section=OPINIONS,
    unit_of_measure="条",
    params=_OPINION_PARAMS,
    sources=_opinions(Q(feedback__isnull=False)),
)
