"""The campaign's tally table prints (tallies.xlsx): every figure on the first sheet for work
in Excel, then the figures by section on sheets narrow enough for landscape A4 at full size,
their column names wrapped rather than widening the columns. Opened in LibreOffice, the
section sheets print at full size (docs/reports.md, "Excel that prints")."""

from __future__ import annotations

import io
import re
import shutil
import statistics
import subprocess

import pytest
from openpyxl import load_workbook

from dudao.core.xlsx import PAGE_WIDTH, column_widths, header_lines, header_width, stream_workbook
from dudao.reports.selectors import chosen_figures
from dudao.testing import PASSWORD


def _export(client, cast):
    client.login(username=cast.user("office").username, password=PASSWORD)
    response = client.get(f"/reports/campaigns/{cast.campaign.pk}/tallies.xlsx")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _widths(ws) -> list[float]:
    return [ws.column_dimensions[c.column_letter].width for c in ws[2]]


def test_a_long_column_name_wraps_instead_of_widening_its_column():
    assert header_width("单位") == 4
    assert header_width("参加先进性基本知识检测") == 8  # 22 wide: three lines of four
    assert column_widths(["参加先进性基本知识检测"], [[28]]) == [10]
    assert header_lines(["参加先进性基本知识检测"], [10]) == 3
    # Content still sets the width when it is wider than the wrapped name.
    assert column_widths(["单位"], [["东城区财政局党委第一支部"]]) == [26]
    ws = load_workbook(
        io.BytesIO(b"".join(stream_workbook("表", ["单位", "参加先进性基本知识检测"], [("甲", 1)])))
    ).active
    assert ws["B2"].alignment.wrap_text and ws.row_dimensions[2].height == 45
    # The title wraps within the table (run on into empty cells, it would widen the print).
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:B1"} and ws["A1"].alignment.wrap_text


def test_every_figure_is_on_the_first_sheet_and_once_on_a_section_sheet(
    client, cast2005, records2005
):
    wb = load_workbook(io.BytesIO(_export(client, cast2005)))
    labels = [f.label for f in chosen_figures(cast2005.campaign)]
    first, *sections = wb.worksheets
    assert first.title == "全部统计项"
    assert [c.value for c in first[2]] == ["单位", "批次", "督导组", *labels]
    assert len(sections) >= 2
    on_sections = []
    for ws in sections:
        header = [c.value for c in ws[2]]
        assert header[:3] == ["单位", "批次", "督导组"]
        on_sections += header[3:]
        rows = list(ws.iter_rows(min_row=3, values_only=True))
        assert rows[-1][0] == "合计"
        assert [r[0] for r in rows] == [r[0] for r in first.iter_rows(min_row=3, values_only=True)]
        assert f"统计表（{ws.title}）" in ws["A1"].value
    assert sorted(on_sections) == sorted(labels)
    # Every section sheet fits the page at full size; a section too wide for one goes on.
    for ws in sections:
        assert sum(_widths(ws)) <= PAGE_WIDTH, ws.title
    assert any("（续）" in ws.title for ws in sections)  # 学习教育 has twelve figures
    # The same figure has the same value on both sheets.
    forums = {r[0]: r for r in first.iter_rows(min_row=3, values_only=True)}
    col = labels.index("征求意见座谈会") + 3
    ws = next(ws for ws in sections if "征求意见座谈会" in [c.value for c in ws[2]])
    scol = [c.value for c in ws[2]].index("征求意见座谈会")
    for r in ws.iter_rows(min_row=3, values_only=True):
        assert r[scol] == forums[r[0]][col]


def _text_heights(pdf) -> list[tuple[str, float]]:
    """Per printed page: its first words and the median height of its words, in points."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    word = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<')
    pages = []
    for page in html.split("<page ")[1:]:
        words = word.findall(page)
        heights = [float(y1) - float(y0) for y0, y1, _ in words]
        pages.append(("".join(w for _, _, w in words[:12]), statistics.median(heights)))
    return pages


@pytest.mark.skipif(not shutil.which("soffice"), reason="需要 LibreOffice（soffice）把表格转成 PDF")
def test_libreoffice_prints_each_section_sheet_at_full_size(
    client, cast2005, records2005, tmp_path
):
    source = tmp_path / "tallies.xlsx"
    source.write_bytes(_export(client, cast2005))
    # The yardstick: a sheet of two narrow columns and as many rows, which prints at 100 %.
    control = tmp_path / "control.xlsx"
    rows = [(f"第{i}单位", i) for i in range(40)]
    control.write_bytes(b"".join(stream_workbook("对照", ["单位", "数"], rows)))
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
            str(control),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    full = _text_heights(tmp_path / "control.pdf")[0][1]
    pages = _text_heights(tmp_path / "tallies.pdf")
    titles = [ws.title for ws in load_workbook(source).worksheets[1:]]
    for title in titles:
        first, height = next(p for p in pages if f"统计表（{title}）" in p[0])
        assert height >= 0.9 * full, (title, height, full)
    # The sheet of every figure is the one that shrinks (it is there to work on, not to print).
    assert pages[0][1] < 0.6 * full
