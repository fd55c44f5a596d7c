"""Documents and reviews through the API: the unit submits, the group comments and returns,
the unit revises, the group approves — through the review pages' forms, permits and actions."""

from __future__ import annotations

import pytest

from dudao.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def _part(cast):
    from dudao.campaigns.models import Participation

    return Participation.objects.get(campaign=cast.campaign, unit=cast.unit_a)


TEXT = "东城区财政局先进性教育活动实施方案。一、指导思想。二、目标要求。三、方法步骤。" * 5


def test_a_document_is_submitted_returned_revised_and_approved(client, cast):
    p = _part(cast)
    client.force_login(cast.user("unit_head"))
    url = f"/api/reviews/campaigns/{cast.campaign.pk}/documents"
    missing = _post(client, url, {"participation": p.pk})
    assert missing.status_code == 422 and "文书类型" in missing.json()["detail"]
    made = _post(
        client,
        url,
        {"participation": p.pk, "kind": "implementation_plan", "title": "实施方案", "text": TEXT},
    )
    assert made.status_code == 201, made.json()
    doc = made.json()
    assert doc["status"] == "submitted" and len(doc["versions"]) == 1
    detail = f"/api/reviews/documents/{doc['id']}"
    client.force_login(cast.user("group_leader"))
    allowed = client.get(detail).json()["allowed"]
    assert "decide" in allowed
    commented = _post(
        client, detail, {"action": "comment", "quote": "指导思想", "body": "请写具体"}
    )
    assert commented.status_code == 200, commented.json()
    assert commented.json()["comments"][0]["body"] == "请写具体"
    no_reason = _post(
        client,
        detail,
        {
            "action": "decide",
            "decision": "returned",
            "expected_version": commented.json()["version"],
        },
    )
    assert no_reason.status_code in (400, 422), no_reason.json()
    returned = _post(
        client,
        detail,
        {
            "action": "decide",
            "decision": "returned",
            "reason": "目标不具体",
            "expected_version": commented.json()["version"],
        },
    )
    assert returned.status_code == 200, returned.json()
    assert returned.json()["status"] == "returned"
    stale = _post(
        client,
        detail,
        {"action": "decide", "decision": "approved", "expected_version": doc["version"]},
    )
    assert stale.status_code == 409
    client.force_login(cast.user("unit_head"))
    revised = _post(
        client,
        detail,
        {
            "action": "submit",
            "text": TEXT + "已补充。",
            "expected_version": returned.json()["version"],
        },
    )
    assert revised.status_code == 200, revised.json()
    assert len(revised.json()["versions"]) == 2
    refused = _post(
        client,
        detail,
        {"action": "decide", "decision": "approved", "expected_version": revised.json()["version"]},
    )
    assert refused.status_code == 403 and refused.json()["detail"]
    assert AuditEvent.objects.filter(target_id=str(doc["id"])).count() >= 4
    client.force_login(cast.user("outsider"))
    assert client.get(detail).status_code == 404
    assert _post(client, detail, {"action": "comment"}).status_code == 404
