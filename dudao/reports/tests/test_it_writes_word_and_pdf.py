from __future__ import annotations

import io

import pytest
from docx import Document
from docx.shared import Mm
from pypdf import PdfReader

from conftest import ARTIFACTS
from dudao.testing import PASSWORD


def _get(client, cast, url):
    client.login(username=cast.user("office").username, password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content


def _docx_text(body: bytes) -> str:
    doc = Document(io.BytesIO(body))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    footer = section.footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    return "\n".join(parts)


def _pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    box = reader.pages[0].mediabox
    assert (
        round(float(box.width) / 72 * 25.4) == 210 and round(float(box.height) / 72 * 25.4) == 297
    )
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_bulletin_has_masthead_issue_sponsor_and_the_week_s_facts(
    client, cast2005, records2005, fmt
):
    body = _get(
        client,
        cast2005,
        f"/reports/campaigns/{cast2005.campaign.pk}/documents/bulletin.{fmt}?date=2005-02-02",
    )
    text = _docx_text(body) if fmt == "docx" else _pdf_text(body)
    folder = ARTIFACTS / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"bulletin.{fmt}").write_bytes(body)  # for a person to look at (pdftoppm)
    assert "先进性教育活动简报" in text
    # The campaign started on Sunday 23 January 2005: its first week is 17–23 January, so the
    # week of 31 January is the third bulletin.
    assert "第3期" in text
    assert "先进性教育活动办公室" in text
    assert "2005年2月2日" in text
    assert "征求意见座谈会3次" in text  # the week's forums: A 1, B 2 (C's is in March)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("kind, title", [("summary", "学习动员阶段小结"), ("final", "总结报告")])
def test_the_summary_and_final_report_carry_the_figures(
    client, cast2005, records2005, fmt, kind, title
):
    body = _get(
        client,
        cast2005,
        f"/reports/campaigns/{cast2005.campaign.pk}/documents/{kind}.{fmt}?phase=study",
    )
    text = _docx_text(body) if fmt == "docx" else _pdf_text(body)
    assert title in text.replace("\n", "")
    assert "参加先进性基本知识检测" in text.replace("\n", "")
    assert "第一督导组" in text


def test_only_the_office_and_leading_group_print_documents(client, cast2005):
    client.login(username=cast2005.user("group_leader").username, password=PASSWORD)
    url = f"/reports/campaigns/{cast2005.campaign.pk}/documents/bulletin.pdf"
    assert client.get(url).status_code == 404


def test_the_qr_sheet_is_a4_with_dashed_cut_lines():
    from dudao.surveys.exports import qr_sheet_docx

    body = qr_sheet_docx(
        title="测评", subtitle="东城区财政局", base_url="http://x", codes=["ABCD2345"] * 4
    )
    doc = Document(io.BytesIO(body))
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1)
    assert 'w:val="dashed"' in doc.tables[0]._tbl.xml
