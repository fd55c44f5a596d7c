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
        org_actions.grant_role(
            actor=cast.user("admin"), user=head, role=Role.GROUP_MEMBER, group=cast.group1
        )
    assert not RoleAssignment.objects.filter(user=head, group=cast.group1).exists()


def test_it_refuses_to_give_a_group_the_unit_of_one_of_its_members(cast):
    # group1's leader and member are people of unit C (supervised by group2).
    participation = cast.unit_c.participations.get()
    with pytest.raises(DomainError, match="不能督导本单位"):
        campaign_actions.assign_unit_to_group(
            actor=cast.user("admin"), participation=participation, group=cast.group1, reason="调整"
        )
    participation.refresh_from_db()
    assert participation.group_id == cast.group2.pk


def test_it_allows_a_member_from_another_unit(cast):
    ra = org_actions.grant_role(
        actor=cast.user("admin"),
        user=cast.user("unit_head"),
        role=Role.GROUP_MEMBER,
        group=cast.group2,
    )
    assert ra.pk and ra.group_id == cast.group2.pk


def test_it_refuses_to_enrol_a_unit_into_a_group_that_has_a_member_from_it(cast):
    # A new unit whose person is then made a member of group2; enrolling the unit under group2
    # would let him supervise his own unit.
    unit = org_actions.create_organisation(
        actor=None, code="U009", name="东城区卫生局", kind="unit", parent=cast.district
    )
    branch = org_actions.create_organisation(
        actor=None, code="U009-B1", name="卫生局支部", kind="branch", parent=unit
    )
    person = org_actions.create_person(actor=None, code="P-u9", name="钱卫", branch=branch)
    user = org_actions.create_account(
        actor=None, username="qianwei", full_name="钱卫", person=person
    )
    org_actions.grant_role(actor=None, user=user, role=Role.GROUP_MEMBER, group=cast.group2)
    batch = cast.campaign.batches.get(number=1)
    with pytest.raises(DomainError, match="不能督导本单位"):
        campaign_actions.enrol_unit(
            actor=None, campaign=cast.campaign, batch=batch, unit=unit, group=cast.group2
        )
    assert not unit.participations.exists()
    # Under another group it is fine.
    p = campaign_actions.enrol_unit(
        actor=None, campaign=cast.campaign, batch=batch, unit=unit, group=cast.group1
    )
    assert p.group_id == cast.group1.pk


def test_it_refuses_to_grant_the_leader_role_for_the_own_unit_either(cast):
    with pytest.raises(DomainError, match="不能督导本单位"):
        org_actions.grant_role(
            actor=None, user=cast.user("liaison"), role=Role.GROUP_LEADER, group=cast.group1
        )


def test_an_account_heading_a_unit_without_a_person_record_cannot_supervise_it(cast):
    from django.contrib.auth import get_user_model

    from dudao.orgs.models import Role

    boss = get_user_model().objects.create_user("boss-no-person", password="x")
    org_actions.grant_role(actor=None, user=boss, role=Role.UNIT_HEAD, organisation=cast.unit_b)
    with pytest.raises(DomainError, match="不能督导本单位"):
        org_actions.grant_role(actor=None, user=boss, role=Role.GROUP_MEMBER, group=cast.group2)
    org_actions.grant_role(actor=None, user=boss, role=Role.GROUP_MEMBER, group=cast.group1)
    with pytest.raises(DomainError, match="不能督导本单位"):
        campaign_actions.assign_unit_to_group(
            actor=None,
            participation=cast.unit_b.participations.get(),
            group=cast.group1,
            reason="调整",
        )
