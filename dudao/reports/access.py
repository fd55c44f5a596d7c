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
from dudao.core.access import NOT_FOUND, parse_id
from dudao.core.permissions import Permits, allow, refuse
from dudao.orgs.access import scope_for

from .models import Bulletin, BulletinStatus


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


def bulletin_permits(user, campaign, bulletin=None):
    """What ``user`` may do with the campaign's bulletins (简报) now, and why not: the office
    drafts, edits and issues; the leading group reads and prints; an issued one is frozen. The
    pages' buttons and the actions ask the same."""
    scope = scope_for(user)
    office = scope.is_superuser or campaign.pk in scope.office_campaigns
    permits = Permits()
    who = "只有活动办公室可以编发简报。"
    permits.add(allow("create") if office else refuse("create", who))
    for action in ("edit", "issue"):
        if not office:
            permits.add(refuse(action, who))
        elif bulletin is not None and bulletin.status != BulletinStatus.DRAFT:
            permits.add(refuse(action, "该期简报已印发，内容不能再改。", state=True))
        else:
            permits.add(allow(action))
    return permits


def get_bulletin_for_reader(user, bulletin_id):
    """A bulletin of a campaign whose office documents the user may print; 404 otherwise."""
    bulletin = (
        Bulletin.objects.select_related("campaign__template")
        .filter(pk=parse_id(bulletin_id))
        .first()
    )
    if bulletin is None:
        raise Http404(NOT_FOUND)
    campaign = get_campaign_for_reader(user, bulletin.campaign_id)
    if not may_print_office_documents(user, campaign):
        raise Http404(NOT_FOUND)
    return bulletin
