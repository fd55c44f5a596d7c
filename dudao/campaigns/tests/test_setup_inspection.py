"""Roving inspection groups (seed 000): the office creates them and assigns departments."""

from __future__ import annotations

import pytest

from dudao.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_creates_an_inspection_group_with_departments(client, cast):
    client.force_login(cast.user("office"))
    client.post(
        f"/campaigns/{cast.campaign.pk}/inspection-groups/",
        {"code": "I02", "name": "第二巡回检查组", "departments": "D001，P001"},
    )
    ig = cast.campaign.inspection_groups.get(code="I02")
    assert set(ig.departments.all()) == {cast.district, cast.department}
    event = AuditEvent.objects.get(action="inspection_group.create")
    assert event.data["departments"] == ["D001", "P001"]
    setup = client.get(f"/campaigns/{cast.campaign.pk}/setup/").content.decode()
    assert "第二巡回检查组" in setup and "东城区委、市委组织部" in setup


def test_it_reassigns_the_departments_of_an_inspection_group(client, cast):
    clerk = cast.user("office")
    client.force_login(clerk)
    url = f"/campaigns/{cast.campaign.pk}/inspection-groups/{cast.inspection.pk}/edit/"
    form = client.get(url).context["form"]
    assert form.initial["departments"] == "P001"
    response = client.post(
        url, {**form.initial, "departments": "D001", "reason": "按批次调整检查范围"}
    )
    assert response.status_code == 302
    assert list(cast.inspection.departments.all()) == [cast.district]
    event = AuditEvent.objects.get(action="inspection_group.assign_departments")
    assert (event.data["added"], event.data["removed"], event.reason, event.actor_id) == (
        ["D001"],
        ["P001"],
        "按批次调整检查范围",
        clerk.pk,
    )


def test_an_unknown_department_code_is_named(client, cast):
    client.force_login(cast.user("office"))
    url = f"/campaigns/{cast.campaign.pk}/inspection-groups/{cast.inspection.pk}/edit/"
    form = client.get(url).context["form"]
    response = client.post(url, {**form.initial, "departments": "P001、NOPE"})
    assert "没有编码为“NOPE”的组织" in response.content.decode()
    assert list(cast.inspection.departments.all()) == [cast.department]
