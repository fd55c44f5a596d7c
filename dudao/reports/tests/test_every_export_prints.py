"""Every spreadsheet the product serves prints (issue 14, item 4): each URL of the access
matrix that answers an .xlsx is opened as a role allowed to, and read back with openpyxl —
column widths from content, header row frozen and repeated, landscape A4 fitted to one page
wide, a title row saying what, for whom and when, dates with a date format."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from dudao.testing.matrix import collect_rows

XLSX_ROWS = [
    r
    for r in collect_rows()
    if r.allowed
    and not r.post_only
    and (".xlsx" in r.name or "export" in r.route or "xlsx" in r.route)
]


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def cast2005_client(cast2005):
    return cast2005


def _fetch(cast, row):
    url = row.url(cast)
    preferred = ("office", "admin", "group_leader", "unit_head", *sorted(row.allowed))
    role = next(r for r in preferred if r in row.allowed)
    client = Client()
    client.force_login(cast.user(role))
    response = client.get(url)
    return url, response


def test_it_finds_the_exports():
    assert len(XLSX_ROWS) >= 8


@pytest.mark.parametrize("row", XLSX_ROWS, ids=[r.name for r in XLSX_ROWS])
def test_every_export_prints(cast2005, records2005, row):
    url, response = _fetch(cast2005, row)
    if response.status_code != 200 or "spreadsheetml" not in response.get("Content-Type", ""):
        pytest.skip(
            f"{url} answers {response.status_code} {response.get('Content-Type')}: not a sheet"
        )
    wb = load_workbook(io.BytesIO(_body(response)))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", (url, ws.title)
        assert int(ws.page_setup.paperSize) == 9, (url, ws.title)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
        assert ws.print_title_rows, (url, ws.title)
        # The last repeated row is the header (a sheet may repeat a title row above it).
        header_row = int(ws.print_title_rows.split(":")[-1].lstrip("$"))
        assert ws.freeze_panes == f"A{header_row + 1}", (url, ws.title, ws.print_title_rows)
        used = ws.max_column
        for col in range(1, used + 1):
            letter = ws.cell(row=header_row, column=col).column_letter
            width = ws.column_dimensions[letter].width
            assert width and width >= 6, (url, ws.title, letter)
        title = ws.cell(row=1, column=1).value if header_row > 1 else ws.oddHeader.center.text
        assert title and "制表时间" in title, (url, ws.title, title)
        for r in ws.iter_rows(min_row=header_row + 1):
            for cell in r:
                if isinstance(cell.value, dt.datetime | dt.date):
                    assert "yy" in cell.number_format, (url, cell.coordinate)
                    assert ws.column_dimensions[cell.column_letter].width >= 10


def test_cjk_text_counts_double_width():
    from dudao.core.xlsx import column_widths, text_width

    assert text_width("东城区财政局") == 12
    assert text_width("U001") == 4
    assert column_widths(["单位"], [["东城区财政局党委第一支部"]]) == [26]
