"""Opinions and reports through the API, with the pages' access layer, permits, forms and
actions: record, classify and feed back opinions (each audited; a stale classify is refused),
read the campaign's tallies and drill down to units and records; out of scope: 404."""

from __future__ import annotations

import pytest

from dudao.core.models import AuditEvent
from dudao.opinions.models import Opinion
from dudao.tokens.actions import create_token

pytestmark = pytest.mark.django_db


def _post(client, url, body, **extra):
    return client.post(url, body, content_type="application/json", **extra)


def _part(cast, unit=None):
    from dudao.campaigns.models import Participation

    return Participation.objects.get(campaign=cast.campaign, unit=unit or cast.unit_a)


OPINION = {
    "text": "窗口服务态度生硬，办事效率低",
    "channel": "forum",
    "giver_kind": "service",
    "given_on": "2005-02-01",
    "target_kind": "team",
}


def test_a_unit_records_classifies_and_feeds_back_an_opinion(client, cast):
    p = _part(cast)
    url = f"/api/opinions/units/{p.pk}/opinions"
    client.force_login(cast.user("unit_head"))
    bad = _post(client, url, {**OPINION, "given_on": "二月"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["label"] == "日期"
    made = _post(client, url, OPINION)
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["text"] == OPINION["text"] and "classify" in body["allowed"]
    oid = body["id"]
    assert [o["id"] for o in client.get(url).json()] == [oid]

    detail = f"/api/opinions/{oid}"
    unknown = _post(client, detail, {"action": "classify", "codes": ["nope"]})
    assert unknown.status_code == 422
    done = _post(client, detail, {"action": "classify", "codes": ["conduct", "work"], "version": 1})
    assert done.status_code == 200, done.json()
    assert done.json()["classified"] and done.json()["categories"] == ["conduct", "work"]
    stale = _post(client, detail, {"action": "classify", "codes": ["thought"], "version": 1})
    assert stale.status_code == 409

    fed = _post(
        client,
        f"/api/opinions/units/{p.pk}/feedbacks",
        {"opinions": [oid], "form": "meeting", "fed_back_on": "2005-02-10", "outcome": "adopted"},
    )
    assert fed.status_code == 201, fed.json()
    assert fed.json()["opinions"] == [oid] and fed.json()["kind"] == "collective"
    assert client.get(detail).json()["fed_back_on"] == "2005-02-10"
    listed = client.get(f"/api/opinions/units/{p.pk}/feedbacks").json()
    assert [(f["id"], f["opinions"]) for f in listed] == [(fed.json()["id"], [oid])]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"opinions.record", "opinions.classify", "opinions.feed_back"} <= actions


def test_the_api_asks_the_pages_rules(client, cast):
    p = _part(cast)
    o_url = f"/api/opinions/units/{p.pk}/opinions"
    client.force_login(cast.user("unit_head"))
    oid = _post(client, o_url, OPINION).json()["id"]
    # Only the unit feeds back (seed 001: the unit tells its team and its members).
    client.force_login(cast.user("group_leader"))
    refused = _post(
        client,
        f"/api/opinions/units/{p.pk}/feedbacks",
        {"opinions": [oid], "form": "meeting", "fed_back_on": "2005-02-10", "outcome": "adopted"},
    )
    assert refused.status_code == 403 and "本单位" in refused.json()["detail"]
    # Another unit's opinion cannot be fed back with this unit's feedback.
    client.force_login(cast.user("unit_head"))
    other = _part(cast, cast.unit_b)
    assert (
        _post(
            client,
            f"/api/opinions/units/{other.pk}/feedbacks",
            {
                "opinions": [oid],
                "form": "meeting",
                "fed_back_on": "2005-02-10",
                "outcome": "adopted",
            },
        ).status_code
        == 404
    )
    client.force_login(cast.user("outsider"))
    assert client.get(o_url).status_code == 404
    assert client.get(f"/api/opinions/{oid}").status_code == 404
    assert _post(client, o_url, OPINION).status_code == 404
    assert Opinion.objects.count() == 1


def test_a_token_reads_the_tallies_and_drills_down(client, cast):
    from dudao.records.models import Meeting

    a, b = _part(cast), _part(cast, cast.unit_b)
    for pp in (a, b, b):
        Meeting.objects.create(
            participation=pp, phase="study", kind="forum", date="2005-02-01", title="座谈会"
        )
    _token, secret = create_token(actor=cast.user("office"), name="统计系统")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    camp = cast.campaign.pk
    tallies = client.get(f"/api/reports/campaigns/{camp}/tallies", **auth)
    assert tallies.status_code == 200, tallies.json()
    forums = next(f for f in tallies.json()["figures"] if f["code"] == "forums")
    assert forums["value"] == 3 and forums["label"] == "征求意见座谈会"
    assert forums["by_group"] == {str(cast.group1.pk): 1.0, str(cast.group2.pk): 2.0}
    by_phase = client.get(f"/api/reports/campaigns/{camp}/tallies?phase=analysis", **auth).json()
    assert next(f for f in by_phase["figures"] if f["code"] == "forums")["value"] == 0
    units = client.get(f"/api/reports/campaigns/{camp}/tallies/forums/units", **auth).json()
    assert {u["participation_id"]: u["value"] for u in units if u["value"]} == {a.pk: 1, b.pk: 2}
    records = client.get(
        f"/api/reports/campaigns/{camp}/tallies/forums/units/{b.pk}", **auth
    ).json()
    assert records[0]["total"] == 2 and "会议名称" in records[0]["columns"]
    assert (
        client.get(f"/api/reports/campaigns/{camp}/tallies/nope/units", **auth).status_code == 404
    )
    # A group reads its own units only; a unit's figures of another group's unit: 404.
    client.force_login(cast.user("group_leader"))
    mine = client.get(f"/api/reports/campaigns/{camp}/tallies").json()
    assert next(f for f in mine["figures"] if f["code"] == "forums")["value"] == 1
    assert (
        client.get(f"/api/reports/campaigns/{camp}/tallies/forums/units/{b.pk}").status_code == 404
    )
    client.force_login(cast.user("member"))
    assert client.get(f"/api/reports/campaigns/{camp}/tallies").status_code == 404
