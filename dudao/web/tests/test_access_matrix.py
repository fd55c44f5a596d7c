"""Every page and API endpoint, as every role and as an anonymous visitor: allowed → 200 with
the object's data on it; denied → 404 (never 403, never a leak). Object ids include what belongs
to someone else.

To cover a new page, add one ``Row`` to ROWS: a name, a function building the URL from the test
cast (it may create the objects it needs), the set of roles that may open it (names from
``dudao.testing.ROLES``; OFFICE for manage-only pages) and, optionally, a function giving a
text the allowed page must show and a denied one must not. Example for a set-up page::

    Row("setup", lambda c: f"/campaigns/{c.campaign.pk}/setup/", OFFICE, lambda c: c.campaign.name),
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from dudao.testing import ROLES

pytestmark = pytest.mark.django_db

ALL = set(ROLES)
OFFICE = {"office"}
READ_ALL = {"office", "leading"}
GROUP1 = {"group_leader", "group_member"}
UNIT_A = {"unit_head", "liaison"}


@dataclass
class Row:
    name: str
    url: Callable
    allowed: set
    shows: Callable | None = None  # text the allowed response must contain
    api: bool = False


def _other_campaign(c):
    """A second campaign over another city: nobody in the cast has a role in it."""
    import datetime as dt

    from dudao.campaigns import actions as campaign_actions

    other = campaign_actions.create_campaign(
        actor=None,
        template=c.campaign.template,
        root=c.unit_d.parent,
        name="外市教育活动",
        short_name="外市活动",
        start_date=dt.date(2005, 7, 1),
    )
    campaign_actions.enrol_unit(
        actor=None, campaign=other, batch=other.batches.get(number=1), unit=c.unit_d
    )
    return other


RECORDS_READ = READ_ALL | GROUP1 | UNIT_A


def _part(c, unit=None):
    from dudao.campaigns.models import Participation

    return Participation.objects.get(campaign=c.campaign, unit=unit or c.unit_a)


def _application(c):
    from dudao.transitions.actions import apply_for_transition

    return apply_for_transition(
        actor=c.user("unit_head"), participation=_part(c), summary="阶段小结"
    )


def _review_doc(c, *, personal=False):
    from django.utils import timezone

    from dudao.reviews.models import Document, DocumentVersion

    p = c.campaign.participations.get(unit=c.unit_a)
    doc = Document.objects.create(
        campaign=c.campaign,
        participation=p,
        kind="implementation_plan",
        phase=p.current_phase,
        author=c.people["member"] if personal else None,
        title="矩阵测试文书-个人" if personal else "矩阵测试文书",
        status="submitted",
        created_by=c.users["admin"],
    )
    for n in (1, 2):
        DocumentVersion.objects.create(
            document=doc,
            number=n,
            text=f"第{n}稿正文",
            char_count=4,
            submitted_by=c.users["admin"],
            submitted_at=timezone.now(),
        )
    return doc


def _pa(c, unit="unit_a"):
    from dudao.campaigns.models import Participation

    return Participation.objects.get(campaign=c.campaign, unit=getattr(c, unit)).pk


ROWS = [
    Row("home", lambda c: "/", ALL, lambda c: "督导通"),
    Row(
        "overview",
        lambda c: f"/campaigns/{c.campaign.pk}/overview/",
        READ_ALL | GROUP1 | UNIT_A | {"inspector"},
        lambda c: "单位总览",
    ),
    Row(
        "overview of another campaign",
        lambda c: f"/campaigns/{_other_campaign(c).pk}/overview/",
        set(),
        lambda c: "外市某局",
    ),
    Row(
        "overview export",
        lambda c: f"/campaigns/{c.campaign.pk}/overview/export.xlsx",
        READ_ALL | GROUP1 | UNIT_A | {"inspector"},
    ),
    Row(
        "unit A",
        lambda c: f"/units/{c.unit_a.pk}/",
        READ_ALL | GROUP1 | UNIT_A,
        lambda c: c.unit_a.name,
    ),
    Row("unit B (group2)", lambda c: f"/units/{c.unit_b.pk}/", READ_ALL, lambda c: c.unit_b.name),
    Row(
        "unit C (inspected)",
        lambda c: f"/units/{c.unit_c.pk}/",
        READ_ALL | {"inspector"},
        lambda c: c.unit_c.name,
    ),
    Row("unit D (outside)", lambda c: f"/units/{c.unit_d.pk}/", set()),
    Row("unit: a branch id", lambda c: f"/units/{c.branch_a1.pk}/", set()),
    Row("group1", lambda c: f"/groups/{c.group1.pk}/", READ_ALL | GROUP1, lambda c: c.group1.name),
    Row("group2", lambda c: f"/groups/{c.group2.pk}/", READ_ALL, lambda c: c.group2.name),
    Row(
        "branch A1",
        lambda c: f"/orgs/{c.branch_a1.pk}/",
        READ_ALL | GROUP1 | UNIT_A | {"secretary"},
        lambda c: c.branch_a1.name,
    ),
    Row(
        "branch A2",
        lambda c: f"/orgs/{c.branch_a2.pk}/",
        READ_ALL | GROUP1 | UNIT_A,
        lambda c: c.branch_a2.name,
    ),
    Row("branch B1", lambda c: f"/orgs/{c.branch_b1.pk}/", READ_ALL, lambda c: c.branch_b1.name),
    Row(
        "department",
        lambda c: f"/orgs/{c.department.pk}/",
        READ_ALL | {"inspector"},
        lambda c: c.department.name,
    ),
    Row("branch D1 (outside)", lambda c: f"/orgs/{c.branch_d1.pk}/", set()),
    Row(
        "person: member",
        lambda c: f"/people/{c.people['member'].pk}/",
        READ_ALL | GROUP1 | UNIT_A | {"member"},
        lambda c: c.people["member"].name,
    ),
    Row(
        "person: secretary's branch",
        lambda c: f"/people/{c.people['liaison'].pk}/",
        READ_ALL | GROUP1 | UNIT_A | {"secretary", "liaison"},
        lambda c: c.people["liaison"].name,
    ),
    Row(
        "person: unit B",
        lambda c: f"/people/{c.people['b_member'].pk}/",
        READ_ALL,
        lambda c: c.people["b_member"].name,
    ),
    Row(
        "person: unit C",
        lambda c: f"/people/{c.people['group_leader'].pk}/",
        READ_ALL | {"inspector", "group_leader"},
        lambda c: c.people["group_leader"].name,
    ),
    Row("person: outside", lambda c: f"/people/{c.people['d_member'].pk}/", set()),
    # API
    Row("api me", lambda c: "/api/me", ALL, api=True),
    Row("api campaigns", lambda c: "/api/campaigns", ALL, api=True),
    Row(
        "api campaign",
        lambda c: f"/api/campaigns/{c.campaign.pk}",
        READ_ALL | GROUP1 | UNIT_A | {"inspector"},
        lambda c: c.campaign.short_name,
        api=True,
    ),
    Row(
        "api another campaign", lambda c: f"/api/campaigns/{_other_campaign(c).pk}", set(), api=True
    ),
    Row(
        "api another campaign's participations",
        lambda c: f"/api/campaigns/{_other_campaign(c).pk}/participations",
        set(),
        api=True,
    ),
    Row(
        "api participations",
        lambda c: f"/api/campaigns/{c.campaign.pk}/participations",
        READ_ALL | GROUP1 | UNIT_A | {"inspector"},
        api=True,
    ),
    Row(
        "api unit A",
        lambda c: f"/api/units/{c.unit_a.pk}",
        READ_ALL | GROUP1 | UNIT_A,
        lambda c: c.unit_a.name,
        api=True,
    ),
    Row(
        "api unit B",
        lambda c: f"/api/units/{c.unit_b.pk}",
        READ_ALL,
        lambda c: c.unit_b.name,
        api=True,
    ),
    Row("api unit D", lambda c: f"/api/units/{c.unit_d.pk}", set(), api=True),
    Row(
        "api group1",
        lambda c: f"/api/groups/{c.group1.pk}",
        READ_ALL | GROUP1,
        lambda c: c.group1.name,
        api=True,
    ),
    Row("api group2", lambda c: f"/api/groups/{c.group2.pk}", READ_ALL, api=True),
    Row(
        "api person member",
        lambda c: f"/api/people/{c.people['member'].pk}",
        READ_ALL | GROUP1 | UNIT_A | {"member"},
        lambda c: c.people["member"].name,
        api=True,
    ),
    Row("api person outside", lambda c: f"/api/people/{c.people['d_member'].pk}", set(), api=True),
    # Campaign set-up and imports: the office only (the leading group reads but does not manage).
    Row("campaign new", lambda c: "/campaigns/new/", OFFICE, lambda c: "新建活动"),
    Row(
        "campaign setup",
        lambda c: f"/campaigns/{c.campaign.pk}/setup/",
        OFFICE,
        lambda c: "活动设置",
    ),
    Row("setup of another campaign", lambda c: f"/campaigns/{_other_campaign(c).pk}/setup/", set()),
    Row(
        "group new",
        lambda c: f"/campaigns/{c.campaign.pk}/groups/new/",
        OFFICE,
        lambda c: "新建督导组",
    ),
    Row(
        "group edit",
        lambda c: f"/campaigns/{c.campaign.pk}/groups/{c.group1.pk}/edit/",
        OFFICE,
        lambda c: c.group1.name,
    ),
    Row(
        "units enrolment",
        lambda c: f"/campaigns/{c.campaign.pk}/units/",
        OFFICE,
        lambda c: "参加单位",
    ),
    Row(
        "inspection group edit",
        lambda c: f"/campaigns/{c.campaign.pk}/inspection-groups/{c.inspection.pk}/edit/",
        OFFICE,
        lambda c: "调整第一巡回检查组",
    ),
    Row("people search", lambda c: f"/campaigns/{c.campaign.pk}/people-search/?q=王", OFFICE),
    Row("roster import", lambda c: "/imports/roster/", OFFICE, lambda c: "导入组织和人员名册"),
    Row("roster template", lambda c: "/imports/roster/template.xlsx", OFFICE),
    Row(
        "setup import",
        lambda c: f"/imports/setup/{c.campaign.pk}/",
        OFFICE,
        lambda c: "导入活动设置",
    ),
    Row("setup template", lambda c: f"/imports/setup/{c.campaign.pk}/template.xlsx", OFFICE),
    Row(
        "setup import, other campaign", lambda c: f"/imports/setup/{_other_campaign(c).pk}/", set()
    ),
    # records (dudao/records)
    Row(
        "records hub",
        lambda c: f"/records/{_pa(c)}/",
        RECORDS_READ | {"secretary"},
        lambda c: c.unit_a.name,
    ),
    Row(
        "records hub, unit B",
        lambda c: f"/records/{_pa(c, 'unit_b')}/",
        READ_ALL,
        lambda c: c.unit_b.name,
    ),
    Row(
        "records: my records",
        lambda c: f"/records/{_pa(c)}/me/",
        UNIT_A | {"secretary", "member"},
        lambda c: "我的学习记录",
    ),
    Row(
        "records: member hours",
        lambda c: f"/records/{_pa(c)}/hours/",
        RECORDS_READ,
        lambda c: c.people["retired"].name,
    ),
    Row(
        "records: member hours export",
        lambda c: f"/records/{_pa(c)}/hours/export.xlsx",
        RECORDS_READ,
    ),
    Row(
        "records: sessions",
        lambda c: f"/records/{_pa(c)}/sessions/",
        RECORDS_READ | {"secretary"},
        lambda c: "学习记录",
    ),
    Row(
        "records: sessions export",
        lambda c: f"/records/{_pa(c)}/sessions/export.xlsx",
        RECORDS_READ | {"secretary"},
    ),
    Row(
        "records: session new",
        lambda c: f"/records/{_pa(c)}/sessions/new/",
        UNIT_A | {"secretary"},
        lambda c: "参加人员",
    ),
    Row(
        "records: meetings",
        lambda c: f"/records/{_pa(c)}/meetings/",
        RECORDS_READ | {"secretary"},
        lambda c: "会议记录",
    ),
    Row(
        "records: meeting new",
        lambda c: f"/records/{_pa(c)}/meetings/new/",
        UNIT_A | {"secretary"},
        lambda c: "登记会议",
    ),
    Row(
        "records: tests", lambda c: f"/records/{_pa(c)}/tests/", RECORDS_READ, lambda c: "知识检测"
    ),
    Row(
        "records: test new",
        lambda c: f"/records/{_pa(c)}/tests/new/",
        UNIT_A,
        lambda c: "登记知识检测",
    ),
    Row(
        "records: activities",
        lambda c: f"/records/{_pa(c)}/activities/",
        RECORDS_READ,
        lambda c: "好人好事",
    ),
    Row(
        "records: exemptions",
        lambda c: f"/records/{_pa(c)}/exemptions/",
        RECORDS_READ,
        lambda c: "免于要求",
    ),
    Row(
        "records: exemption new",
        lambda c: f"/records/{_pa(c)}/exemptions/new/",
        UNIT_A,
        lambda c: "情况说明",
    ),
    Row(
        "records: talks", lambda c: f"/records/{_pa(c)}/talks/", RECORDS_READ, lambda c: "谈心谈话"
    ),
    Row(
        "records: study notes",
        lambda c: f"/records/{_pa(c)}/notes/",
        RECORDS_READ,
        lambda c: c.people["retired"].name,
    ),
    Row(
        "records: study note new",
        lambda c: f"/records/{_pa(c)}/notes/new/",
        UNIT_A | {"secretary", "member"},
        lambda c: "学习心得",
    ),
    Row(
        "records: attendance import",
        lambda c: f"/records/{_pa(c)}/import/attendance/",
        UNIT_A,
        lambda c: "导入学习记录和出勤",
    ),
    Row(
        "records: attendance template",
        lambda c: f"/records/{_pa(c)}/import/attendance/template.xlsx",
        UNIT_A,
    ),
    # transitions (dudao/transitions)
    Row(
        "transition report A",
        lambda c: f"/transitions/report/{_part(c).pk}/",
        READ_ALL | GROUP1 | UNIT_A,
        lambda c: "转段要求核查",
    ),
    Row(
        "transition report B",
        lambda c: f"/transitions/report/{_part(c, c.unit_b).pk}/",
        READ_ALL,
        lambda c: c.unit_b.name,
    ),
    Row(
        "transition report C",
        lambda c: f"/transitions/report/{_part(c, c.unit_c).pk}/",
        READ_ALL | {"inspector"},
        lambda c: c.unit_c.name,
    ),
    Row(
        "transition timeline A",
        lambda c: f"/transitions/timeline/{_part(c).pk}/",
        READ_ALL | GROUP1 | UNIT_A,
        lambda c: "阶段进程",
    ),
    Row(
        "transition unit page A",
        lambda c: f"/transitions/units/{_part(c).pk}/",
        UNIT_A,
        lambda c: "提出转段申请",
    ),
    Row(
        "transition unit page B",
        lambda c: f"/transitions/units/{_part(c, c.unit_b).pk}/",
        set(),
        lambda c: c.unit_b.name,
    ),
    Row(
        "transition application A",
        lambda c: f"/transitions/applications/{_application(c).pk}/",
        READ_ALL | GROUP1 | UNIT_A,
        lambda c: "阶段小结",
    ),
    Row(
        "transition extension A",
        lambda c: f"/transitions/units/{_part(c).pk}/extension/",
        GROUP1,
        lambda c: "建议延长阶段",
    ),
    Row(
        "transition group1",
        lambda c: f"/transitions/groups/{c.group1.pk}/",
        READ_ALL | GROUP1,
        lambda c: "转段审核",
    ),
    Row(
        "transition group2",
        lambda c: f"/transitions/groups/{c.group2.pk}/",
        READ_ALL,
        lambda c: c.group2.name,
    ),
    Row(
        "transition dashboard",
        lambda c: f"/transitions/campaigns/{c.campaign.pk}/",
        READ_ALL,
        lambda c: "转段总览",
    ),
    Row(
        "transition dashboard, other campaign",
        lambda c: f"/transitions/campaigns/{_other_campaign(c).pk}/",
        set(),
    ),
    # surveys (dudao/surveys)
    Row(
        "surveys campaign",
        lambda c: f"/surveys/campaigns/{c.campaign.pk}/",
        READ_ALL | GROUP1 | UNIT_A | {"inspector"},
        lambda c: "测评结果",
    ),
    Row(
        "surveys unit A",
        lambda c: f"/surveys/units/{_part(c).pk}/",
        READ_ALL | GROUP1 | UNIT_A,
        lambda c: c.unit_a.name,
    ),
    Row(
        "surveys unit B",
        lambda c: f"/surveys/units/{_part(c, c.unit_b).pk}/",
        READ_ALL,
        lambda c: c.unit_b.name,
    ),
    # reviews (dudao/reviews)
    Row(
        "review_detail",
        lambda c: f"/reviews/{_review_doc(c).pk}/",
        READ_ALL | GROUP1 | UNIT_A,
        lambda c: "矩阵测试文书",
    ),
    Row(
        "review_detail_personal",
        lambda c: f"/reviews/{_review_doc(c, personal=True).pk}/",
        READ_ALL | GROUP1 | UNIT_A | {"member"},
        lambda c: "矩阵测试文书-个人",
    ),
    Row(
        "review_diff",
        lambda c: f"/reviews/{_review_doc(c).pk}/diff/",
        READ_ALL | GROUP1 | UNIT_A,
        lambda c: "第1稿 → 第2稿",
    ),
    Row(
        "review_list",
        lambda c: f"/reviews/c/{c.campaign.pk}/",
        READ_ALL | GROUP1 | UNIT_A | {"member", "secretary"},
    ),
    Row(
        "review_new",
        lambda c: f"/reviews/c/{c.campaign.pk}/new/",
        UNIT_A | GROUP1 | {"member", "secretary"},
        lambda c: "提交文书",
    ),
    Row(
        "review_copies",
        lambda c: f"/reviews/c/{c.campaign.pk}/copies/",
        READ_ALL | GROUP1,
        lambda c: "雷同文书检测",
    ),
    Row(
        "review_load",
        lambda c: f"/reviews/c/{c.campaign.pk}/load/",
        READ_ALL | GROUP1,
        lambda c: "审阅字数",
    ),
    Row(
        "review_references",
        lambda c: f"/reviews/c/{c.campaign.pk}/references/",
        OFFICE,
        lambda c: "比对参考文本",
    ),
    Row("review_other_campaign", lambda c: f"/reviews/c/{_other_campaign(c).pk}/", set()),
]


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_it_allows_exactly_the_roles_in_scope(client, cast, row):
    url = row.url(cast)
    wrong = []
    for role in ROLES:
        client.force_login(cast.user(role))
        response = client.get(url)
        expected = 200 if role in row.allowed else 404
        if response.status_code != expected:
            wrong.append(f"{role}: {response.status_code} (expected {expected})")
            continue
        if expected == 200 and row.shows is not None:
            if row.api:
                body = json.dumps(response.json(), ensure_ascii=False)
            else:
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                ).decode()
            if row.shows(cast) not in body:
                wrong.append(f"{role}: 200 but the page does not show {row.shows(cast)!r}")
        if expected == 404 and row.shows is not None:
            assert row.shows(cast) not in response.content.decode(), (
                f"{role} 404 page leaks the name"
            )
    assert not wrong, f"{url}: " + "; ".join(wrong)


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_it_asks_anonymous_visitors_to_log_in(client, cast, row):
    response = client.get(row.url(cast))
    if row.api:
        assert response.status_code == 401
    else:
        assert response.status_code == 302 and response["Location"].startswith("/login/")
