"""The printable QR sheet (Word) and the code list (Excel): every code on them, one QR image per
code pointing at the answering page, and the typed codes work."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from dudao.surveys.codes import display
from dudao.surveys.tests.helpers import open_round

pytestmark = pytest.mark.django_db

GOOD = {"found_problems": "找准抓住了", "formality": "扎实认真"}


def test_the_word_sheet_has_one_qr_and_one_typed_code_per_code(client, cast05):
    round_, codes = open_round(cast05, codes=7)
    client.force_login(cast05.user("office"))
    response = client.get(f"/surveys/rounds/{round_.pk}/codes.docx")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(
        p.text for t in doc.tables for row in t.rows for cell in row.cells for p in cell.paragraphs
    )
    for code in codes:
        assert f"测评码 {display(code)}" in text
    assert len(doc.inline_shapes) == 7
    assert "东城区财政局" in text
    client.logout()
    typed = display(codes[3])
    page = client.post("/s/", {"code": typed})
    assert "是否找准抓住了突出问题" in page.content.decode()
    assert "谢谢参与" in client.post("/s/submit/", {"code": codes[3], **GOOD}).content.decode()


def test_the_excel_list_has_every_code_and_its_link(client, cast05):
    round_, codes = open_round(cast05, codes=5)
    client.force_login(cast05.user("office"))
    response = client.get(f"/surveys/rounds/{round_.pk}/codes.xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))[1:]  # row 1 is the sheet's title
    assert rows[0] == ("序号", "测评码", "答题网址")
    assert {r[1] for r in rows[1:]} == {display(c) for c in codes}
    assert all(r[2] == f"http://testserver/s/{r[1].replace('-', '')}/" for r in rows[1:])
    # The list says nothing about which codes have been used.
    assert len(rows[0]) == 3
