"""Who may see which campaign, supervision group and participation: the campaign-level half of
the scope (the organisation-level half, ``Scope`` itself, is ``dudao.orgs.access``). Lives here
because ``orgs`` sits below ``campaigns`` and may not import its models (docs/architecture.md).
Anything outside a user's scope answers 404."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from dudao.orgs.access import _get_or_404, scope_for

from .models import Campaign, Participation, SupervisionGroup


def visible_participations(user, campaign=None):
    qs = Participation.objects.filter(scope_for(user).participation_q())
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs


def visible_campaigns(user):
    ids = scope_for(user).campaign_ids()
    qs = Campaign.objects.all()
    if ids is None:
        return qs
    units = scope_for(user).units
    q = Q(pk__in=ids)
    if units:
        q |= Q(participations__unit_id__in=units)
    return qs.filter(q).distinct()


def visible_groups(user):
    scope = scope_for(user)
    if scope.is_superuser:
        return SupervisionGroup.objects.all()
    q = Q(campaign_id__in=scope.read_all_campaigns) | Q(pk__in=scope.groups)
    return SupervisionGroup.objects.filter(q)


# --- permission-checked fetches --------------------------------------------------------------


def get_campaign_for_user(user, campaign_id):
    return _get_or_404(
        visible_campaigns(user).select_related("template", "root"), campaign_id, "活动"
    )


def get_group_for_user(user, group_id):
    return _get_or_404(visible_groups(user).select_related("campaign", "batch"), group_id, "督导组")


def get_participation_for_user(user, participation_id):
    return _get_or_404(
        visible_participations(user).select_related("campaign__template", "batch", "group", "unit"),
        participation_id,
        "参加单位",
    )


def get_campaign_for_manager(user, campaign_id):
    """The campaign, if the user may manage it (office); 404 otherwise — read-only users too."""
    campaign = get_campaign_for_user(user, campaign_id)
    if not scope_for(user).can_manage_campaign(campaign.pk):
        raise Http404("活动不存在或您无权管理")
    return campaign
