"""Bulletins (简报) are stored: issue numbers per campaign without gaps or duplicates (a double
submit answers the first), items picked from the week's facts with their source and free text
added, an issued bulletin frozen and audited, Word and PDF regenerated from what is stored."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document as Docx
from pypdf import PdfReader

from dudao.core.errors import AccessDenied, ConflictError, TransitionError
from dudao.core.models import AuditEvent
from dudao.reports import actions
from dudao.reports.models import Bulletin, BulletinStatus

DAY = dt.date(2005, 2, 1)


def test_numbers_follow_each_other_and_a_double_submit_finds_the_first(cast2005, records2005):
    office = cast2005.user("office")
    first = actions.create_bulletin(
        actor=office, campaign=cast2005.campaign, issued_on=DAY, token="a"
    )
    again = actions.create_bulletin(
        actor=office, campaign=cast2005.campaign, issued_on=DAY, token="a"
    )
    second = actions.create_bulletin(
        actor=office, campaign=cast2005.campaign, issued_on=DAY + dt.timedelta(days=7), token="b"
    )
    assert again.pk == first.pk
    assert (first.number, second.number) == (1, 2)
    assert Bulletin.objects.count() == 2
    assert AuditEvent.objects.filter(action="reports.bulletin_create").count() == 2
    assert first.masthead == "先进性教育活动简报" and first.sponsor == "先进性教育活动办公室"
    items = list(first.items.all())
    assert items and all(i.source == "week_facts" for i in items)
    assert any("学习" in i.text for i in items)


def test_only_the_office_drafts_and_the_leading_group_reads(cast2005, records2005, client):
    with pytest.raises(AccessDenied):
        actions.create_bulletin(
            actor=cast2005.user("leading"), campaign=cast2005.campaign, issued_on=DAY, token="x"
        )
    b = actions.create_bulletin(
        actor=cast2005.user("office"), campaign=cast2005.campaign, issued_on=DAY, token="y"
    )
    client.force_login(cast2005.user("leading"))
    page = client.get(f"/reports/bulletins/{b.pk}/").content.decode()
    assert "第1期" in page and "印发本期" not in page
    client.force_login(cast2005.user("group_leader"))
    assert client.get(f"/reports/bulletins/{b.pk}/").status_code == 404


def test_the_office_edits_adds_free_text_issues_and_then_it_is_frozen(
    cast2005, records2005, client
):
    office = cast2005.user("office")
    client.force_login(office)
    made = client.post(
        f"/reports/campaigns/{cast2005.campaign.pk}/bulletins/",
        {"issued_on": "2005-02-01", "token": "page-1"},
    )
    b = Bulletin.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/reports/bulletins/{b.pk}/"
    kept = list(b.items.all())[0]
    saved = client.post(
        f"/reports/bulletins/{b.pk}/",
        {
            "masthead": "先进性教育活动简报",
            "sponsor": "市先教办",
            "issued_on": "2005-02-02",
            "version": b.version,
            "item_title": [kept.title],
            "item_text": [kept.text],
            "item_source": [kept.source],
            "item_ref": [""],
            "item_keep": ["0"],
            "new_title": "东城区财政局开门纳谏",
            "new_text": "该局召开座谈会三次，收集意见二十条。",
        },
    )
    assert saved.status_code == 302
    b.refresh_from_db()
    rows = list(b.items.values_list("source", "title"))
    assert rows == [(kept.source, kept.title), ("free", "东城区财政局开门纳谏")]
    assert b.sponsor == "市先教办" and b.version == 2
    # A stale version is refused.
    with pytest.raises(ConflictError):
        actions.issue_bulletin(actor=office, bulletin=b, expected_version=1)
    client.post(f"/reports/bulletins/{b.pk}/issue/", {"version": b.version})
    b.refresh_from_db()
    assert b.status == BulletinStatus.ISSUED and b.issued_by == office
    assert AuditEvent.objects.filter(action="reports.bulletin_issue").count() == 1
    with pytest.raises(TransitionError):
        actions.edit_bulletin(
            actor=office,
            bulletin=b,
            expected_version=b.version,
            masthead="改",
            sponsor="改",
            issued_on=DAY,
            items=[{"title": "改", "text": "改"}],
        )
    page = client.get(f"/reports/bulletins/{b.pk}/").content.decode()
    assert "已印发" in page and 'name="item_title"' not in page

    # Word and PDF come from the stored content.
    docx = client.get(f"/reports/bulletins/{b.pk}/bulletin.docx")
    text = "\n".join(p.text for p in Docx(io.BytesIO(docx.content)).paragraphs)
    assert "第1期" in text and "东城区财政局开门纳谏" in text and "市先教办" in text
    pdf = client.get(f"/reports/bulletins/{b.pk}/bulletin.pdf")
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "开门纳谏" in pdf_text and "市先教办" in pdf_text
