"""The office sets up a supervision group: code, name, batch, a leader and members, by account
username or person code; taking someone off the group needs a reason."""

from __future__ import annotations

import pytest

from dudao.campaigns.models import SupervisionGroup
from dudao.core.models import AuditEvent
from dudao.orgs.models import RoleAssignment

pytestmark = pytest.mark.django_db


def _roster(group) -> list[tuple[str, str]]:
    return sorted(RoleAssignment.objects.filter(group=group).values_list("user__username", "role"))


def test_it_creates_a_group_with_a_leader_and_members(client, cast):
    clerk = cast.user("office")
    client.force_login(clerk)
    batch = cast.campaign.batches.get(number=2)
    response = client.post(
        f"/campaigns/{cast.campaign.pk}/groups/new/",
        {
            "code": "G09",
            "name": "第九督导组",
            "batch": batch.pk,
            # A username and a person code (人员编号) both name an account.
            "leader": "unit_head",
            "members": "liaison，P-secretary",
            "reason": "",
        },
    )
    assert response.status_code == 302
    group = SupervisionGroup.objects.get(campaign=cast.campaign, code="G09")
    assert (group.name, group.batch) == ("第九督导组", batch)
    assert _roster(group) == [
        ("liaison", "group_member"),
        ("secretary", "group_member"),
        ("unit_head", "group_leader"),
    ]
    grants = AuditEvent.objects.filter(action="role.grant", campaign_id=cast.campaign.pk).filter(
        data__group="G09"
    )
    assert grants.count() == 3 and set(grants.values_list("actor_id", flat=True)) == {clerk.pk}
    setup = client.get(f"/campaigns/{cast.campaign.pk}/setup/").content.decode()
    assert "第九督导组" in setup and "王建国" in setup and "（2 人）" in setup


def test_an_unknown_account_is_named_on_the_form(client, cast):
    client.force_login(cast.user("office"))
    response = client.post(
        f"/campaigns/{cast.campaign.pk}/groups/new/",
        {"code": "G09", "name": "第九督导组", "leader": "nobody", "members": "liaison、ghost"},
    )
    body = response.content.decode()
    assert "找不到账号“nobody”" in body and "找不到账号“ghost”" in body
    assert not SupervisionGroup.objects.filter(code="G09").exists()


def test_a_person_of_another_city_cannot_join_a_group(client, cast):
    from dudao.orgs.actions import create_account

    create_account(
        actor=None, username="d_member", full_name="吴外", person=cast.people["d_member"]
    )
    client.force_login(cast.user("office"))
    response = client.post(
        f"/campaigns/{cast.campaign.pk}/groups/new/",
        {"code": "G09", "name": "第九督导组", "leader": "d_member"},
    )
    assert "“d_member”不在本活动的组织范围内" in response.content.decode()
    assert not SupervisionGroup.objects.filter(code="G09").exists()


def test_removing_a_member_needs_a_reason_which_is_recorded(client, cast):
    client.force_login(cast.user("office"))
    url = f"/campaigns/{cast.campaign.pk}/groups/{cast.group1.pk}/edit/"
    form = client.get(url).context["form"]
    assert form.initial["leader"] == "group_leader" and form.initial["members"] == "group_member"
    data = {**form.initial, "members": "", "reason": ""}
    response = client.post(url, data)
    assert "将何丽调离（或改任）须填写调整理由" in response.content.decode()
    assert ("group_member", "group_member") in _roster(cast.group1)

    client.post(url, {**data, "reason": "工作调动"})
    assert _roster(cast.group1) == [("group_leader", "group_leader")]
    event = AuditEvent.objects.filter(action="role.revoke").latest("seq")
    assert event.reason == "工作调动" and event.data["user"] == "group_member"
    assert event.actor_id == cast.user("office").pk


def test_it_replaces_the_leader_and_renames_the_group(client, cast):
    client.force_login(cast.user("office"))
    url = f"/campaigns/{cast.campaign.pk}/groups/{cast.group1.pk}/edit/"
    form = client.get(url).context["form"]
    response = client.post(
        url,
        {
            **form.initial,
            "name": "第一督导组（调整后）",
            "leader": "group_member",
            "members": "group_leader",
            "reason": "组长另有任用，改任组员",
        },
    )
    assert response.status_code == 302
    cast.group1.refresh_from_db()
    assert cast.group1.name == "第一督导组（调整后）"
    assert _roster(cast.group1) == [
        ("group_leader", "group_member"),
        ("group_member", "group_leader"),
    ]
    assert AuditEvent.objects.filter(action="group.update").latest("seq").data["to"]["name"] == (
        "第一督导组（调整后）"
    )


def test_one_person_cannot_be_both_leader_and_member(client, cast):
    client.force_login(cast.user("office"))
    response = client.post(
        f"/campaigns/{cast.campaign.pk}/groups/new/",
        {"code": "G09", "name": "第九督导组", "leader": "liaison", "members": "liaison"},
    )
    assert "组长不必再列为组员" in response.content.decode()
    assert not SupervisionGroup.objects.filter(code="G09").exists()
