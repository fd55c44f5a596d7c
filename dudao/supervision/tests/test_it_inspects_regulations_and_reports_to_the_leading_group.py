"""Issue 13 §6: an inspection group logs visits to its departments like a supervision group,
checks the regulations of the rectification registry and units' mechanisms as in force or not
(with how it checked), records exchanges of views, and reports to the leading group (compiled
from its record, once per period, exported to Word). Scoped by the access layer."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from dudao.core.errors import AccessDenied, DomainError
from dudao.core.models import AuditEvent
from dudao.rectification.models import CheckStatus, Regulation
from dudao.supervision import inspection
from dudao.supervision.access import visible_exchanges, visible_inspection_checks
from dudao.supervision.actions import log_visit
from dudao.supervision.models import InspectionReport, InspectionReportStatus

from .helpers import part

pytestmark = pytest.mark.django_db


def _regulation(cast):
    return Regulation.objects.create(
        participation=part(cast, cast.unit_c),
        title="档案馆谈心谈话制度",
        adopted_on=dt.date(2005, 2, 1),
        adopted_by="馆党委",
        created_by=cast.user("admin"),
    )


def _today():
    return timezone.localdate()


def test_the_inspector_checks_a_regulation_and_the_registry_follows(cast):
    reg = _regulation(cast)
    inspector = cast.user("inspector")
    p = part(cast, cast.unit_c)
    visit, _ = log_visit(
        actor=inspector,
        participation=p,
        kind="inspection",
        happened_on=_today(),
        people_count=6,
        client_token="i-1",
    )
    assert visit.inspection_group_id == cast.inspection.pk and visit.group_id is None
    with pytest.raises(DomainError, match="认定未落实须写明检查意见"):
        inspection.check_in_force(
            actor=inspector, participation=p, regulation=reg, in_force=False, method="查阅记录"
        )
    check = inspection.check_in_force(
        actor=inspector,
        participation=p,
        regulation=reg,
        in_force=False,
        method="查阅谈话记录 5 份",
        note="2005年以来无谈话记录",
        visit=visit,
    )
    reg.refresh_from_db()
    assert reg.check_status == CheckStatus.NOT_IN_FORCE and reg.checked_by == inspector
    assert check.method == "查阅谈话记录 5 份" and check.inspection_group_id == cast.inspection.pk
    mech = inspection.check_in_force(
        actor=inspector,
        participation=p,
        mechanism="党员联系群众机制",
        in_force=True,
        method="个别访谈 3 人",
    )
    assert mech.target == "mechanism"
    assert {"supervision.inspection_check", "rectification.check_regulation"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


@pytest.mark.parametrize("role", ["group_leader", "unit_head", "leading", "member"])
def test_only_the_inspection_group_of_the_department_checks(cast, role):
    reg = _regulation(cast)
    with pytest.raises(AccessDenied, match="巡回检查组"):
        inspection.check_in_force(
            actor=cast.user(role),
            participation=part(cast, cast.unit_c),
            regulation=reg,
            in_force=True,
            method="查阅",
        )


def test_the_inspector_cannot_check_outside_his_departments(cast):
    with pytest.raises(AccessDenied):
        inspection.record_exchange(
            actor=cast.user("inspector"),
            participation=part(cast),  # unit A is not under his department
            held_on=_today(),
            attendees="局长",
            views="意见",
        )


def test_exchanges_and_checks_are_seen_by_the_group_office_and_leading_group_only(cast):
    p = part(cast, cast.unit_c)
    inspection.record_exchange(
        actor=cast.user("inspector"),
        participation=p,
        held_on=_today(),
        attendees="馆长、党委书记",
        views="制度执行记录不全",
        response="一个月内补齐",
    )
    for role in ("inspector", "office", "leading"):
        assert visible_exchanges(cast.user(role)).count() == 1
    for role in ("group_leader", "group_member", "unit_head", "member", "outsider"):
        assert visible_exchanges(cast.user(role)).count() == 0
        assert visible_inspection_checks(cast.user(role)).count() == 0


def test_the_report_is_compiled_once_per_period_submitted_and_exported(client, cast):
    from docx import Document

    reg = _regulation(cast)
    inspector = cast.user("inspector")
    p = part(cast, cast.unit_c)
    log_visit(
        actor=inspector,
        participation=p,
        kind="inspection",
        happened_on=_today(),
        people_count=6,
        client_token="i-2",
    )
    inspection.check_in_force(
        actor=inspector,
        participation=p,
        regulation=reg,
        in_force=False,
        method="查阅谈话记录 5 份",
        note="无谈话记录",
    )
    start = _today() - dt.timedelta(days=6)
    report, created = inspection.compile_inspection_report(
        actor=inspector, inspection_group=cast.inspection, period_start=start, period_end=_today()
    )
    again, created_again = inspection.compile_inspection_report(
        actor=inspector, inspection_group=cast.inspection, period_start=start, period_end=_today()
    )
    assert created and not created_again and again.pk == report.pk
    assert InspectionReport.objects.count() == 1
    assert report.figures["visits"] == 1 and report.figures["regulations_not_in_force"] == 1
    assert report.findings[0]["what"] == "档案馆谈心谈话制度"
    with pytest.raises(AccessDenied):
        inspection.compile_inspection_report(
            actor=cast.user("group_leader"),
            inspection_group=cast.inspection,
            period_start=start,
            period_end=_today(),
        )
    with pytest.raises(DomainError, match="请先填写检查情况"):
        inspection.save_inspection_report(actor=inspector, report=report, narrative="", submit=True)
    report = inspection.save_inspection_report(
        actor=inspector,
        report=report,
        narrative="本周检查市档案馆。\n制度执行不到位。",
        submit=True,
    )
    assert report.status == InspectionReportStatus.SUBMITTED
    # A submitted report keeps what it was submitted with.
    inspection.compile_inspection_report(
        actor=inspector, inspection_group=cast.inspection, period_start=start, period_end=_today()
    )
    report.refresh_from_db()
    assert report.narrative.startswith("本周检查")
    client.force_login(cast.user("leading"))
    response = client.get(f"/supervision/inspection-reports/{report.pk}/report.docx")
    text = "\n".join(par.text for par in Document(io.BytesIO(response.content)).paragraphs)
    tables = "\n".join(
        c.text
        for t in Document(io.BytesIO(response.content)).tables
        for r in t.rows
        for c in r.cells
    )
    assert "制度执行不到位。" in text and "第一巡回检查组" in text
    assert "制度未落实（项）" in tables and "档案馆谈心谈话制度" in tables
    client.force_login(cast.user("group_leader"))
    assert client.get(f"/supervision/inspection-reports/{report.pk}/").status_code == 404


def test_the_inspection_page_lists_the_units_regulations_and_takes_a_check(client, cast):
    reg = _regulation(cast)
    p = part(cast, cast.unit_c)
    client.force_login(cast.user("inspector"))
    url = f"/supervision/units/{p.pk}/inspection/"
    page = client.get(url).content.decode()
    assert "档案馆谈心谈话制度" in page and "记录检查结果" in page
    response = client.post(
        url + "check/",
        {
            "regulation": str(reg.pk),
            "in_force": "1",
            "method": "查阅谈话记录 5 份",
            "checked_on": _today().isoformat(),
        },
        follow=True,
    )
    assert "检查结果已记录" in response.content.decode()
    reg.refresh_from_db()
    assert reg.check_status == CheckStatus.IN_FORCE
    client.force_login(cast.user("office"))
    page = client.get(url).content.decode()
    assert "查阅谈话记录 5 份" in page and "记录检查结果" not in page
