"""To-do provider for typical experiences: the office decides, the group rewrites what came
back."""

from __future__ import annotations

from django.db.models import Q

from dudao.core.todo import Todo
from dudao.orgs.access import scope_for

from ..models import ExperienceStatus, TypicalExperience
from ._common import _any

# --- typical experiences: the office decides, the group rewrites what came back ----------------


def experiences_q(user):
    scope = scope_for(user)
    parts = []
    if scope.office_campaigns:
        parts.append(
            Q(
                campaign_id__in=scope.office_campaigns,
                status__in=[ExperienceStatus.NOMINATED, ExperienceStatus.APPROVED],
            )
        )
    if scope.groups:
        parts.append(Q(group_id__in=scope.groups, status=ExperienceStatus.RETURNED))
    return TypicalExperience.objects.filter(_any(parts))


EXPERIENCE_WAITS = {
    ExperienceStatus.NOMINATED: "待审定",
    ExperienceStatus.APPROVED: "已审定，待发布",
    ExperienceStatus.RETURNED: "退回修改，请修改后重新报送",
}


def experiences_items(user):
    return [
        Todo(
            section="典型经验",
            title=f"{e.participation.unit_name}：{e.title[:40]}（{EXPERIENCE_WAITS[e.status]}）",
            url_name="supervision:experience",
            url_args=(e.pk,),
            reason=f"退回理由：{e.return_reason}" if e.status == ExperienceStatus.RETURNED else "",
            since=e.approved_at or e.nominated_at,
        )
        for e in experiences_q(user).select_related("participation").order_by("nominated_at")[:100]
    ]
