"""API tokens (made and revoked by the office on a page, hashed at rest, audited) and the
records endpoints that write through the same access layer, forms, permits and actions as the
record pages; errors in Chinese naming the field."""

from __future__ import annotations

import pytest

from dudao.core.models import AuditEvent
from dudao.records.models import Meeting, ProblemFound
from dudao.tokens.actions import create_token, revoke_token
from dudao.tokens.models import ApiToken

pytestmark = pytest.mark.django_db


def _part(cast):
    from dudao.campaigns.models import Participation

    return Participation.objects.get(campaign=cast.campaign, unit=cast.unit_a)


def _bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_office_makes_a_token_on_its_page_shown_once_and_hashed(client, cast):
    client.force_login(cast.user("office"))
    page = client.post("/tokens/", {"name": "市委统计系统"}).content.decode()
    token = ApiToken.objects.get()
    secret = page.split("<code data-secret>")[1].split("</code>")[0]
    assert secret.startswith("DDT") and len(secret) > 40
    assert token.digest != secret and secret not in str(ApiToken.objects.values().get())
    event = AuditEvent.objects.get(action="tokens.create")
    assert event.actor_id == cast.user("office").pk and secret not in str(event.data)
    again = client.get("/tokens/").content.decode()
    assert secret not in again and token.prefix in again
    client.logout()
    me = client.get("/api/me", **_bearer(secret))
    assert me.status_code == 200 and me.json()["username"] == cast.user("office").username


def test_only_the_office_manages_tokens(client, cast):
    for role in ("unit_head", "group_leader", "member"):
        client.force_login(cast.user(role))
        assert client.get("/tokens/").status_code == 404
        assert client.post("/tokens/", {"name": "x"}).status_code == 404
    assert not ApiToken.objects.exists()


def test_a_revoked_or_unknown_token_answers_401_in_chinese(client, cast):
    office = cast.user("office")
    token, secret = create_token(actor=office, name="对接")
    assert client.get("/api/me", **_bearer(secret)).status_code == 200
    revoke_token(actor=office, token=token, reason="系统停用")
    response = client.get("/api/me", **_bearer(secret))
    assert response.status_code == 401 and "令牌" in response.json()["detail"]
    assert client.get("/api/me", **_bearer("DDT" + "0" * 64)).status_code == 401
    assert AuditEvent.objects.filter(action="tokens.revoke", reason="系统停用").count() == 1


def test_revoking_on_the_page_twice_revokes_once(client, cast):
    token, _ = create_token(actor=cast.user("office"), name="对接")
    client.force_login(cast.user("office"))
    client.post(f"/tokens/{token.pk}/revoke/", {"reason": "停用"})
    client.post(f"/tokens/{token.pk}/revoke/", {"reason": "停用"})
    assert AuditEvent.objects.filter(action="tokens.revoke").count() == 1


MEETING = {"kind": "mobilisation", "date": "2026-03-02", "title": "动员大会", "attendees": 40}


def _meeting_kind(cast):
    from dudao.records.kinds import meeting_kinds

    return next(iter(meeting_kinds(cast.campaign)))


def test_the_unit_records_a_meeting_once_and_edits_it_with_its_version(client, cast):
    p = _part(cast)
    client.force_login(cast.user("unit_head"))
    body = {**MEETING, "kind": _meeting_kind(cast), "token": "retry-1"}
    url = f"/api/records/{p.pk}/meetings"
    first = client.post(url, body, content_type="application/json")
    assert first.status_code == 201, first.content
    again = client.post(url, body, content_type="application/json")
    assert again.json()["id"] == first.json()["id"]
    assert Meeting.objects.filter(participation=p).count() == 1
    assert AuditEvent.objects.filter(action="records.meeting.create").count() == 1
    rid, version = first.json()["id"], first.json()["version"]
    listed = client.get(url, {"phase": first.json()["phase"]}).json()
    assert [r["id"] for r in listed] == [rid]
    edit = {**body, "title": "动员大会（改）", "version": version}
    saved = client.put(f"{url}/{rid}", edit, content_type="application/json")
    assert saved.status_code == 200, saved.content
    stale = client.put(f"{url}/{rid}", {**edit, "title": "第三次"}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["detail"]
    assert Meeting.objects.get().title == "动员大会（改）"


def test_a_bad_field_is_named_in_chinese_and_nothing_is_written(client, cast):
    p = _part(cast)
    client.force_login(cast.user("unit_head"))
    response = client.post(
        f"/api/records/{p.pk}/meetings",
        {"kind": _meeting_kind(cast), "date": "不是日期", "attendees": 3},
        content_type="application/json",
    )
    assert response.status_code == 422
    data = response.json()
    fields = {e["field"]: e for e in data["errors"]}
    assert {"date", "title"} <= set(fields)
    assert fields["title"]["label"] == "会议名称"
    assert "会议名称" in data["detail"] and "日期" in data["detail"]
    assert not Meeting.objects.exists()
    wrong_type = client.post(
        f"/api/records/{p.pk}/meetings", "[1, 2]", content_type="application/json"
    )
    assert wrong_type.status_code == 422 and "应为 JSON 对象" in wrong_type.json()["detail"]


def test_the_same_rule_refuses_the_office_and_hides_other_units(client, cast):
    """The office reads a unit's records but the unit writes them (check_writer), for a token
    as for the pages; a member sees no unit's records at all."""
    p = _part(cast)
    _, secret = create_token(actor=cast.user("office"), name="对接")
    body = {"source": "self", "text": "学习不深入"}
    response = client.post(
        f"/api/records/{p.pk}/problems", body, content_type="application/json", **_bearer(secret)
    )
    assert response.status_code == 404
    assert client.get(f"/api/records/{p.pk}/problems", **_bearer(secret)).status_code == 200
    client.force_login(cast.user("member"))
    response = client.post(f"/api/records/{p.pk}/problems", body, content_type="application/json")
    assert response.status_code == 404 and response.json()["detail"] == "页面不存在或您无权查看"
    assert not ProblemFound.objects.exists()
    client.force_login(cast.user("unit_head"))
    assert client.get(f"/api/records/{p.pk}/no-such-kind").status_code == 404


def test_every_kind_is_served_and_a_deletion_needs_a_reason(client, cast):
    from dudao.records.registry import KINDS

    p = _part(cast)
    client.force_login(cast.user("unit_head"))
    kinds = {k["slug"]: k for k in client.get("/api/records/kinds").json()}
    assert set(kinds) == set(KINDS)
    assert {"name": "text", "label": "问题", "required": True} in kinds["problems"]["fields"]
    url = f"/api/records/{p.pk}/problems"
    made = client.post(
        url, {"source": "self", "text": "学习不深入"}, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    rid = made.json()["id"]
    no_reason = client.delete(f"{url}/{rid}", {"reason": " "}, content_type="application/json")
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["label"] == "理由"
    done = client.delete(
        f"{url}/{rid}",
        {"reason": "重复登记", "version": made.json()["version"]},
        content_type="application/json",
    )
    assert done.status_code == 204
    assert not ProblemFound.objects.exists()
    assert AuditEvent.objects.filter(action="records.problem.delete", reason="重复登记").exists()
