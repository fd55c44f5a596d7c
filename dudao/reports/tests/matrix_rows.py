"""This app's rows of the access matrix (dudao.testing.matrix)."""

from __future__ import annotations

from dudao.testing.matrix import GROUP1, READ_ALL, UNIT_A, Row

ADMIN = {"admin"}
READERS = READ_ALL | GROUP1 | UNIT_A | {"inspector"} | ADMIN
OFFICE_DOCS = READ_ALL | ADMIN
# Unit A's records: the inspector's departments do not include unit A (404 for him).
UNIT_A_READERS = READERS - {"inspector"}


def _part(c):
    from dudao.campaigns.models import Participation

    return Participation.objects.get(campaign=c.campaign, unit=c.unit_a)


def _c(c):
    return c.campaign.pk


def _bulletin(c):
    import datetime as dt

    from dudao.reports.actions import create_bulletin

    return create_bulletin(
        actor=c.user("office"), campaign=c.campaign, issued_on=dt.date(2005, 2, 1), token="matrix"
    )


BULLETIN_WRITERS = {"office", "admin"}

ROWS = [
    Row(
        "统计报表首页",
        "reports:home",
        lambda c: "/reports/",
        READERS | {"secretary", "member", "outsider"},
        shows=lambda c: "统计报表",
    ),
    Row(
        "活动统计报表",
        "reports:campaign",
        lambda c: f"/reports/campaigns/{_c(c)}/",
        READERS,
        shows=lambda c: "导出统计表",
    ),
    Row(
        "统计表导出",
        "reports:export",
        lambda c: f"/reports/campaigns/{_c(c)}/tallies.xlsx",
        READERS,
    ),
    Row(
        "图表数据导出",
        "reports:chart_export",
        lambda c: f"/reports/campaigns/{_c(c)}/charts/phases.xlsx",
        READERS,
    ),
    Row(
        "统计项分组",
        "reports:figure",
        lambda c: f"/reports/campaigns/{_c(c)}/figures/forums/",
        READERS,
        shows=lambda c: "按督导组",
    ),
    Row(
        "统计项单位",
        "reports:figure_units",
        lambda c: f"/reports/campaigns/{_c(c)}/figures/forums/units/",
        READERS,
        shows=lambda c: "征求意见座谈会",
    ),
    Row(
        "统计项明细",
        "reports:figure_unit",
        lambda c: f"/reports/campaigns/{_c(c)}/figures/forums/units/{_part(c).pk}/",
        UNIT_A_READERS,
        shows=lambda c: "东城区财政局",
    ),
    Row(
        "统计项明细导出",
        "reports:figure_unit_export",
        lambda c: f"/reports/campaigns/{_c(c)}/figures/forums/units/{_part(c).pk}/records.xlsx",
        UNIT_A_READERS,
    ),
    Row(
        "简报",
        "reports:document",
        lambda c: f"/reports/campaigns/{_c(c)}/documents/bulletin.docx",
        OFFICE_DOCS,
    ),
    Row(
        "简报列表",
        "reports:bulletins",
        lambda c: f"/reports/campaigns/{_bulletin(c).campaign_id}/bulletins/",
        OFFICE_DOCS,
        shows=lambda c: "第1期",
        post=lambda c: {"issued_on": "2005-02-08", "token": "matrix-new"},
        post_allowed=BULLETIN_WRITERS,
    ),
    Row(
        "一期简报",
        "reports:bulletin",
        lambda c: f"/reports/bulletins/{_bulletin(c).pk}/",
        OFFICE_DOCS,
        post=lambda c: {
            "masthead": "矩阵简报",
            "sponsor": "办公室",
            "issued_on": "2005-02-01",
            "new_title": "矩阵",
            "new_text": "矩阵测试",
        },
        post_allowed=BULLETIN_WRITERS,
    ),
    Row(
        "印发简报",
        "reports:bulletin_issue",
        lambda c: f"/reports/bulletins/{_bulletin(c).pk}/issue/",
        set(),
        post=lambda c: {"version": ""},
        post_allowed=BULLETIN_WRITERS,
        post_only=True,
    ),
    Row(
        "简报文件",
        "reports:bulletin_file",
        lambda c: f"/reports/bulletins/{_bulletin(c).pk}/bulletin.docx",
        OFFICE_DOCS,
    ),
]
