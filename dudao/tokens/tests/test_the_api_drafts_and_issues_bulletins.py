"""Bulletins (简报) through the API, with the pages' access layer, permits, forms and actions:
the office lists a campaign's bulletins, drafts one (a second submit of the same token answers
the first), reads and edits its items with a version check (a stale version is refused in
Chinese), issues it (then it is frozen) and downloads its Word and PDF; the leading group reads
and prints; a supervision group, a unit and an outsider get 404."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document as Docx
from pypdf import PdfReader

from dudao.core.models import AuditEvent
from dudao.reports.models import Bulletin, BulletinStatus
from dudao.tokens.actions import create_token

pytestmark = pytest.mark.django_db


def _send(client, method, url, body, **extra):
    send = client.post if method == "POST" else client.put
    return send(url, body, content_type="application/json", **extra)


def _forum(cast):
    from dudao.campaigns.models import Participation
    from dudao.records.models import Meeting

    p = Participation.objects.get(campaign=cast.campaign, unit=cast.unit_a)
    Meeting.objects.create(
        participation=p, phase="study", kind="forum", date="2005-02-01", title="座谈会"
    )


def test_the_office_drafts_edits_issues_and_prints_a_bulletin(client, cast):
    _forum(cast)
    _token, secret = create_token(actor=cast.user("office"), name="简报系统")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    listed = f"/api/reports/campaigns/{cast.campaign.pk}/bulletins"
    bad = _send(client, "POST", listed, {"issued_on": "二月一日", "token": "t1"}, **auth)
    assert bad.status_code == 422 and "日期格式不对" in bad.json()["detail"]
    # A number or a list where the form wants text: refused in Chinese, never a server error.
    number = _send(client, "POST", listed, {"issued_on": 20050201, "token": "t1"}, **auth)
    assert number.status_code == 422 and number.json()["errors"][0]["label"] == "日期"
    listed_date = _send(client, "POST", listed, {"issued_on": ["2005-02-01"]}, **auth)
    assert listed_date.status_code == 422 and "应为文本" in listed_date.json()["detail"]

    made = _send(client, "POST", listed, {"issued_on": "2005-02-01", "token": "t1"}, **auth)
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["number"], body["status"], body["version"]) == (1, "draft", 1)
    assert body["masthead"] == "先进性教育活动简报" and {"edit", "issue"} <= set(body["allowed"])
    assert body["items"] and body["items"][0]["source"] == "week_facts"
    assert "座谈会" in "".join(i["text"] for i in body["items"])
    again = _send(client, "POST", listed, {"issued_on": "2005-02-01", "token": "t1"}, **auth)
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    assert Bulletin.objects.count() == 1
    assert [b["id"] for b in client.get(listed, **auth).json()] == [body["id"]]

    one = f"/api/reports/bulletins/{body['id']}"
    kept = body["items"][0]
    edit = {
        "masthead": "先进性教育活动简报",
        "sponsor": "市先教办",
        "issued_on": "2005-02-02",
        "items": [
            {"title": kept["title"], "text": kept["text"], "source": kept["source"]},
            {"title": "东城区财政局开门纳谏", "text": "该局召开座谈会三次，收集意见二十条。"},
        ],
    }
    odd = _send(client, "PUT", one, {**edit, "version": 1, "issued_on": {"y": 2005}}, **auth)
    assert odd.status_code == 422 and odd.json()["errors"][0]["field"] == "issued_on"
    no_version = _send(client, "PUT", one, edit, **auth)
    assert no_version.status_code == 422 and no_version.json()["errors"][0]["field"] == "version"
    empty_text = {**edit, "version": 1, "items": [{"title": "只有标题", "text": " "}]}
    refused = _send(client, "PUT", one, empty_text, **auth)
    assert refused.status_code == 422 and "第1条缺少标题或正文" in refused.json()["detail"]
    saved = _send(client, "PUT", one, {**edit, "version": 1}, **auth)
    assert saved.status_code == 200, saved.json()
    assert saved.json()["version"] == 2 and saved.json()["sponsor"] == "市先教办"
    assert [(i["source"], i["title"]) for i in saved.json()["items"]] == [
        (kept["source"], kept["title"]),
        ("free", "东城区财政局开门纳谏"),
    ]
    stale = _send(client, "PUT", one, {**edit, "version": 1}, **auth)
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]
    assert _send(client, "POST", one, {"action": "issue", "version": 1}, **auth).status_code == 409

    issued = _send(client, "POST", one, {"action": "issue", "version": 2}, **auth)
    assert issued.status_code == 200, issued.json()
    assert issued.json()["status"] == "issued" and issued.json()["issued_at"]
    assert issued.json()["allowed"] == []
    frozen = _send(client, "PUT", one, {**edit, "version": 3}, **auth)
    assert frozen.status_code == 409 and "已印发" in frozen.json()["detail"]
    b = Bulletin.objects.get()
    assert b.status == BulletinStatus.ISSUED and b.issued_by == cast.user("office")
    assert b.items.count() == 2
    actions = list(
        AuditEvent.objects.filter(action__startswith="reports.bulletin").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == [
        "reports.bulletin_create",
        "reports.bulletin_edit",
        "reports.bulletin_issue",
    ]

    docx = client.get(f"{one}/files/docx", **auth)
    assert docx.status_code == 200 and docx["Content-Type"].startswith("application/vnd")
    text = "\n".join(p.text for p in Docx(io.BytesIO(docx.content)).paragraphs)
    assert "第1期" in text and "东城区财政局开门纳谏" in text and "市先教办" in text
    pdf = client.get(f"{one}/files/pdf", **auth)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "开门纳谏" in pdf_text and "市先教办" in pdf_text
    assert client.get(f"{one}/files/xlsx", **auth).status_code == 404


def test_the_api_asks_the_pages_rules_for_bulletins(client, cast):
    from dudao.reports.actions import create_bulletin

    b = create_bulletin(
        actor=cast.user("office"), campaign=cast.campaign, issued_on=dt.date(2005, 2, 1), token="x"
    )
    listed = f"/api/reports/campaigns/{cast.campaign.pk}/bulletins"
    one = f"/api/reports/bulletins/{b.pk}"
    edit = {
        "masthead": "改",
        "sponsor": "改",
        "issued_on": "2005-02-01",
        "version": 1,
        "items": [{"title": "改", "text": "改"}],
    }
    # The leading group reads and prints, and may not draft, edit or issue.
    client.force_login(cast.user("leading"))
    assert [x["id"] for x in client.get(listed).json()] == [b.pk]
    assert client.get(one).json()["allowed"] == []
    assert client.get(f"{one}/files/docx").status_code == 200
    refused = _send(client, "POST", listed, {"issued_on": "2005-02-08", "token": "y"})
    assert refused.status_code == 403 and "活动办公室" in refused.json()["detail"]
    assert _send(client, "PUT", one, edit).status_code == 403
    assert _send(client, "POST", one, {"action": "issue", "version": 1}).status_code == 403
    # Bulletins are the office's and the leading group's: everyone else gets 404.
    for role in ("group_leader", "unit_head", "member", "outsider"):
        client.force_login(cast.user(role))
        assert client.get(listed).status_code == 404, role
        assert client.get(one).status_code == 404, role
        assert client.get(f"{one}/files/pdf").status_code == 404, role
        assert _send(client, "PUT", one, edit).status_code == 404, role
    b.refresh_from_db()
    assert (Bulletin.objects.count(), b.version, b.status) == (1, 1, BulletinStatus.DRAFT)
