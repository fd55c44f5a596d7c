"""Nobody supervises his own unit (DOMAIN.md §1), checked from both sides."""

from __future__ import annotations

import pytest

from dudao.campaigns import actions as campaign_actions
from dudao.core.errors import DomainError
from dudao.orgs import actions as org_actions
from dudao.orgs.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db


def test_it_refuses_a_group_member_from_a_unit_the_group_supervises(cast):
    head = cast.user("unit_head")  # a person of unit A, which group1 supervises
    with pytest.raises(DomainError, match="不能督导本单位"):
        org_actions.grant_role(actor=cast.user("admin"), user=head, role=Role.GROUP_MEMBER, group=cast.group1)
    assert not RoleAssignment.objects.filter(user=head, group=cast.group1).exists()


def test_it_refuses_to_give_a_group_the_unit_of_one_of_its_members(cast):
    # group1's leader and member are people of unit C (supervised by group2).
    participation = cast.unit_c.participations.get()
    with pytest.raises(DomainError, match="不能督导本单位"):
        campaign_actions.assign_unit_to_group(actor=cast.user("admin"), participation=participation,
                                              group=cast.group1, reason="调整")
    participation.refresh_from_db()
    assert participation.group_id == cast.group2.pk


def test_it_allows_a_member_from_another_unit(cast):
    ra = org_actions.grant_role(actor=cast.user("admin"), user=cast.user("unit_head"), role=Role.GROUP_MEMBER,
                                group=cast.group2)
    assert ra.pk and ra.group_id == cast.group2.pk
