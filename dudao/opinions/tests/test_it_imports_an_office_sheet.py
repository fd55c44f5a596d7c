"""Excel import in an office's layout (issue 12 §1): title rows, the header found wherever it
is, GBK csv, every bad row named, nothing imported unless told, re-import idempotent; export."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from dudao.core.models import AuditEvent
from dudao.opinions import similarity
from dudao.opinions.models import Opinion, OpinionBand
from dudao.opinions.workbook import import_opinions

from .helpers import part, xlsx

pytestmark = pytest.mark.django_db

HEADER = ["序号", "日期", "征求渠道", "提出人类别", "意见对象", "所提个人", "意见内容"]
GOOD = [
    HEADER,
    [1, "2014-03-10", "座谈会", "服务对象", "领导班子", "", "会议多、文件多，基层疲于应付"],
    [2, "2014年3月11日", "意见箱", "匿名", "单位党组织", "", "办事窗口中午无人值守"],
    [3, "2014.3.12", "个别谈话", "党员", "个人", "陈𠮷", "陈同志下基层少"],
]


def _import(cast, data, **kw):
    return import_opinions(actor=cast.user("liaison"), participation=part(cast), data=data, **kw)


def test_it_imports_a_sheet_with_a_title_row_and_resolves_the_member(cast2014):
    out = _import(cast2014, xlsx(GOOD))
    assert out.written and out.created == 3 and not out.problems
    o = Opinion.objects.get(import_key="n:3")
    assert o.target_person == cast2014.people["member"] and o.channel == "talk"
    # The band keys are on the row, equal to the text's own; no suggestion-index row is
    # written for an opinion nobody has classified yet.
    assert similarity.unpack(o.bands) == similarity.band_keys(o.text)
    assert len(o.bands) == 8 * similarity.BANDS
    assert not OpinionBand.objects.filter(opinion=o).exists()
    assert AuditEvent.objects.filter(action="opinions.import").count() == 1


def test_reimporting_the_same_file_changes_nothing(cast2014):
    _import(cast2014, xlsx(GOOD))
    events = AuditEvent.objects.count()
    again = _import(cast2014, xlsx(GOOD))
    assert (again.created, again.changed, again.unchanged) == (0, 0, 3)
    assert Opinion.objects.count() == 3 and AuditEvent.objects.count() == events
    changed = [row[:] for row in GOOD]
    changed[1][6] = "会议多、文件多，基层疲于应付，建议精简"
    out = _import(cast2014, xlsx(changed))
    assert (out.created, out.changed, out.unchanged) == (0, 1, 2)
    assert Opinion.objects.get(import_key="n:1").text.endswith("建议精简")


def test_a_sheet_without_numbers_is_matched_on_content(cast2014):
    rows = [r[1:] for r in GOOD]
    assert _import(cast2014, xlsx(rows)).created == 3
    assert _import(cast2014, xlsx(rows)).unchanged == 3
    assert Opinion.objects.count() == 3


def test_every_bad_row_is_named_and_nothing_is_imported(cast2014):
    bad = [
        HEADER,
        [1, "2014-03-10", "座谈会", "服务对象", "领导班子", "", "正常的一条意见"],
        [2, "2014-13-40", "座谈会", "服务对象", "领导班子", "", "日期错"],
        [3, "2014-03-10", "飞鸽传书", "服务对象", "领导班子", "", "渠道错"],
        [4, "2014-03-10", "座谈会", "服务对象", "个人", "查无此人", "找不到人"],
        [5, "2014-03-10", "座谈会", "服务对象", "领导班子", "", ""],
        [1, "2014-03-10", "座谈会", "服务对象", "领导班子", "", "序号重复"],
    ]
    out = _import(cast2014, xlsx(bad))
    assert not out.written and Opinion.objects.count() == 0
    where = {(p.row, p.column) for p in out.problems}
    # Row 1 is the title, row 2 the header: the data starts at row 3.
    assert where == {(4, "日期"), (5, "征求渠道"), (6, "所提个人"), (7, "意见内容"), (8, "序号")}
    texts = " ".join(p.message for p in out.problems)
    assert "查无此人" in texts and "与第 3 行序号重复" in texts and "征求渠道只能填" in texts
    partial = _import(cast2014, xlsx(bad), partial=True)
    assert partial.written and partial.created == 1 and partial.skipped_rows == 5


def test_it_reads_a_gbk_csv(cast2014):
    text = "\n".join(
        [
            "东城区财政局征求意见汇总表",
            "日期,征求渠道,意见对象,意见内容",
            "2014-03-10,热线电话,领导班子,公车私用现象仍有发生",
        ]
    )
    out = _import(cast2014, text.encode("gbk"))
    assert out.created == 1 and Opinion.objects.get().channel == "hotline"


def test_a_sheet_without_the_header_says_which_columns_it_needs(cast2014):
    out = _import(cast2014, xlsx([["姓名", "电话"], ["张三", "123"]], title=None))
    assert not out.written and "意见内容" in out.problems[0].message


def test_the_export_has_the_register_with_counts_and_feedback(cast2014, client):
    _import(cast2014, xlsx(GOOD))
    client.force_login(cast2014.user("group_leader"))
    response = client.get(f"/opinions/units/{part(cast2014).pk}/opinions.xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.values)[1:]  # below the title row (what, whose, when)
    assert rows[0][0] == "序号" and "同类意见条数" in rows[0]
    assert [r[7] for r in rows[1:]] == [g[6] for g in GOOD[1:]]


def test_the_import_page_lists_the_errors(cast2014, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(cast2014.user("liaison"))
    bad = [HEADER, [1, "昨天", "座谈会", "服务对象", "领导班子", "", "一条"]]
    page = client.post(
        f"/opinions/units/{part(cast2014).pk}/import/",
        {"file": SimpleUploadedFile("意见.xlsx", xlsx(bad))},
    ).content.decode()
    assert "第 3 行" in page and "无法识别的日期" in page and "未导入任何意见" in page
