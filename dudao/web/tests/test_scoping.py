"""What each role sees on the shared pages: scope comes from dudao.orgs.access, never from the
template alone."""

from __future__ import annotations

import pytest
from django.http import Http404

from dudao.campaigns import access as campaign_access

pytestmark = pytest.mark.django_db


def _overview(client, cast, role) -> str:
    client.force_login(cast.user(role))
    return client.get(f"/campaigns/{cast.campaign.pk}/overview/").content.decode()


def test_it_shows_the_office_every_unit_of_the_campaign_and_nothing_outside(client, cast):
    body = _overview(client, cast, "office")
    for unit in (cast.unit_a, cast.unit_b, cast.unit_c):
        assert unit.name in body
    assert cast.unit_d.name not in body
    assert f"/groups/{cast.group2.pk}/" in body


def test_it_shows_a_unit_head_only_his_unit_and_no_link_to_the_group_page(client, cast):
    body = _overview(client, cast, "unit_head")
    assert cast.unit_a.name in body
    assert cast.unit_b.name not in body and cast.unit_c.name not in body
    # He may read the group's name but not its page (which lists other units).
    assert cast.group1.name in body and f"/groups/{cast.group1.pk}/" not in body


def test_it_shows_the_inspector_unit_c_only(client, cast):
    body = _overview(client, cast, "inspector")
    assert cast.unit_c.name in body
    assert cast.unit_a.name not in body and cast.unit_b.name not in body


def test_it_lets_the_leading_group_read_but_not_manage(client, cast):
    leader = cast.user("leading")
    assert campaign_access.get_campaign_for_user(leader, cast.campaign.pk) == cast.campaign
    with pytest.raises(Http404):
        campaign_access.get_campaign_for_manager(leader, cast.campaign.pk)
    assert (
        campaign_access.get_campaign_for_manager(cast.user("office"), cast.campaign.pk)
        == cast.campaign
    )
    body = _overview(client, cast, "leading")
    assert cast.unit_b.name in body and "活动设置" not in body


@pytest.mark.parametrize(
    "role",
    [
        "group_leader",
        "group_member",
        "inspector",
        "unit_head",
        "liaison",
        "secretary",
        "member",
        "outsider",
    ],
)
def test_it_lets_nobody_but_the_office_manage_the_campaign(cast, role):
    with pytest.raises(Http404):
        campaign_access.get_campaign_for_manager(cast.user(role), cast.campaign.pk)


def test_it_counts_a_users_scope_as_the_union_of_his_roles(client, cast):
    from dudao.orgs import actions as org_actions
    from dudao.orgs.models import Role

    # The unit-A head also becomes a member of group2 (units B and C; his own unit is A).
    org_actions.grant_role(
        actor=None, user=cast.user("unit_head"), role=Role.GROUP_MEMBER, group=cast.group2
    )
    body = _overview(client, cast, "unit_head")
    for unit in (cast.unit_a, cast.unit_b, cast.unit_c):
        assert unit.name in body
    client.force_login(cast.user("unit_head"))
    home = client.get("/").content.decode()
    assert cast.group2.name in home and "东城区财政局" in home
