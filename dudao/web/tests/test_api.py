"""The JSON API: same scope as the pages, 401 without a session, 404 for ids out of scope."""

from __future__ import annotations

import pytest

from dudao.campaigns import actions as campaign_actions
from dudao.orgs import actions as org_actions

pytestmark = pytest.mark.django_db


def test_it_answers_401_without_a_session(client, cast):
    for url in ("/api/me", "/api/campaigns", f"/api/units/{cast.unit_a.pk}"):
        assert client.get(url).status_code == 401


def test_it_lists_the_callers_roles(client, cast):
    client.force_login(cast.user("group_leader"))
    me = client.get("/api/me").json()
    assert me["username"] == "group_leader" and me["person_id"] == cast.people["group_leader"].pk
    assert me["roles"] == [
        {
            "role": "group_leader",
            "label": "督导组组长",
            "campaign_id": None,
            "organisation_id": None,
            "group_id": cast.group1.pk,
            "inspection_group_id": None,
        }
    ]
    client.force_login(cast.user("outsider"))
    assert client.get("/api/me").json()["roles"] == []


def test_it_lists_only_visible_campaigns(client, cast):
    client.force_login(cast.user("unit_head"))
    assert [c["id"] for c in client.get("/api/campaigns").json()] == [cast.campaign.pk]
    client.force_login(cast.user("member"))
    assert client.get("/api/campaigns").json() == []


def test_it_filters_and_pages_participations_like_the_overview(client, cast):
    batch2 = cast.campaign.batches.get(number=2)
    for i in range(60):
        unit = org_actions.create_organisation(
            actor=None, code=f"Y{i}", name=f"接口单位{i:03d}", kind="unit", parent=cast.district
        )
        campaign_actions.enrol_unit(
            actor=None, campaign=cast.campaign, batch=batch2, unit=unit, group=cast.group2
        )
    client.force_login(cast.user("office"))
    url = f"/api/campaigns/{cast.campaign.pk}/participations"
    data = client.get(url, {"q": "接口", "page": 2}).json()
    assert data["count"] == 60 and data["pages"] == 2 and data["page"] == 2
    assert [r["unit_name"] for r in data["results"]] == [f"接口单位{i:03d}" for i in range(50, 60)]
    data = client.get(url, {"group": cast.group1.pk}).json()
    assert [
        (r["unit_name"], r["phase_name"], r["members"], r["group_name"]) for r in data["results"]
    ] == [("东城区财政局", "学习动员", 6, "第一督导组")]
    assert client.get(url, {"batch": batch2.pk}).json()["count"] == 60
    assert client.get(url, {"phase": "analysis"}).json()["count"] == 0
    client.force_login(cast.user("group_member"))
    assert [r["unit_name"] for r in client.get(url).json()["results"]] == ["东城区财政局"]


def test_it_answers_404_without_the_name_for_out_of_scope_ids(client, cast):
    client.force_login(cast.user("unit_head"))
    for url in (
        f"/api/units/{cast.unit_b.pk}",
        f"/api/groups/{cast.group1.pk}",
        f"/api/people/{cast.people['b_member'].pk}",
        "/api/units/999999",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert (
            "东城区教育局" not in response.content.decode()
            and "周敏" not in response.content.decode()
        )


def test_it_shows_a_unit_with_its_participation(client, cast):
    client.force_login(cast.user("liaison"))
    data = client.get(f"/api/units/{cast.unit_a.pk}").json()
    assert data["name"] == "东城区财政局" and data["members"] == 6
    assert data["participations"] == [
        {
            "campaign_id": cast.campaign.pk,
            "batch": "第一批",
            "phase": "study",
            "phase_name": "学习动员",
            "group_id": cast.group1.pk,
        }
    ]


def test_it_publishes_an_openapi_document(client, cast):
    client.force_login(cast.user("office"))
    doc = client.get("/api/openapi.json").json()
    for path in (
        "/api/me",
        "/api/campaigns",
        "/api/campaigns/{campaign_id}/participations",
        "/api/units/{unit_id}",
        "/api/groups/{group_id}",
        "/api/people/{person_id}",
    ):
        assert path in doc["paths"], path
