"""Nothing outside the campaign's organisation range enters its set-up."""

from __future__ import annotations

import pytest

from dudao.campaigns.models import Participation
from dudao.orgs.actions import create_organisation

pytestmark = pytest.mark.django_db


def test_a_unit_outside_the_campaign_root_cannot_be_enrolled(client, cast):
    client.force_login(cast.user("office"))
    url = f"/campaigns/{cast.campaign.pk}/units/"
    assert cast.unit_d not in client.get(url).context["candidates"]
    response = client.post(
        url, {"batch": cast.campaign.batches.get(number=1).pk, "units": [cast.unit_d.pk]}
    )
    assert response.status_code == 200
    assert "所选单位不在本活动的组织范围内" in response.content.decode()
    assert not Participation.objects.filter(unit=cast.unit_d).exists()


def test_a_branch_is_not_a_unit_and_cannot_be_enrolled(client, cast):
    client.force_login(cast.user("office"))
    response = client.post(
        f"/campaigns/{cast.campaign.pk}/units/",
        {"batch": cast.campaign.batches.get(number=1).pk, "units": [cast.branch_a1.pk]},
    )
    assert "units" in response.context["form"].errors
    assert not Participation.objects.filter(unit=cast.branch_a1).exists()


def test_another_campaign_s_batch_or_group_is_refused(client, cast):
    from dudao.campaigns import actions

    other = actions.create_campaign(
        actor=None,
        template=cast.campaign.template,
        root=cast.city,
        name="另一活动",
        start_date=cast.campaign.start_date,
    )
    foreign = actions.create_group(actor=None, campaign=other, code="G01", name="他组")
    unit = create_organisation(
        actor=None, code="N1", name="新单位", kind="unit", parent=cast.district
    )
    client.force_login(cast.user("office"))
    response = client.post(
        f"/campaigns/{cast.campaign.pk}/units/",
        {"batch": other.batches.get(number=1).pk, "group": foreign.pk, "units": [unit.pk]},
    )
    errors = response.context["form"].errors
    assert "batch" in errors and "group" in errors
    assert not Participation.objects.filter(unit=unit).exists()


def test_an_inspection_department_outside_the_root_is_refused(client, cast):
    client.force_login(cast.user("office"))
    response = client.post(
        f"/campaigns/{cast.campaign.pk}/inspection-groups/",
        {"code": "I02", "name": "第二巡回检查组", "departments": "D001、X001"},
        follow=True,
    )
    assert "没有编码为“X001”的组织" in response.content.decode()
    assert not cast.campaign.inspection_groups.filter(code="I02").exists()
