"""Malformed rosters: every bad row is named with its row, column and reason, and nothing is
imported while there are errors."""

from __future__ import annotations

import pytest

from dudao.core.errors import DomainError
from dudao.imports import roster
from dudao.imports.excel import FileRejected
from dudao.orgs.models import Organisation, Person

from .helpers import ORG_HEADER, ORGS, PERSON_HEADER, person, xlsx
from .helpers import roster as make

pytestmark = pytest.mark.django_db


def _problems(data: bytes) -> list[tuple[str, int, str, str]]:
    plan, _ = roster.check(data)
    return [(p.sheet, p.row, p.column, p.message) for p in plan.problems]


def _refused(data: bytes) -> None:
    plan, lookups = roster.check(data)
    with pytest.raises(DomainError, match="未导入任何数据"):
        roster.apply(plan, lookups, actor=None, only_valid=False, file_name="x.xlsx")
    assert Organisation.objects.count() == 0 and Person.objects.count() == 0


def test_it_names_an_unknown_column_and_lists_the_known_ones():
    data = xlsx({"组织": [ORG_HEADER + ["备注栏"], *[r + ["x"] for r in ORGS]]})
    [(sheet, row, column, message)] = _problems(data)
    assert (sheet, row, column) == ("组织", 1, "备注栏")
    assert "第 E 列" in message and "组织编码" in message
    _refused(data)


def test_it_names_both_rows_of_a_duplicate_id():
    data = make(people=[person("P1", "甲"), person("P2", "乙"), person("P1", "丙")])
    problems = _problems(data)
    assert ("人员", 4, "人员编号", "人员编号“P1”与第 2 行重复") in problems
    assert ("人员", 2, "人员编号", "人员编号“P1”与第 4 行重复") in problems
    _refused(data)


def test_it_names_an_unknown_branch():
    data = make(people=[person("P1", "甲", branch="NO-SUCH")])
    assert _problems(data) == [
        (
            "人员",
            2,
            "所在支部编码",
            "所在支部编码“NO-SUCH”不存在：既不在本文件“组织”表中，也不在系统中",
        )
    ]
    _refused(data)


def test_it_refuses_a_person_in_a_unit_rather_than_a_branch():
    problems = _problems(make(people=[person("P1", "甲", branch="T-U1")]))
    assert problems[0][2] == "所在支部编码" and "不是党支部" in problems[0][3]


def test_it_names_an_empty_required_field():
    data = make(people=[person("P1", ""), person("", "乙")])
    problems = _problems(data)
    assert ("人员", 2, "姓名", "“姓名”不能为空") in problems
    assert ("人员", 3, "人员编号", "“人员编号”不能为空") in problems
    _refused(data)


@pytest.mark.parametrize(
    "data, hint",
    [
        (b"just some text renamed to .xlsx", "CSV"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, "不是表格"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, ".doc"),
        (b"%PDF-1.4\n", "PDF"),
    ],
)
def test_it_refuses_a_wrong_file_type_with_what_to_do(data, hint):
    with pytest.raises(FileRejected, match="xlsx|CSV") as exc:
        roster.check(data)
    assert hint in str(exc.value)


def test_it_refuses_a_word_document():
    import io

    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    with pytest.raises(FileRejected, match="Word"):
        roster.check(buf.getvalue())


def test_it_refuses_a_zero_byte_file():
    with pytest.raises(FileRejected, match="0 字节"):
        roster.check(b"")


def test_it_reports_a_cell_holding_a_formula_error():
    data = xlsx(
        {
            "组织": [ORG_HEADER, *ORGS],
            "人员": [PERSON_HEADER, person("P1", "甲"), person("P2", "乙")],
        },
        errors={("人员", 3, 2): "#REF!"},
    )
    problems = _problems(data)
    assert (
        "人员",
        3,
        "姓名",
        "单元格是 Excel 错误值 #REF!（公式出错），请改为实际内容",
    ) in problems
    _refused(data)


def test_it_names_a_bad_id_number_and_a_bad_date():
    problems = _problems(
        make(
            people=[
                person(
                    "P1", "甲", **{"身份证号": "110105194912310021", "出生日期": "1949年13月1日"}
                )
            ]
        )
    )
    columns = {p[2]: p[3] for p in problems}
    assert "校验位不对" in columns["身份证号"]
    assert "日期" in columns["出生日期"]


def test_it_refuses_a_cycle_in_the_organisation_tree():
    problems = _problems(make(orgs=[["A", "甲", "区县", "B"], ["B", "乙", "区县", "A"]]))
    assert any("循环" in p[3] for p in problems)


def test_it_refuses_a_branch_outside_any_unit():
    problems = _problems(make(orgs=[["A", "市委", "市委", ""], ["B", "支部", "党支部", "A"]]))
    assert any("必须隶属于某个单位" in p[3] for p in problems)


def test_it_lists_each_allowed_value_once():
    problems = _problems(make(people=[person("P1", "甲", **{"人员类别": "退休了"})]))
    assert (
        "人员",
        2,
        "人员类别",
        "人员类别只能填：在职、离退休、外出流动、下岗失业，实际为“退休了”",
    ) in problems
