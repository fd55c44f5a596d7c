"""Excel import of any kind, one row a record: 600 criticisms or 160 forums in one file, every
bad row named with its column and what to do, nothing stored while any row is wrong unless
"仅导入无误的行", and re-importing the same file changes nothing."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from dudao.core.models import AuditEvent
from dudao.records import actions, bulk_import
from dudao.records.models import Criticism, Meeting
from dudao.records.registry import get_kind

from .conftest import SATURDAY

pytestmark = pytest.mark.django_db

CRITICISM_HEAD = ["提出人", "被批评人", "会议", "批评意见"]


def _xlsx(title: str, rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _import(cast, pa, slug, data, **kw):
    return bulk_import.import_kind(
        get_kind(slug), actor=cast.user("liaison"), participation=pa, data=data, **kw
    )


def _criticisms(cast, n: int) -> list[list]:
    people = [cast.people[k] for k in ("head", "liaison", "secretary", "member")]
    rows = [CRITICISM_HEAD]
    for i in range(n):
        critic, target = people[i % 4], people[(i + 1) % 4]
        rows.append([critic.code, target.name, "民主生活会", f"第{i + 1}条：学习不够深入"])
    return rows


def test_a_team_imports_600_criticisms_in_one_file_and_again_changes_nothing(cast, pa):
    actions.record_meeting(
        actor=cast.user("liaison"), participation=pa, kind="forum", date=SATURDAY,
        title="民主生活会",
    )  # fmt: skip
    data = _xlsx("批评意见", _criticisms(cast, 600))
    outcome = _import(cast, pa, "criticisms", data)
    assert outcome.imported and not outcome.problems, outcome.problems[:3]
    assert outcome.created == 600 and Criticism.objects.count() == 600
    assert Criticism.objects.filter(meeting__title="民主生活会").count() == 600
    events = AuditEvent.objects.count()
    again = _import(cast, pa, "criticisms", data)
    assert again.imported and again.created == 0 and again.unchanged == 600
    assert Criticism.objects.count() == 600 and AuditEvent.objects.count() == events


def test_a_unit_imports_160_forums_and_a_changed_row_edits_its_meeting(cast, pa):
    head = ["日期", "会议类型", "会议名称", "参会人数", "督导组到会"]
    rows = [head] + [
        [f"2005-02-{1 + i % 28:02d}", "征求意见座谈会", f"座谈会{i}", 20, "否"] for i in range(160)
    ]
    assert _import(cast, pa, "meetings", _xlsx("会议记录", rows)).created == 160
    rows[5][3] = 35
    outcome = _import(cast, pa, "meetings", _xlsx("会议记录", rows))
    assert (outcome.created, outcome.changed, outcome.unchanged) == (0, 1, 159)
    assert Meeting.objects.get(title="座谈会4").attendees == 35
    assert Meeting.objects.count() == 160


def test_every_bad_row_is_named_and_nothing_is_stored(cast, pa):
    people = cast.people
    rows = [
        CRITICISM_HEAD,
        [people["head"].code, people["member"].name, "", "好的一行"],
        [people["head"].code, people["head"].code, "", "批评自己"],
        ["无此人", people["member"].name, "", "提出人不存在"],
        [people["b_member"].code, people["member"].name, "", "外单位的人"],
        [people["head"].code, people["member"].name, "不存在的会", "会议不存在"],
        [people["head"].code, people["member"].name, "", ""],
        [people["head"].code, people["member"].name, "", "好的一行"],
    ]
    outcome = _import(cast, pa, "criticisms", _xlsx("批评意见", rows))
    assert not outcome.imported and Criticism.objects.count() == 0
    by_row = {p.row: p for p in outcome.problems}
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8]
    assert "同一人" in by_row[3].message
    assert by_row[4].column == "提出人" and "无此人" in by_row[4].message
    assert by_row[5].column == "提出人"
    assert by_row[6].column == "会议" and "不存在的会" in by_row[6].message
    assert by_row[7].column == "批评意见" and "请填写" in by_row[7].message
    assert "第 2 行" in by_row[8].message
    only = _import(cast, pa, "criticisms", _xlsx("批评意见", rows), only_valid=True)
    assert only.imported and only.created == 1 and only.skipped_rows == 6
    assert Criticism.objects.count() == 1


def test_a_missing_column_is_named(cast, pa):
    outcome = _import(cast, pa, "criticisms", _xlsx("批评意见", [["提出人", "批评意见"]]))
    assert [p.column for p in outcome.problems] == ["被批评人"]


def test_a_frozen_phase_takes_no_import(cast, pa):
    pa.current_phase = "analysis"
    pa.save(update_fields=["current_phase"])
    data = _xlsx("批评意见", _criticisms(cast, 2))
    with pytest.raises(Exception, match="转段已经批准"):
        _import(cast, pa, "criticisms", data, phase="study")
    assert not Criticism.objects.exists()


@pytest.mark.parametrize("slug", ["meetings", "tests", "activities", "talks", "problems",
                                  "criticisms", "exemptions"])  # fmt: skip
def test_each_kind_has_an_import_page_and_a_template(client, cast, pa, slug):
    client.force_login(cast.user("liaison"))
    page = client.get(f"/records/{pa.pk}/{slug}/import/")
    assert page.status_code == 200 and "仅导入无误的行" in page.content.decode()
    response = client.get(f"/records/{pa.pk}/{slug}/import/template.xlsx")
    wb = load_workbook(io.BytesIO(response.getvalue()))
    kind = get_kind(slug)
    assert [c.value for c in wb[kind.label][1]] == [c.header for c in kind.import_columns]
    assert "东城区财政局" in wb["说明"]["A1"].value


def test_the_import_page_imports_a_file(client, cast, pa):
    client.force_login(cast.user("liaison"))
    rows = [
        ["查摆人", "来源", "问题"],
        ["", "自己查找", "学风不实"],
        [cast.people["head"].name, "群众提出", "作风不硬"],
    ]
    data = io.BytesIO(_xlsx("查摆问题", rows))
    data.name = "problems.xlsx"
    response = client.post(f"/records/{pa.pk}/problems/import/", {"file": data, "phase": "study"})
    assert response.status_code == 302
    assert sorted(p.text for p in get_kind("problems").model.objects.all()) == [
        "作风不硬",
        "学风不实",
    ]


def test_a_title_row_above_the_header_is_skipped_and_row_numbers_are_the_sheets(cast, pa):
    actions.record_meeting(
        actor=cast.user("liaison"), participation=pa, kind="forum", date=SATURDAY,
        title="民主生活会",
    )  # fmt: skip
    rows = [["某某局领导班子民主生活会相互批评意见汇总表", None, None, None], [None] * 4]
    rows += _criticisms(cast, 3)
    rows[4][1] = "查无此人"  # sheet row 5
    outcome = _import(cast, pa, "criticisms", _xlsx("批评意见", rows))
    assert [(p.row, p.column) for p in outcome.problems] == [(5, "被批评人")]
    rows[4][1] = cast.people["head"].name
    outcome = _import(cast, pa, "criticisms", _xlsx("批评意见", rows))
    assert outcome.imported and outcome.created == 3


def test_a_sheet_without_the_header_is_refused_whole(cast, pa):
    rows = [["批评意见汇总"], ["甲", "乙", "丙"], ["1", "2", "3"]]
    outcome = _import(cast, pa, "criticisms", _xlsx("批评意见", rows))
    assert not outcome.imported and Criticism.objects.count() == 0
    assert "没有找到表头" in outcome.problems[0].message


def test_a_gbk_csv_saved_by_an_office_suite_is_read(cast, pa):
    actions.record_meeting(
        actor=cast.user("liaison"), participation=pa, kind="forum", date=SATURDAY,
        title="民主生活会",
    )  # fmt: skip
    lines = []
    for row in _criticisms(cast, 2):
        lines.append(",".join(row))
    data = ("\r\n".join(lines) + "\r\n").encode("gbk")
    outcome = _import(cast, pa, "criticisms", data)
    assert outcome.imported and outcome.created == 2, outcome.problems
    assert Criticism.objects.filter(text__startswith="第1条").count() == 1


def test_the_import_page_offers_every_spreadsheet_format(client, cast, pa):
    client.force_login(cast.user("liaison"))
    body = client.get(f"/records/{pa.pk}/criticisms/import/").content.decode()
    assert 'accept=".xlsx,.xls,.ods,.csv' in body
