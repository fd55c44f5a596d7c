"""Who may see which campaign, supervision group and participation: the campaign-level half of
the scope (the organisation-level half, ``Scope`` itself, is ``dudao.orgs.access``). Lives here
because ``orgs`` sits below ``campaigns`` and may not import its models (docs/architecture.md).
Anything outside a user's scope answers 404."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from dudao.core.access import get_in_scope_or_404, get_optional_in_scope_or_404
from dudao.orgs.access import scope_for

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
    return get_in_scope_or_404(
        visible_campaigns(user).select_related("template", "root"), campaign_id
    )


def get_group_for_user(user, group_id):
    return get_in_scope_or_404(visible_groups(user).select_related("campaign", "batch"), group_id)


def get_participation_for_user(user, participation_id):
    return get_in_scope_or_404(
        visible_participations(user).select_related("campaign__template", "batch", "group", "unit"),
        participation_id,
    )


def get_campaign_for_manager(user, campaign_id):
    """The campaign, if the user may manage it (office); 404 otherwise — read-only users too."""
    campaign = get_campaign_for_user(user, campaign_id)
    if not scope_for(user).can_manage_campaign(campaign.pk):
        raise Http404("活动不存在或您无权管理")
    return campaign


# --- set-up pages: objects inside a campaign the user manages --------------------------------


def may_create_campaigns(user) -> bool:
    """Superusers, and clerks who already run a campaign's office, start new campaigns."""
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.office_campaigns)


def get_batch(campaign, batch_id):
    return get_in_scope_or_404(campaign.batches.all(), batch_id)


def get_group(campaign, group_id):
    return get_in_scope_or_404(campaign.groups.all(), group_id)


def get_optional_group(campaign, group_id):
    """None for an empty value (the form's "no group")."""
    return get_optional_in_scope_or_404(campaign.groups.all(), group_id)


def get_participation(campaign, participation_id):
    return get_in_scope_or_404(campaign.participations.all(), participation_id)


def get_inspection_group(campaign, inspection_id):
    return get_in_scope_or_404(campaign.inspection_groups.all(), inspection_id)
