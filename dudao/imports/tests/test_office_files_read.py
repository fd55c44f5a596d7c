"""Files as LibreOffice and WPS write them (made by office_files/make_files.py with LibreOffice):
.xlsx, .xls and .ods with a merged title row above the header, .csv in GBK and in UTF-8 with a
BOM are all read; stored text stays as written; an ID typed into a number cell is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from dudao.imports import excel
from dudao.imports.excel import CellError, FileRejected

FILES = Path(__file__).parent / "office_files"
KNOWN = ["姓名", "人员编号", "所在支部编码", "身份证号", "人员类别"]


@pytest.mark.parametrize(
    "name",
    [
        "roster_title_rows.xlsx",
        "roster_title_rows.xls",
        "roster_title_rows.ods",
        "roster_gbk.csv",
        "roster_utf8_bom.csv",
    ],
)
def test_it_reads_every_format_an_office_saves_and_finds_the_header(name):
    sheets, _errors = excel.read_workbook((FILES / name).read_bytes())
    ((sheet, rows),) = sheets.items()
    assert sheet == (excel.CSV_SHEET if name.endswith(".csv") else "人员")
    head = excel.header_row(rows, KNOWN)
    assert head == (0 if name.endswith(".csv") else 2)  # below the title and the note
    assert [excel.clean_text(v) for v in rows[head][:2]] == ["姓名", "人员编号"]
    assert excel.clean_text(rows[head + 1][5]) == "示范市档案馆（筹）"
    assert excel.clean_text(rows[head + 2][5]) == "书记讲党课："


def test_a_sheet_without_the_known_header_has_no_header_row():
    assert excel.header_row([["2005年名册"], ["甲", "乙"]], KNOWN) is None


def test_stored_text_keeps_full_width_characters_but_matching_folds_them():
    assert excel.clean_text("  示范市档案馆（筹） ") == "示范市档案馆（筹）"
    assert excel.normal_text("示范市档案馆（筹）") == "示范市档案馆(筹)"
    assert excel.clean_code("Ｐ－００１") == "P-001"
    assert excel.clean_choice("离退休", {"离退休": "retired"}, "人员类别") == "retired"


def test_an_id_number_stored_as_a_number_gets_its_own_message():
    sheets, _ = excel.read_workbook((FILES / "roster_title_rows.xlsx").read_bytes())
    rows = sheets["人员"]
    with pytest.raises(CellError, match="存成了数字.*文本"):
        excel.clean_id_number(rows[3][3])
    assert excel.clean_id_number(rows[4][3]) == "11010519491231002X"


def test_a_word_or_wps_document_is_refused_with_how_to_save_as_xlsx():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\x00" * 64
    with pytest.raises(FileRejected, match="另存为.*xlsx"):
        excel.read_workbook(ole)


def test_a_gbk_csv_with_a_title_row_is_decoded():
    data = "示范市名册\r\n姓名,人员编号\r\n王五,P9\r\n".encode("gbk")
    rows = excel.read_workbook(data)[0][excel.CSV_SHEET]
    assert excel.header_row(rows, ["姓名", "人员编号"]) == 1 and rows[2][0] == "王五"
