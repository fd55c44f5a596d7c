"""The office enrols several units into a batch at once, optionally with their group."""

from __future__ import annotations

import pytest

from dudao.campaigns.models import Participation
from dudao.core.models import AuditEvent
from dudao.orgs.actions import create_organisation

pytestmark = pytest.mark.django_db


def _new_units(cast, n=3):
    return [
        create_organisation(
            actor=None, code=f"N{i}", name=f"新单位{i}", kind="unit", parent=cast.district
        )
        for i in range(n)
    ]


def test_it_lists_units_not_yet_enrolled_and_enrols_the_checked_ones(client, cast):
    new = _new_units(cast)
    clerk = cast.user("office")
    client.force_login(clerk)
    url = f"/campaigns/{cast.campaign.pk}/units/"
    candidates = list(client.get(url).context["candidates"])
    assert set(candidates) == set(new)  # A, B, C are enrolled; D is another city's
    batch = cast.campaign.batches.get(number=2)
    response = client.post(
        url, {"batch": batch.pk, "group": cast.group2.pk, "units": [u.pk for u in new[:2]]}
    )
    assert response.status_code == 302
    enrolled = Participation.objects.filter(unit__in=new)
    assert sorted(enrolled.values_list("unit__code", "batch__number", "group__code")) == [
        ("N0", 2, "G02"),
        ("N1", 2, "G02"),
    ]
    # The first phase of the template starts for every new unit.
    assert set(enrolled.values_list("current_phase", flat=True)) == {"study"}
    events = AuditEvent.objects.filter(action="participation.enrol", actor_id=clerk.pk)
    assert sorted(e.data["group"] for e in events) == ["G02", "G02"]
    assert list(client.get(url).context["candidates"]) == [new[2]]


def test_it_enrols_without_a_group_and_the_hub_counts_the_unassigned(client, cast):
    new = _new_units(cast, 2)
    client.force_login(cast.user("office"))
    batch = cast.campaign.batches.get(number=1)
    client.post(
        f"/campaigns/{cast.campaign.pk}/units/",
        {"batch": batch.pk, "group": "", "units": [u.pk for u in new]},
    )
    assert Participation.objects.filter(unit__in=new, group__isnull=True).count() == 2
    context = client.get(f"/campaigns/{cast.campaign.pk}/setup/").context
    assert context["totals"] == {"units": 5, "unassigned": 2}
    assert [(b.number, b.units, b.unassigned) for b in context["batches"]] == [(1, 5, 2), (2, 0, 0)]
    unassigned = client.get(f"/campaigns/{cast.campaign.pk}/units/?group=none").context["page"]
    assert {p.unit for p in unassigned} == set(new)


def test_nothing_checked_is_an_error_on_the_form(client, cast):
    client.force_login(cast.user("office"))
    response = client.post(
        f"/campaigns/{cast.campaign.pk}/units/",
        {"batch": cast.campaign.batches.get(number=1).pk},
    )
    assert "请至少勾选一个单位" in response.content.decode()


def test_an_already_enrolled_unit_is_not_moved_by_the_bulk_form(client, cast):
    client.force_login(cast.user("office"))
    response = client.post(
        f"/campaigns/{cast.campaign.pk}/units/",
        {
            "batch": cast.campaign.batches.get(number=1).pk,
            "group": cast.group1.pk,
            "units": [cast.unit_b.pk],
        },
        follow=True,
    )
    assert "“东城区教育局”已在第一批（第二督导组），未作改动" in response.content.decode()
    assert Participation.objects.get(unit=cast.unit_b).group == cast.group2
    assert not AuditEvent.objects.filter(action="participation.assign_group").exists()
