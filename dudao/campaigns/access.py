"""Permission-checked fetches of the campaign set-up pages, built on ``dudao.core.access``.

The campaign comes through ``get_campaign_for_manager`` (404 for anyone but the office and
superusers, the leading group included); every object inside it — a batch, a group, a
participation, an inspection group — through a queryset bounded by that campaign, so an id of
another campaign's object answers 404 like a malformed one.
"""

from __future__ import annotations

from dudao.core.access import get_in_scope_or_404, get_optional_in_scope_or_404
from dudao.orgs.access import get_campaign_for_manager, scope_for

__all__ = [
    "get_batch",
    "get_campaign_for_manager",
    "get_group",
    "get_inspection_group",
    "get_optional_group",
    "get_participation",
    "may_create_campaigns",
]


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
