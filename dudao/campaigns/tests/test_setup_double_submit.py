"""A form submitted twice (a double click, a resent request) changes things once."""

from __future__ import annotations

import pytest

from dudao.campaigns.models import Campaign, InspectionGroup, Participation, SupervisionGroup
from dudao.core.models import AuditEvent
from dudao.orgs.actions import create_organisation
from dudao.orgs.models import RoleAssignment

pytestmark = pytest.mark.django_db


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_it_creates_one_campaign(client, cast):
    client.force_login(cast.user("office"))
    data = {
        "template": cast.campaign.template.pk,
        "root": cast.city.pk,
        "name": "第二期教育活动",
        "start_date": "2006-01-01",
    }
    first = client.post("/campaigns/new/", data)
    second = client.post("/campaigns/new/", data, follow=True)
    campaign = Campaign.objects.get(name="第二期教育活动")
    assert first["Location"] == second.redirect_chain[-1][0] == f"/campaigns/{campaign.pk}/setup/"
    assert "未重复创建" in second.content.decode()
    assert campaign.batches.count() == 2
    assert _events("campaign.create") == 2  # the cast's campaign and this one


def test_another_clerk_cannot_create_the_same_campaign_again(client, cast):
    from dudao.orgs.actions import create_account

    data = {
        "template": cast.campaign.template.pk,
        "root": cast.city.pk,
        "name": cast.campaign.name,
        "start_date": cast.campaign.start_date.isoformat(),
    }
    admin2 = create_account(actor=None, username="admin2", full_name="管理员二", is_superuser=True)
    client.force_login(admin2)
    response = client.post("/campaigns/new/", data)
    assert "请勿重复创建" in response.content.decode()
    assert Campaign.objects.count() == 1


def test_it_creates_one_group_with_one_roster(client, cast):
    client.force_login(cast.user("office"))
    data = {
        "code": "G09",
        "name": "第九督导组",
        "batch": "",
        "leader": "unit_head",
        "members": "liaison、secretary",
        "reason": "",
    }
    url = f"/campaigns/{cast.campaign.pk}/groups/new/"
    client.post(url, data)
    second = client.post(url, data, follow=True)
    assert "未重复建立" in second.content.decode()
    group = SupervisionGroup.objects.get(campaign=cast.campaign, code="G09")
    assert SupervisionGroup.objects.filter(code="G09").count() == 1
    assert RoleAssignment.objects.filter(group=group).count() == 3
    assert AuditEvent.objects.filter(action="group.create", target_id=str(group.pk)).count() == 1


def test_a_second_group_under_a_used_code_is_refused(client, cast):
    client.force_login(cast.user("office"))
    response = client.post(
        f"/campaigns/{cast.campaign.pk}/groups/new/",
        {"code": "G01", "name": "另一个组", "batch": "", "leader": "", "members": ""},
    )
    assert "督导组编号“G01”已被“第一督导组”使用" in response.content.decode()
    assert SupervisionGroup.objects.get(campaign=cast.campaign, code="G01").name == "第一督导组"


def test_it_saves_a_group_edit_once(client, cast):
    client.force_login(cast.user("office"))
    url = f"/campaigns/{cast.campaign.pk}/groups/{cast.group2.pk}/edit/"
    form = client.get(url).context["form"]
    data = {**form.initial, "batch": form.initial["batch"], "leader": "liaison", "reason": ""}
    before = _events("role.grant")
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the same page, sent again
    assert _events("role.grant") == before + 1
    assert RoleAssignment.objects.get(group=cast.group2, role="group_leader").user.username == (
        "liaison"
    )


def test_it_enrols_a_unit_once(client, cast):
    unit = create_organisation(
        actor=None, code="N1", name="新单位", kind="unit", parent=cast.district
    )
    client.force_login(cast.user("office"))
    batch = cast.campaign.batches.get(number=2)
    data = {"batch": batch.pk, "group": cast.group2.pk, "units": [unit.pk]}
    client.post(f"/campaigns/{cast.campaign.pk}/units/", data)
    second = client.post(f"/campaigns/{cast.campaign.pk}/units/", data, follow=True)
    assert "未重复列入" in second.content.decode()
    assert Participation.objects.filter(unit=unit).count() == 1
    assert _events("participation.enrol") == 4  # three in the cast, one here


def test_it_moves_a_unit_to_another_group_once(client, cast):
    client.force_login(cast.user("office"))
    p = Participation.objects.get(unit=cast.unit_b)
    url = f"/campaigns/{cast.campaign.pk}/participations/{p.pk}/group/"
    data = {"group": cast.group1.pk, "reason": "就近督导", "current_group": cast.group2.pk}
    client.post(url, data)
    second = client.post(url, data, follow=True)
    assert "刚被其他人调整" not in second.content.decode()
    assert _events("participation.assign_group") == 1


def test_it_creates_one_inspection_group(client, cast):
    client.force_login(cast.user("office"))
    data = {"code": "I02", "name": "第二巡回检查组", "departments": "D001"}
    client.post(f"/campaigns/{cast.campaign.pk}/inspection-groups/", data)
    client.post(f"/campaigns/{cast.campaign.pk}/inspection-groups/", data)
    assert InspectionGroup.objects.filter(campaign=cast.campaign, code="I02").count() == 1
    assert _events("inspection_group.create") == 1
