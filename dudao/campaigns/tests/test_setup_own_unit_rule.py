"""Nobody supervises his own unit — refused from both sides on the set-up pages, with the
reason in Chinese, and nothing is written."""

from __future__ import annotations

import pytest

from dudao.campaigns.models import Participation
from dudao.orgs.actions import create_account, create_organisation, create_person, grant_role
from dudao.orgs.models import RoleAssignment

pytestmark = pytest.mark.django_db


def test_a_member_from_a_unit_the_group_supervises_is_refused(client, cast):
    client.force_login(cast.user("office"))
    url = f"/campaigns/{cast.campaign.pk}/groups/{cast.group1.pk}/edit/"
    form = client.get(url).context["form"]
    # 王建国 (unit_head) belongs to 东城区财政局, which 第一督导组 supervises.
    response = client.post(url, {**form.initial, "members": "group_member、unit_head"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "王建国 是“东城区财政局”的人员，不能督导本单位" in body
    assert not RoleAssignment.objects.filter(group=cast.group1, user=cast.user("unit_head"))


def _unit_with_a_person(cast):
    unit = create_organisation(
        actor=None, code="N1", name="东城区卫生局", kind="unit", parent=cast.district
    )
    branch = create_organisation(
        actor=None, code="N1-B1", name="卫生局支部", kind="branch", parent=unit
    )
    person = create_person(actor=None, code="P-n1", name="郑医", branch=branch)
    user = create_account(actor=None, username="zheng", full_name="郑医", person=person)
    grant_role(actor=None, user=user, role="group_member", group=cast.group2)
    return unit


def test_enrolling_a_unit_into_a_group_whose_member_comes_from_it_is_refused(client, cast):
    unit = _unit_with_a_person(cast)
    client.force_login(cast.user("office"))
    response = client.post(
        f"/campaigns/{cast.campaign.pk}/units/",
        {
            "batch": cast.campaign.batches.get(number=1).pk,
            "group": cast.group2.pk,
            "units": [unit.pk],
        },
        follow=True,
    )
    assert "第二督导组的成员郑医属于“东城区卫生局”，不能督导本单位" in response.content.decode()
    assert not Participation.objects.filter(unit=unit).exists()


def test_moving_a_unit_to_a_group_whose_member_comes_from_it_is_refused(client, cast):
    client.force_login(cast.user("office"))
    p = Participation.objects.get(unit=cast.unit_c)  # 市档案馆, home of 第一督导组's people
    response = client.post(
        f"/campaigns/{cast.campaign.pk}/participations/{p.pk}/group/",
        {"group": cast.group1.pk, "reason": "调整", "current_group": cast.group2.pk},
        follow=True,
    )
    assert "属于“市档案馆”，不能督导本单位" in response.content.decode()
    p.refresh_from_db()
    assert p.group == cast.group2
