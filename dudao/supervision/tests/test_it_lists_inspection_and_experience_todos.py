"""Issue 13 §8 for the inspection groups, the leading group and the office: what waits on them
is on their to-do list with a link to the page where it is done, and leaves the list once done.

- inspector: units under his departments not visited in the current period (since his group's
  last submitted report), findings not in force not checked again, last week's report to the
  leading group until it is submitted;
- leading group and office: inspection reports submitted and not yet marked read (已阅);
- office: typical experiences waiting on its decision (to approve, to publish); group: the ones
  returned to it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from dudao.core.todo import todo_count, todo_sections
from dudao.supervision import experiences as ex
from dudao.supervision import inspection
from dudao.supervision.actions import log_visit

from .helpers import part

pytestmark = pytest.mark.django_db


def _fresh(user):
    # The scope is cached on the user object for one request.
    return get_user_model().objects.get(pk=user.pk)


def _section(user, section) -> list:
    for title, items in todo_sections(_fresh(user)):
        if title == section:
            return items
    return []


def _titles(user, section) -> list[str]:
    return [t.title for t in _section(user, section)]


def _today():
    return timezone.localdate()


def _inspect_visit(cast, token="iv-1", on=None):
    return log_visit(
        actor=cast.user("inspector"),
        participation=part(cast, cast.unit_c),
        kind="inspection",
        happened_on=on or _today(),
        people_count=4,
        client_token=token,
    )


UNVISITED = "本检查周期尚未检查的单位"
FINDINGS = "未落实待复查的制度和机制"
DUE = "待报送领导小组的检查报告"
RECEIVED = "巡回检查组报送的检查报告"
EXPERIENCES = "典型经验"


def test_a_unit_under_the_department_waits_until_it_is_visited(cast, client):
    inspector = cast.user("inspector")
    pc = part(cast, cast.unit_c)
    [item] = _section(inspector, UNVISITED)  # unit C only: A and B are not his departments
    assert "市档案馆" in item.title
    client.force_login(inspector)
    page = client.get("/supervision/todo/").content.decode()
    assert f'href="/supervision/units/{pc.pk}/inspection/"' in page
    _inspect_visit(cast)
    assert _section(inspector, UNVISITED) == []
    # A submitted report opens a new period: the unit waits for the next visit.
    report, _ = inspection.compile_inspection_report(
        actor=inspector,
        inspection_group=cast.inspection,
        period_start=_today() - dt.timedelta(days=6),
        period_end=_today(),
    )
    inspection.save_inspection_report(
        actor=inspector, report=report, narrative="已检查", submit=True
    )
    assert "市档案馆" in _titles(inspector, UNVISITED)[0]
    for role in ("group_leader", "office", "leading", "unit_head"):
        assert _section(cast.user(role), UNVISITED) == []


def test_a_finding_not_in_force_waits_for_its_recheck(cast, client):
    inspector = cast.user("inspector")
    pc = part(cast, cast.unit_c)
    inspection.check_in_force(
        actor=inspector,
        participation=pc,
        mechanism="党员联系群众机制",
        in_force=False,
        method="个别访谈 3 人",
        note="联系台账空白",
        checked_on=_today() - dt.timedelta(days=3),
    )
    inspection.check_in_force(
        actor=inspector,
        participation=pc,
        mechanism="谈心谈话机制",
        in_force=True,
        method="查阅记录",
    )
    [item] = _section(inspector, FINDINGS)
    assert "党员联系群众机制" in item.title and item.reason == "检查意见：联系台账空白"
    client.force_login(inspector)
    assert (
        f'href="/supervision/units/{pc.pk}/inspection/"'
        in client.get("/supervision/todo/").content.decode()
    )
    # Checked again and still not in force: it keeps waiting, as the latest check.
    inspection.check_in_force(
        actor=inspector,
        participation=pc,
        mechanism="党员联系群众机制",
        in_force=False,
        method="个别访谈 2 人",
        note="仍未建立台账",
    )
    [item] = _section(inspector, FINDINGS)
    assert item.reason == "检查意见：仍未建立台账"
    inspection.check_in_force(
        actor=inspector,
        participation=pc,
        mechanism="党员联系群众机制",
        in_force=True,
        method="查阅联系台账",
    )
    assert _section(inspector, FINDINGS) == []
    assert _section(cast.user("office"), FINDINGS) == []


def test_a_regulation_not_in_force_waits_for_its_recheck(cast):
    from dudao.rectification.models import Regulation

    inspector = cast.user("inspector")
    reg = Regulation.objects.create(
        participation=part(cast, cast.unit_c),
        title="档案馆谈心谈话制度",
        adopted_on=dt.date(2005, 2, 1),
        adopted_by="馆党委",
        created_by=cast.user("admin"),
    )
    kw = {"actor": inspector, "participation": part(cast, cast.unit_c), "regulation": reg}
    inspection.check_in_force(in_force=False, method="查阅记录", note="无记录", **kw)
    assert "档案馆谈心谈话制度" in _titles(inspector, FINDINGS)[0]
    inspection.check_in_force(in_force=True, method="查阅谈话记录 4 份", **kw)
    assert _section(inspector, FINDINGS) == []


def test_last_weeks_report_is_due_until_it_is_submitted(cast, client):
    inspector = cast.user("inspector")
    monday = _today() - dt.timedelta(days=_today().weekday())
    start, end = monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)
    [item] = _section(inspector, DUE)
    assert "尚未汇总" in item.title and item.due == monday
    client.force_login(inspector)
    page = client.get("/supervision/todo/").content.decode()
    assert f'href="/supervision/inspection-groups/{cast.inspection.pk}/reports/"' in page
    report, _ = inspection.compile_inspection_report(
        actor=inspector, inspection_group=cast.inspection, period_start=start, period_end=end
    )
    assert "已汇总，待报送" in _titles(inspector, DUE)[0]
    inspection.save_inspection_report(
        actor=inspector, report=report, narrative="上周检查情况", submit=True
    )
    assert _section(inspector, DUE) == []
    for role in ("office", "leading", "group_leader"):
        assert _section(cast.user(role), DUE) == []


def test_a_submitted_report_is_received_by_the_leading_group_and_the_office(cast, client):
    inspector = cast.user("inspector")
    report, _ = inspection.compile_inspection_report(
        actor=inspector,
        inspection_group=cast.inspection,
        period_start=_today() - dt.timedelta(days=6),
        period_end=_today(),
    )
    assert _section(cast.user("leading"), RECEIVED) == []  # a draft is the group's
    inspection.save_inspection_report(actor=inspector, report=report, narrative="情况", submit=True)
    for role in ("leading", "office"):
        [item] = _section(cast.user(role), RECEIVED)
        assert "第一巡回检查组" in item.title
    client.force_login(cast.user("leading"))
    page = client.get("/supervision/todo/").content.decode()
    assert f'href="/supervision/inspection-reports/{report.pk}/"' in page
    for role in ("inspector", "group_leader", "unit_head"):
        assert _section(cast.user(role), RECEIVED) == []
    # Marked read (已阅) on the report's page: it leaves both lists.
    response = client.post(
        f"/supervision/inspection-reports/{report.pk}/",
        {"action": "acknowledge", "version": str(report.version + 1)},
        follow=True,
    )
    assert "已阅，已告知巡回检查组" in response.content.decode()
    for role in ("leading", "office"):
        assert _section(cast.user(role), RECEIVED) == []


def test_an_experience_waits_on_the_office_then_on_the_group_when_returned(cast, client):
    office, member = cast.user("office"), cast.user("group_member")
    exp, _ = ex.nominate_experience(
        actor=member,
        participation=part(cast),
        title="党员积分制管理",
        practice="按月积分、公示。",
        client_token="td-1",
    )
    assert ["东城区财政局：党员积分制管理（待审定）"] == _titles(office, EXPERIENCES)
    client.force_login(office)
    page = client.get("/supervision/todo/").content.decode()
    assert f'href="/supervision/experiences/{exp.pk}/"' in page
    assert _section(member, EXPERIENCES) == []
    exp = ex.return_experience(actor=office, experience=exp, reason="请补充成效数据")
    assert _section(office, EXPERIENCES) == []
    [item] = _section(member, EXPERIENCES)
    assert "退回修改" in item.title and item.reason == "退回理由：请补充成效数据"
    exp = ex.renominate_experience(actor=member, experience=exp)
    assert _section(member, EXPERIENCES) == []
    exp = ex.approve_experience(actor=office, experience=exp)
    assert "已审定，待发布" in _titles(office, EXPERIENCES)[0]
    ex.publish_experience(actor=office, experience=exp)
    assert _section(office, EXPERIENCES) == []
    assert _section(cast.user("unit_head"), EXPERIENCES) == []
    assert todo_count(_fresh(cast.user("unit_head"))) == 0


def test_nothing_is_due_once_the_campaign_is_finished(cast):
    from dudao.campaigns.models import CampaignStatus

    cast.campaign.status = CampaignStatus.FINISHED
    cast.campaign.save(update_fields=["status"])
    inspector = cast.user("inspector")
    assert _section(inspector, UNVISITED) == [] and _section(inspector, DUE) == []


@time_machine.travel(dt.datetime(2005, 1, 22, 2, tzinfo=dt.UTC))
def test_no_report_is_due_for_a_week_before_the_campaign(cast):
    # The cast's campaign starts on Sunday 23 January 2005: on the Saturday before, the
    # week before (10–16 January) has no report due.
    assert _section(cast.user("inspector"), DUE) == []
    assert todo_count(_fresh(cast.user("inspector"))) >= 1  # unit C still waits for a visit
