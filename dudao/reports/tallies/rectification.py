"""The rectification tallies (整改落实、建章立制): items by class and light, regulations,
special actions."""

from __future__ import annotations

from django.db.models import Q

from dudao.campaigns.report_tallies import TallyParam
from dudao.rectification import rules as rect_rules
from dudao.rectification.models import ActionKind, Item, RectClass, Regulation, SpecialAction
from dudao.rectification.selectors import light_q

from ..registry import Column, Context, Source, register_tally
from ._common import RECTIFY, _choices, _in

# --- rectification (整改落实、建章立制) --------------------------------------------------------

LIGHT_CHOICES = TallyParam(choices=dict(rect_rules.LIGHT_LABELS))


def _items(params, ctx: Context) -> list[Source]:
    q = _in("rect_class", params.get("classes"))
    lights = params.get("lights")
    if lights:
        conditions = light_q(ctx.template, ctx.today)
        either = Q(pk__in=[])
        for light in lights:
            for cond in conditions[light].values():
                either |= cond
        q &= either
    return [
        Source(
            Item,
            Q(q),
            phase=None,
            date="created_at__date",
            columns=(
                Column("序号", "number"),
                Column("问题", "problem"),
                Column("整改类别", "rect_class"),
                Column("完成时限", "deadline"),
                Column("状态", "status"),
            ),
        )
    ]


register_tally(
    "rectification_items",
    label="整改事项",
    section=RECTIFY,
    unit_of_measure="项",
    params={"classes": _choices(RectClass), "lights": LIGHT_CHOICES},
    sources=_items,
)

register_tally(
    "regulations",
    label="建章立制",
    section=RECTIFY,
    unit_of_measure="项",
    sources=lambda params, ctx: [
        Source(
            Regulation,
            Q(),
            phase=None,
            date="adopted_on",
            columns=(
                Column("制度名称", "title"),
                Column("制定日期", "adopted_on"),
                Column("制定机关", "adopted_by"),
            ),
        )
    ],
)

register_tally(
    "special_actions",
    label="专项行动（问责、化解积案、为民办实事）",
    section=RECTIFY,
    unit_of_measure="项",
    params={"kinds": _choices(ActionKind)},
    sources=lambda params, ctx: [
        Source(
            SpecialAction,
            Q(_in("kind", params.get("kinds"))),
            phase=None,
            date="held_on",
            columns=(
                Column("日期", "held_on"),
                Column("类别", "kind"),
                Column("名称", "title"),
                Column("涉及人数", "people"),
            ),
        )
    ],
)
