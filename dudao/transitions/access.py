"""Who may do what in the transition workflow. Fetches answer 404 outside the user's scope
(through ``dudao.orgs.access``); a user who may see a unit but not act on it is refused by the
action with a Chinese message and the page does not offer the form.

| who | may |
|---|---|
| the unit's head or liaison | apply, record the summary-and-mobilisation meeting |
| a leader or member of the unit's supervision group | forward, order remedial work, propose an extension |
| the campaign office (and superusers) | approve, send back, decide extensions |
| leading group, inspectors | read |
"""

from __future__ import annotations

from django.http import Http404

from dudao.core.access import get_in_scope_or_404
from dudao.core.errors import AccessDenied
from dudao.orgs.access import (
    get_campaign_for_user,
    get_group_for_user,
    get_participation_for_user,
    scope_for,
    visible_participations,
)

from .models import PhaseExtension, TransitionApplication

UNIT = "unit"
GROUP = "group"
OFFICE = "office"


def capabilities(user, participation) -> set[str]:
    scope = scope_for(user)
    caps: set[str] = set()
    if participation.unit_id in scope.units:
        caps.add(UNIT)
    if participation.group_id is not None and participation.group_id in scope.groups:
        caps.add(GROUP)
    if scope.is_superuser or participation.campaign_id in scope.office_campaigns:
        caps.add(OFFICE)
    return caps


def require(user, participation, cap: str, doing: str) -> None:
    """Raise AccessDenied unless the user holds ``cap`` for this unit."""
    if cap not in capabilities(user, participation):
        who = {UNIT: "本单位主要负责人或联络员", GROUP: "本单位的督导组", OFFICE: "活动办公室"}[cap]
        raise AccessDenied(f"只有{who}可以{doing}。", code="forbidden")


def get_participation(user, participation_id):
    return get_participation_for_user(user, participation_id)


def get_participation_as(user, participation_id, cap: str):
    """The participation if the user holds ``cap`` on it; 404 otherwise (the page is not his)."""
    participation = get_participation_for_user(user, participation_id)
    if cap not in capabilities(user, participation):
        raise Http404("页面不存在或您无权访问")
    return participation


def get_application_for_user(user, application_id) -> TransitionApplication:
    return get_in_scope_or_404(
        TransitionApplication.objects.filter(
            participation__in=visible_participations(user)
        ).select_related(
            "participation__campaign__template",
            "participation__batch",
            "participation__group",
            "participation__unit",
            "submitted_by",
            "group_decided_by",
            "office_decided_by",
        ),
        application_id,
    )


def get_extension_for_user(user, extension_id) -> PhaseExtension:
    return get_in_scope_or_404(
        PhaseExtension.objects.filter(
            participation__in=visible_participations(user)
        ).select_related("participation__campaign__template", "participation__batch"),
        extension_id,
    )


def get_campaign_dashboard_for_user(user, campaign_id):
    """Office and leading group (and superusers) read the campaign-wide dashboard."""
    campaign = get_campaign_for_user(user, campaign_id)
    scope = scope_for(user)
    if not (scope.is_superuser or campaign.pk in scope.read_all_campaigns):
        raise Http404("页面不存在或您无权访问")
    return campaign


def get_group_dashboard_for_user(user, group_id):
    return get_group_for_user(user, group_id)
