"""Who sees which report. Anyone who sees a campaign (office, leading group, its supervision
groups, inspectors, its units) opens its reports; the figures count only the units in his
scope (dudao.campaigns.access.visible_participations), so a group's report is its units' and a
unit's is its own. A unit outside the scope, or a group of another campaign, answers 404."""

from __future__ import annotations

from django.http import Http404

from dudao.campaigns.access import (
    get_campaign_for_user,
    get_group_for_user,
    get_participation_for_user,
    visible_campaigns,
)
from dudao.core.access import NOT_FOUND
from dudao.orgs.access import scope_for


def reporting_campaigns(user):
    return visible_campaigns(user).select_related("template").order_by("-start_date", "pk")


def get_campaign_for_reader(user, campaign_id):
    campaign = get_campaign_for_user(user, campaign_id)
    if scope_for(user).is_member_only:
        raise Http404(NOT_FOUND)
    return campaign


def get_campaign_group(user, campaign, group_id):
    group = get_group_for_user(user, group_id)
    if group.campaign_id != campaign.pk:
        raise Http404(NOT_FOUND)
    return group


def get_campaign_participation(user, campaign, participation_id):
    participation = get_participation_for_user(user, participation_id)
    if participation.campaign_id != campaign.pk:
        raise Http404(NOT_FOUND)
    return participation


def may_print_office_documents(user, campaign) -> bool:
    """Bulletins and the final report are the office's (and the leading group's) to print."""
    scope = scope_for(user)
    return scope.is_superuser or campaign.pk in scope.read_all_campaigns
