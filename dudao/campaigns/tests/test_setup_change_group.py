"""Changing a participating unit's group: a reason is required when it already has one, the
reason is recorded, and a change made from an out-of-date page is refused."""

from __future__ import annotations

import pytest

from dudao.campaigns.models import Participation
from dudao.core.models import AuditEvent
from dudao.orgs.actions import create_organisation

pytestmark = pytest.mark.django_db


def _url(cast, p):
    return f"/campaigns/{cast.campaign.pk}/participations/{p.pk}/group/"


def test_changing_an_existing_group_requires_a_reason_and_records_it(client, cast):
    clerk = cast.user("office")
    client.force_login(clerk)
    p = Participation.objects.get(unit=cast.unit_b)
    data = {"group": cast.group1.pk, "current_group": cast.group2.pk}
    response = client.post(_url(cast, p), {**data, "reason": "  "}, follow=True)
    assert "调整“东城区教育局”的督导组（现为第二督导组）须填写理由" in response.content.decode()
    p.refresh_from_db()
    assert p.group == cast.group2
    assert not AuditEvent.objects.filter(action="participation.assign_group").exists()

    response = client.post(_url(cast, p), {**data, "reason": "工作量平衡"}, follow=True)
    assert "现由第一督导组督导" in response.content.decode()
    p.refresh_from_db()
    assert p.group == cast.group1
    event = AuditEvent.objects.get(action="participation.assign_group")
    assert (event.reason, event.data, event.actor_id) == (
        "工作量平衡",
        {"from": "G02", "to": "G01"},
        clerk.pk,
    )
    assert event.organisation_id == cast.unit_b.pk


def test_assigning_an_unassigned_unit_needs_no_reason(client, cast):
    unit = create_organisation(
        actor=None, code="N1", name="新单位", kind="unit", parent=cast.district
    )
    client.force_login(cast.user("office"))
    client.post(
        f"/campaigns/{cast.campaign.pk}/units/",
        {"batch": cast.campaign.batches.get(number=1).pk, "units": [unit.pk]},
    )
    p = Participation.objects.get(unit=unit)
    client.post(_url(cast, p), {"group": cast.group2.pk, "current_group": ""})
    p.refresh_from_db()
    assert p.group == cast.group2
    assert AuditEvent.objects.get(action="participation.assign_group").data == {
        "from": None,
        "to": "G02",
    }


def test_a_change_from_an_out_of_date_page_is_refused(client, cast):
    client.force_login(cast.user("office"))
    p = Participation.objects.get(unit=cast.unit_b)
    # Clerk one moves the unit to no group; clerk two, whose page still shows 第二督导组,
    # then tries to move it to 第一督导组.
    client.post(_url(cast, p), {"group": "", "reason": "重新分组", "current_group": cast.group2.pk})
    response = client.post(
        _url(cast, p),
        {"group": cast.group1.pk, "reason": "就近", "current_group": cast.group2.pk},
        follow=True,
    )
    assert "刚被其他人调整为“未分配”，您的修改没有保存" in response.content.decode()
    p.refresh_from_db()
    assert p.group is None


def test_it_returns_to_the_filtered_list_the_clerk_came_from(client, cast):
    client.force_login(cast.user("office"))
    p = Participation.objects.get(unit=cast.unit_b)
    back = f"/campaigns/{cast.campaign.pk}/units/?group={cast.group2.pk}"
    response = client.post(
        _url(cast, p),
        {"group": cast.group2.pk, "current_group": cast.group2.pk, "back": back},
    )
    assert response["Location"] == back
    response = client.post(
        _url(cast, p),
        {"group": cast.group2.pk, "current_group": cast.group2.pk, "back": "https://evil.example/"},
    )
    assert response["Location"] == f"/campaigns/{cast.campaign.pk}/units/"
