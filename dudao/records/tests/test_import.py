"""Excel import of attendance and test scores: a good file, a malformed one naming every bad
row, a wrong file type, and re-import of the same file changing nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from dudao.core.models import AuditEvent
from dudao.imports.excel import FileRejected
from dudao.records import actions, importing
from dudao.records.models import Attendance, StudySession
from dudao.records.models import TestResult as ScoreRow

pytestmark = pytest.mark.django_db


def _xlsx(sheets: dict[str, list[list]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


SESSIONS = ["序号", "日期", "学习形式", "学时", "主题", "主讲人", "开始时间", "结束时间"]


def _good(cast) -> bytes:
    p = cast.people
    return _xlsx(
        {
            "学习记录": [
                SESSIONS,
                [1, dt.date(2005, 1, 29), "集中学习培训", 4, "学习党章", "王建国", None, None],
                [
                    2,
                    "2005年1月31日",
                    "专题讨论",
                    "２",
                    "如何发挥先锋模范作用",
                    "",
                    "19:00",
                    "21:00",
                ],
                [3],  # a numbered row left empty
            ],
            "出勤": [
                ["人员编号", "姓名", "1", "2", "3"],
                [p["head"].code, p["head"].name, "✓", "√", None],
                [p["member"].code, p["member"].name, 1, 1.5, None],
                ["", p["liaison"].name, "√", None, None],
                [p["away"].code, p["away"].name, None, None, None],
            ],
        }
    )


def test_it_imports_sessions_and_the_attendance_matrix(cast, pa):
    outcome = importing.import_attendance(
        actor=cast.user("liaison"), participation=pa, data=_good(cast)
    )
    assert outcome.imported and not outcome.problems and outcome.created == 2
    s1 = StudySession.objects.get(topic="学习党章")
    s2 = StudySession.objects.get(topic="如何发挥先锋模范作用")
    assert (s1.kind, s1.hours, s1.off_hours) == ("concentrated", Decimal("4.0"), True)
    assert (s2.kind, s2.hours, s2.off_hours, s2.start_time) == (
        "discussion",
        Decimal("2.0"),
        True,
        dt.time(19, 0),
    )
    hours = {(a.session_id, a.person_id): a.hours for a in Attendance.objects.all()}
    p = cast.people
    assert hours == {
        (s1.pk, p["head"].pk): Decimal("4.0"),
        (s1.pk, p["member"].pk): Decimal("4.0"),
        (s1.pk, p["liaison"].pk): Decimal("4.0"),
        (s2.pk, p["head"].pk): Decimal("2.0"),
        (s2.pk, p["member"].pk): Decimal("1.5"),
    }


def test_reimporting_the_same_file_changes_nothing(cast, pa):
    data = _good(cast)
    importing.import_attendance(actor=cast.user("liaison"), participation=pa, data=data)
    versions = dict(StudySession.objects.values_list("pk", "version"))
    attendance = set(Attendance.objects.values_list("session_id", "person_id", "hours"))
    events = AuditEvent.objects.count()
    again = importing.import_attendance(actor=cast.user("liaison"), participation=pa, data=data)
    assert again.imported and (again.created, again.changed, again.unchanged) == (0, 0, 2)
    assert dict(StudySession.objects.values_list("pk", "version")) == versions
    assert set(Attendance.objects.values_list("session_id", "person_id", "hours")) == attendance
    assert AuditEvent.objects.count() == events


def test_a_malformed_file_names_every_bad_row_and_imports_nothing(cast, pa):
    p = cast.people
    data = _xlsx(
        {
            "学习记录": [
                SESSIONS,
                [1, "2005-02-30", "集中学习培训", 4, "学习党章"],  # no such date
                [2, "2005-02-01", "唱歌", 2, "联欢"],  # not a template kind
                [3, "2005-02-02", "专题讨论", 30, "讨论"],  # too many hours
                [4, "2005-02-03", "党课", 2, ""],  # no topic
                [5, "2005-02-04", "党课", 2, "党课一"],  # good
            ],
            "出勤": [
                ["人员编号", "姓名", "1", "5"],
                [p["head"].code, p["head"].name, "✓", "✓"],
                ["P-nobody", "无名氏", None, "✓"],  # unknown code
                [p["b_member"].code, p["b_member"].name, None, "✓"],  # another unit
                [p["member"].code, "张三", None, "✓"],  # name does not match code
                [p["liaison"].code, p["liaison"].name, None, "好"],  # not a tick
                [p["retired"].code, p["retired"].name, None, 3],  # more than the session
            ],
        }
    )
    outcome = importing.import_attendance(actor=cast.user("liaison"), participation=pa, data=data)
    assert not outcome.imported
    assert not StudySession.objects.exists()
    found = {(e.sheet, e.row, e.column) for e in outcome.problems}
    assert found == {
        ("学习记录", 2, "日期"),
        ("学习记录", 3, "学习形式"),
        ("学习记录", 4, "学时"),
        ("学习记录", 5, "主题"),
        ("出勤", 3, "人员编号"),
        ("出勤", 4, "人员编号"),
        ("出勤", 5, "人员编号"),
        ("出勤", 6, "第 5 场"),
        ("出勤", 7, "第 5 场"),
    }
    messages = " ".join(e.message for e in outcome.problems)
    assert "周敏" in messages and "不是东城区财政局的党员" in messages
    assert "与姓名“张三”不符" in messages and "集中学习培训" in messages

    # The user ticks "仅导入无误的行": the good session and the good member rows go in.
    outcome = importing.import_attendance(
        actor=cast.user("liaison"), participation=pa, data=data, only_valid=True
    )
    assert outcome.imported and outcome.created == 1 and outcome.skipped_rows == 9
    session = StudySession.objects.get()
    assert session.topic == "党课一"
    assert set(Attendance.objects.values_list("person_id", flat=True)) == {p["head"].pk}


@pytest.mark.parametrize(
    "data, says",
    [
        (b"", "0 字节"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, ".xls"),
        (b"%PDF-1.4 whatever", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, "不是表格"),
    ],
)
def test_it_rejects_a_wrong_file_type_with_a_reason(cast, pa, data, says):
    with pytest.raises(FileRejected, match=says):
        importing.import_attendance(actor=cast.user("liaison"), participation=pa, data=data)


def test_a_workbook_without_the_template_sheets_is_named(cast, pa):
    outcome = importing.import_attendance(
        actor=cast.user("liaison"), participation=pa, data=_xlsx({"Sheet1": [["a"]]})
    )
    assert {e.sheet for e in outcome.problems} == {"学习记录", "出勤"}
    assert not outcome.imported


def test_the_downloaded_templates_list_the_unit_and_import_back(client, cast, pa):
    client.force_login(cast.user("liaison"))
    response = client.get(f"/records/{pa.pk}/import/attendance/template.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["学习记录", "出勤", "说明"]
    names = [r[1] for r in wb["出勤"].iter_rows(min_row=2, values_only=True)]
    assert "陈𠮷" in names and "周敏" not in names
    # Filled in as a clerk would: one session, two ticks.
    wb["学习记录"]["B2"], wb["学习记录"]["C2"] = "2005-01-29", "电教片"
    wb["学习记录"]["D2"], wb["学习记录"]["E2"] = 2, "观看先进事迹报告会录像"
    wb["出勤"]["C2"] = "✓"
    wb["出勤"]["C3"] = "✓"
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "出勤.xlsx"
    response = client.post(f"/records/{pa.pk}/import/attendance/", {"file": buf, "phase": "study"})
    assert response.status_code == 302
    assert StudySession.objects.get().kind == "video" and Attendance.objects.count() == 2


def test_the_import_page_lists_the_errors_and_a_word_file_is_refused(client, cast, pa):
    client.force_login(cast.user("liaison"))
    bad = io.BytesIO(
        _xlsx(
            {
                "学习记录": [SESSIONS, [1, "x", "集中学习培训", 4, "t"]],
                "出勤": [["人员编号", "姓名"]],
            }
        )
    )
    bad.name = "bad.xlsx"
    body = client.post(f"/records/{pa.pk}/import/attendance/", {"file": bad}).content.decode()
    assert "第 2 行" in body and "无法识别的日期" in body and "未导入任何内容" in body
    from docx import Document

    doc = Document()
    doc.add_paragraph("不是表格")
    word = io.BytesIO()
    doc.save(word)
    word.seek(0)
    word.name = "a.xlsx"
    body = client.post(f"/records/{pa.pk}/import/attendance/", {"file": word}).content.decode()
    assert "Word 文档" in body


def test_it_imports_test_scores_and_reimport_changes_nothing(cast, pa):
    p = cast.people
    test = actions.record_test(
        actor=cast.user("liaison"), participation=pa, date=dt.date(2005, 3, 1), title="百题测试"
    )
    data = _xlsx(
        {
            "成绩": [
                ["人员编号", "姓名", "成绩", "缺考原因"],
                [p["head"].code, p["head"].name, 96, None],
                [p["member"].code, p["member"].name, "８８.５", None],
                [p["away"].code, p["away"].name, None, "外出务工"],
            ]
        }
    )
    outcome = importing.import_scores(actor=cast.user("liaison"), test=test, data=data)
    assert outcome.imported and outcome.created == 3
    assert ScoreRow.objects.get(person=p["member"]).score == Decimal("88.5")
    test.refresh_from_db()
    version = test.version
    again = importing.import_scores(actor=cast.user("liaison"), test=test, data=data)
    assert again.unchanged == 3
    test.refresh_from_db()
    assert test.version == version


def test_bad_score_rows_are_each_named(cast, pa):
    p = cast.people
    test = actions.record_test(
        actor=cast.user("liaison"), participation=pa, date=dt.date(2005, 3, 1), title="百题测试"
    )
    data = _xlsx(
        {
            "成绩": [
                ["人员编号", "姓名", "成绩", "缺考原因"],
                [p["head"].code, p["head"].name, 120, None],
                [p["member"].code, p["member"].name, 80, "生病"],
                [p["away"].code, p["away"].name, None, None],
                [p["b_member"].code, p["b_member"].name, 70, None],
                [p["liaison"].code, p["liaison"].name, "优", None],
                [p["retired"].code, p["retired"].name, 75, None],
            ]
        }
    )
    outcome = importing.import_scores(actor=cast.user("liaison"), test=test, data=data)
    assert not outcome.imported and not ScoreRow.objects.exists()
    assert [(e.row, e.column) for e in outcome.problems] == [
        (2, "成绩"),
        (3, "缺考原因"),
        (4, "成绩"),
        (5, "人员编号"),
        (6, "成绩"),
    ]
    outcome = importing.import_scores(
        actor=cast.user("liaison"), test=test, data=data, only_valid=True
    )
    assert outcome.imported and list(ScoreRow.objects.values_list("person_id", flat=True)) == [
        p["retired"].pk
    ]


def test_title_rows_above_the_headers_are_skipped_and_rows_keep_their_sheet_numbers(cast, pa):
    p = cast.people
    title = ["东城区财政局党员学习记录（2005年）"]
    data = _xlsx(
        {
            "学习记录": [
                title,
                ["填报单位：东城区财政局党委"],
                SESSIONS,
                [1, dt.date(2005, 1, 29), "集中学习培训", 4, "学习党章", "王建国", None, None],
            ],
            "出勤": [
                title,
                ["人员编号", "姓名", "1"],
                [p["head"].code, p["head"].name, "✓"],
                [p["member"].code, "查无此人", "✓"],
            ],
        }
    )
    outcome = importing.import_attendance(actor=cast.user("liaison"), participation=pa, data=data)
    assert [(e.sheet, e.row) for e in outcome.problems] == [("出勤", 4)]
    test = actions.record_test(
        actor=cast.user("liaison"), participation=pa, date=dt.date(2005, 3, 1), title="百题测试"
    )
    scores = _xlsx(
        {
            "成绩": [
                ["百题测试成绩登记表"],
                ["人员编号", "姓名", "成绩", "缺考原因"],
                [p["head"].code, p["head"].name, 96, None],
            ]
        }  # fmt: skip
    )
    outcome = importing.import_scores(actor=cast.user("liaison"), test=test, data=scores)
    assert outcome.imported and outcome.created == 1
