from __future__ import annotations

import pytest

from dudao.campaigns.models import Campaign, Participation, SupervisionGroup
from dudao.campaigns.template_loader import load_builtin_template
from dudao.core.models import AuditEvent
from dudao.orgs.actions import create_organisation
from dudao.orgs.models import RoleAssignment

pytestmark = pytest.mark.django_db


def test_office_creates_a_campaign_from_the_2005_template(client, cast):
    template = load_builtin_template("xianjinxing-2005")
    client.force_login(cast.user("office"))
    response = client.post(
        "/campaigns/new/",
        {
            "template": template.pk,
            "root": cast.city.pk,
            "name": "",
            "short_name": "",
            "start_date": "2005-01-15",
        },
    )
    campaign = Campaign.objects.get(template=template)
    assert response["Location"] == f"/campaigns/{campaign.pk}/setup/"
    assert (campaign.name, campaign.short_name) == ("保持共产党员先进性教育活动", "先进性教育活动")
    assert list(campaign.batches.values_list("number", flat=True)) == [1, 2, 3]
    assert RoleAssignment.objects.filter(
        user=cast.user("office"), campaign=campaign, role="office"
    ).exists()
    body = client.get(response["Location"]).content.decode()
    assert "第三批" in body and "农村" in body


def test_a_forbidden_short_name_is_refused(client, cast):
    template = load_builtin_template("xianjinxing-2005")
    client.force_login(cast.user("office"))
    response = client.post(
        "/campaigns/new/",
        {
            "template": template.pk,
            "root": cast.city.pk,
            "short_name": "保先活动",
            "start_date": "2005-01-15",
        },
    )
    assert "不是规范简称" in response.content.decode()
    assert not Campaign.objects.filter(template=template).exists()


def _group_post(client, cast, **data):
    payload = {
        "code": "G09",
        "name": "第九督导组",
        "batch": "",
        "leader": "",
        "members": "",
        "reason": "",
        **data,
    }
    return client.post(f"/campaigns/{cast.campaign.pk}/groups/new/", payload)


def test_office_adds_a_group_with_leader_and_members_once_despite_a_double_submit(client, cast):
    client.force_login(cast.user("office"))
    _group_post(client, cast, leader="unit_head", members="liaison、secretary")
    _group_post(client, cast, leader="unit_head", members="liaison、secretary")
    group = SupervisionGroup.objects.get(code="G09")
    assert SupervisionGroup.objects.filter(code="G09").count() == 1
    assert sorted(
        RoleAssignment.objects.filter(group=group).values_list("user__username", "role")
    ) == [("liaison", "group_member"), ("secretary", "group_member"), ("unit_head", "group_leader")]


def test_a_group_member_from_a_supervised_unit_is_refused_on_the_form(client, cast):
    client.force_login(cast.user("office"))
    url = f"/campaigns/{cast.campaign.pk}/groups/{cast.group1.pk}/edit/"
    form = client.get(url).context["form"]
    data = {
        **form.initial,
        "batch": form.initial["batch"] or "",
        "members": "group_member、unit_head",
        "reason": "补充",
    }
    response = client.post(url, data)
    assert "不能督导本单位" in response.content.decode()
    assert not RoleAssignment.objects.filter(
        group=cast.group1, user=cast.user("unit_head")
    ).exists()


def test_a_stale_group_edit_is_refused(client, cast):
    client.force_login(cast.user("office"))
    url = f"/campaigns/{cast.campaign.pk}/groups/{cast.group1.pk}/edit/"
    form = client.get(url).context["form"]
    data = {**form.initial, "batch": form.initial["batch"] or "", "reason": ""}
    client.post(url, {**data, "name": "第一督导组（调整）"})  # the first clerk saves
    response = client.post(url, {**data, "members": ""})  # the second, from the old page
    assert "刚被其他人修改过" in response.content.decode()
    assert RoleAssignment.objects.filter(group=cast.group1, role="group_member").exists()


def test_bulk_enrol_and_change_group_with_a_required_reason(client, cast):
    new = [
        create_organisation(
            actor=None, code=f"N{i}", name=f"新单位{i}", kind="unit", parent=cast.district
        )
        for i in range(3)
    ]
    client.force_login(cast.user("office"))
    batch = cast.campaign.batches.get(number=2)
    client.post(
        f"/campaigns/{cast.campaign.pk}/units/",
        {"batch": batch.pk, "group": cast.group2.pk, "units": [u.pk for u in new]},
    )
    assert Participation.objects.filter(unit__in=new, batch=batch, group=cast.group2).count() == 3
    p = Participation.objects.get(unit=new[0])
    url = f"/campaigns/{cast.campaign.pk}/participations/{p.pk}/group/"
    response = client.post(url, {"group": cast.group1.pk, "reason": ""}, follow=True)
    assert "须填写理由" in response.content.decode()
    client.post(url, {"group": cast.group1.pk, "reason": "工作量平衡"})
    p.refresh_from_db()
    assert p.group == cast.group1
    event = AuditEvent.objects.filter(action="participation.assign_group").latest("seq")
    assert event.reason == "工作量平衡" and event.data == {"from": "G02", "to": "G01"}


def test_a_unit_outside_the_campaign_cannot_be_enrolled(client, cast):
    client.force_login(cast.user("office"))
    batch = cast.campaign.batches.get(number=1)
    response = client.post(
        f"/campaigns/{cast.campaign.pk}/units/", {"batch": batch.pk, "units": [cast.unit_d.pk]}
    )
    assert response.status_code == 200 and "units" in response.context["form"].errors
    assert not Participation.objects.filter(unit=cast.unit_d).exists()


@pytest.mark.parametrize(
    "role",
    [
        "leading",
        "group_leader",
        "group_member",
        "inspector",
        "unit_head",
        "secretary",
        "member",
        "outsider",
    ],
)
def test_every_setup_page_is_404_for_non_office(client, cast, role):
    client.force_login(cast.user(role))
    c = cast.campaign.pk
    urls = [
        f"/campaigns/{c}/setup/",
        f"/campaigns/{c}/groups/new/",
        f"/campaigns/{c}/groups/{cast.group1.pk}/edit/",
        f"/campaigns/{c}/units/",
        f"/campaigns/{c}/people-search/?q=王",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/campaigns/{c}/batches/", {"number": 5, "name": "x"}).status_code == 404
    assert client.get("/campaigns/new/").status_code == 404
