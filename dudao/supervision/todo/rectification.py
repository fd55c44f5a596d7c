"""To-do provider for the rectification app: items due."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from dudao.core.todo import Todo
from dudao.orgs.access import scope_for
from dudao.rectification.models import Item, ItemStatus

from ._common import _any, _template, _today

# --- rectification: items due (its own page lists the reminders) -------------------------------


def rect_q(user):
    scope = scope_for(user)
    soon = _today() + dt.timedelta(days=7)
    parts = [Q(owner_id=user.pk)]
    if scope.units:
        parts.append(Q(participation__unit_id__in=scope.units))
    due = Q(status=ItemStatus.OPEN, deadline__lte=soon)
    q = _any(parts) & due
    if scope.groups:
        # The group: its units' items overdue, and close applications waiting on sign-off.
        group = Q(participation__group_id__in=scope.groups)
        q |= group & (
            Q(status=ItemStatus.OPEN, deadline__lt=_today()) | Q(status=ItemStatus.CLOSING)
        )
    return Item.objects.filter(q)


def rect_items(user):
    from dudao.rectification.rules import light

    out = []
    for item in rect_q(user).select_related("participation").order_by("deadline")[:100]:
        out.append(
            Todo(
                section="整改事项",
                title=f"{item.participation.unit_name} 第{item.number}项：{item.problem[:40]}"
                + ("（申请办结待审批）" if item.status == ItemStatus.CLOSING else ""),
                url_name="rectification:item",
                url_args=(item.pk,),
                due=item.deadline,
                light=light(
                    _template(user, item.campaign_id),
                    status=item.status,
                    rect_class=item.rect_class,
                    deadline=item.deadline,
                    today=_today(),
                ),
            )
        )
    return out
