"""An office's own 整改台账 imports: merged title row, its own column order as long as the
headers match, row-level errors naming row and column, nothing written unless every row is
right, and importing it again changes nothing. The export has the same layout."""

from __future__ import annotations

import datetime as dt

import pytest
from python_calamine import CalamineWorkbook

from dudao.core.models import AuditEvent
from dudao.rectification.ledger import export_ledger, import_ledger
from dudao.rectification.models import Item

from .helpers import part, xlsx

pytestmark = pytest.mark.django_db

TITLE = ["东城区财政局党委整改台账（2005年4月）"]
# The office's own order: class before problem, the responsible leader in the middle.
HEADER = [
    "序号",
    "整改类别",
    "存在问题",
    "牵头责任人",
    "整改措施",
    "完成时限",
    "问题来源",
    "协办单位",
]
GOOD = [
    [
        1,
        "立即整改",
        "办事窗口午休无人值守",
        "王建国",
        "实行午间轮流值班",
        "2005年4月20日",
        "群众意见",
        "办公室",
    ],
    [2, "近期整改", "机关学习制度落实不严", "陈𠮷", "建立学习考勤通报", "2005-05-30", "自查", ""],
    [3, "逐步", "基层调研不够深入", "", "班子成员每季度蹲点调研", "", "督导组反馈", ""],
]


def test_it_imports_the_office_layout_and_reimport_changes_nothing(cast2005):
    p = part(cast2005)
    data = xlsx([TITLE, HEADER, *GOOD])
    outcome = import_ledger(actor=cast2005.user("liaison"), participation=p, data=data)
    assert outcome.problems == []
    assert (outcome.created, outcome.changed, outcome.unchanged) == (3, 0, 0)
    first = Item.objects.get(participation=p, number=1)
    assert first.rect_class == "immediate" and first.deadline == dt.date(2005, 4, 20)
    assert first.lead_person == cast2005.people["head"] and first.owner == cast2005.user(
        "unit_head"
    )
    assert first.source_kind == "opinion" and first.co_owners == "办公室"
    third = Item.objects.get(participation=p, number=3)
    assert third.rect_class == "gradual" and third.source_kind == "group_found"
    events = AuditEvent.objects.count()
    again = import_ledger(actor=cast2005.user("liaison"), participation=p, data=data)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 3)
    assert AuditEvent.objects.count() == events


def test_it_names_row_and_column_and_writes_nothing(cast2005):
    p = part(cast2005)
    bad = [
        GOOD[0],
        [2, "马上整改", "机关学习制度落实不严", "", "建立学习考勤通报", "2005-05-30", "", ""],
        [2, "近期整改", "", "", "措施", "2005-13-01", "", ""],
    ]
    outcome = import_ledger(
        actor=cast2005.user("liaison"), participation=p, data=xlsx([TITLE, HEADER, *bad])
    )
    found = {(pr.row, pr.column) for pr in outcome.problems}
    assert (4, "整改类别") in found  # row 4 as Excel numbers it (title, header, row 1, row 2)
    assert (5, "序号") in found and (5, "存在问题") in found and (5, "完成时限") in found
    assert not outcome.written
    assert not Item.objects.filter(participation=p).exists()
    partial = import_ledger(
        actor=cast2005.user("liaison"),
        participation=p,
        data=xlsx([TITLE, HEADER, *bad]),
        partial=True,
    )
    assert partial.created == 1 and partial.skipped_rows == 2


def test_it_updates_a_changed_row_of_an_open_item(cast2005):
    p = part(cast2005)
    import_ledger(
        actor=cast2005.user("liaison"), participation=p, data=xlsx([TITLE, HEADER, *GOOD])
    )
    changed = [row[:] for row in GOOD]
    changed[1][4] = "建立学习考勤通报和补学制度"
    outcome = import_ledger(
        actor=cast2005.user("liaison"), participation=p, data=xlsx([TITLE, HEADER, *changed])
    )
    assert (outcome.created, outcome.changed, outcome.unchanged) == (0, 1, 2)
    assert Item.objects.get(participation=p, number=2).measures == "建立学习考勤通报和补学制度"


def test_it_refuses_a_file_without_the_headers(cast2005):
    outcome = import_ledger(
        actor=cast2005.user("liaison"),
        participation=part(cast2005),
        data=xlsx([TITLE, ["编号", "内容"], [1, "x"]]),
    )
    assert "没有找到表头" in outcome.problems[0].message


def test_it_exports_the_same_layout_which_imports_again(cast2005, client):
    p = part(cast2005)
    import_ledger(
        actor=cast2005.user("liaison"), participation=p, data=xlsx([TITLE, HEADER, *GOOD])
    )
    client.force_login(cast2005.user("group_member"))
    response = client.get(f"/rectification/units/{p.pk}/ledger.xlsx")
    assert response.status_code == 200
    data = response.content
    import io

    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert rows[0][0].startswith("东城区财政局整改台账　制表时间：")
    assert rows[1][:4] == ["序号", "整改层级", "存在问题", "问题来源"]
    outcome = import_ledger(actor=cast2005.user("liaison"), participation=p, data=data)
    assert outcome.problems == [] and outcome.unchanged == 3
    items = Item.objects.filter(participation=p).order_by("number")
    assert export_ledger(p, items)[:2] == b"PK"


def test_it_imports_through_the_page(cast2005, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    p = part(cast2005)
    client.force_login(cast2005.user("unit_head"))
    upload = SimpleUploadedFile("台账.xlsx", xlsx([TITLE, HEADER, *GOOD]))
    page = client.post(f"/rectification/units/{p.pk}/import/", {"file": upload}, follow=True)
    assert "新增 3 项" in page.content.decode()
