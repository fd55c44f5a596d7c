"""The roster import reads files as offices save them (written by LibreOffice, see
office_files/make_files.py): a title row and a note above the header in .xlsx, .xls and .ods,
and .csv in GBK or UTF-8 with a BOM; names are stored as written; a number-stored ID number is
named with its fix; a sheet without a header, or with no data under it, imports nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from dudao.imports import roster
from dudao.imports.excel import FileRejected

FILES = Path(__file__).parent / "office_files"


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
def test_it_reads_the_person_list_below_its_title_rows(name):
    plan = roster.parse((FILES / name).read_bytes())
    assert [r.values["name"] for r in plan.people] == ["张三", "李四"]
    # Excel row numbers as the clerk sees them: two title rows push the data to rows 4 and 5.
    first_row = 2 if name.endswith(".csv") else 4
    assert [r.row for r in plan.people] == [first_row, first_row + 1]
    assert plan.people[0].values["position"] == "示范市档案馆（筹）"
    assert plan.people[1].values["position"] == "书记讲党课："
    messages = [p.message for p in plan.problems if p.column == "身份证号"]
    if name.endswith(".csv"):
        assert not messages  # text in a CSV keeps all 18 digits
    else:
        assert any("存成了数字" in m for m in messages)


def test_a_sheet_without_a_header_row_is_refused_whole():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "人员"
    ws.append(["2005年示范市党员名册"])
    ws.append(["张三", "P1", "B1"])
    import io

    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(FileRejected, match="找不到表头"):
        roster.parse(buf.getvalue())


def test_a_header_with_no_rows_under_it_is_refused_not_imported_as_nothing():
    data = "姓名,人员编号,所在支部编码\r\n".encode("gbk")
    with pytest.raises(FileRejected, match="没有任何数据行"):
        roster.parse(data)
