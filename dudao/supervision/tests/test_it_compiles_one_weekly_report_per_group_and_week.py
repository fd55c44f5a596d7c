from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dudao.campaigns import actions as campaign_actions
from dudao.core.errors import AccessDenied, DomainError
from dudao.supervision.actions import answer_problem, save_narrative, submit_report, verify_problem
from dudao.supervision.models import ReportStatus, WeeklyReport
from dudao.supervision.weekly import compile_current_week, compile_week, week_start_of

from .helpers import photo, problem, visit

pytestmark = pytest.mark.django_db


def _week():
    return week_start_of(timezone.localdate())


def test_compiling_twice_gives_one_report_per_group_and_week(cast):
    visit(cast, photos=[photo()])
    first = compile_week(cast.campaign, _week())
    second = compile_week(cast.campaign, _week())
    compile_current_week()
    assert first["created"] == 2 and second["created"] == 0 and second["refreshed"] == 2
    assert WeeklyReport.objects.count() == 2
    assert WeeklyReport.objects.filter(group=cast.group1, week_start=_week()).count() == 1


def test_the_figures_come_from_the_record(cast):
    visit(cast, token="a", kind="forum", people_count=12)
    visit(cast, token="b", kind="meeting", spoke=True, people_count=40)
    p = problem(cast)
    answer_problem(actor=cast.user("unit_head"), problem=p, answer="已整改")
    p.refresh_from_db()
    verify_problem(actor=cast.user("group_leader"), problem=p, solved=True)
    problem(cast, description="第二个问题")
    compile_week(cast.campaign, _week())
    f = WeeklyReport.objects.get(group=cast.group1).figures
    assert (f["visits"], f["forums"], f["speeches"], f["people_met"]) == (2, 1, 1, 52)
    assert (f["problems_found"], f["problems_solved"], f["problems_open"]) == (2, 1, 1)
    assert WeeklyReport.objects.get(group=cast.group2).figures["visits"] == 0


def test_the_compile_is_set_based(cast):
    """The same number of queries for 2 groups as for 12."""
    with CaptureQueriesContext(connection) as small:
        compile_week(cast.campaign, _week())
    batch = cast.campaign.batches.get(number=1)
    for i in range(10):
        campaign_actions.create_group(
            actor=cast.user("admin"),
            campaign=cast.campaign,
            code=f"GX{i}",
            name=f"第{i + 3}督导组",
            batch=batch,
        )
    WeeklyReport.objects.all().delete()
    with CaptureQueriesContext(connection) as large:
        compile_week(cast.campaign, _week())
    assert WeeklyReport.objects.count() == 12
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_leader_writes_and_submits_and_then_it_is_kept(cast):
    compile_week(cast.campaign, _week())
    report = WeeklyReport.objects.get(group=cast.group1)
    with pytest.raises(AccessDenied):
        save_narrative(actor=cast.user("group_member"), report=report, narrative="x")
    with pytest.raises(DomainError, match="填写"):
        submit_report(actor=cast.user("group_leader"), report=report)
    report = submit_report(
        actor=cast.user("group_leader"),
        report=report,
        narrative="本周深入东城区财政局召开座谈会一次。",
    )
    assert report.status == ReportStatus.SUBMITTED
    visit(cast)
    outcome = compile_week(cast.campaign, _week())
    report.refresh_from_db()
    assert outcome["kept"] == 1 and report.figures["visits"] == 0  # as submitted


def test_the_word_export_holds_the_narrative_and_the_figures(cast, client):
    from docx import Document

    visit(cast, people_count=9)
    compile_week(cast.campaign, _week())
    report = WeeklyReport.objects.get(group=cast.group1)
    submit_report(actor=cast.user("group_leader"), report=report, narrative="座谈会反映良好。")
    client.force_login(cast.user("office"))
    response = client.get(f"/supervision/reports/{report.pk}/report.docx")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "第一督导组工作周报" in text and "座谈会反映良好。" in text
    assert "接触干部群众（人次）" in cells and "9" in cells
    assert not any("{{" in c or "{%" in c for c in cells)


def test_the_office_sees_the_week_side_by_side(cast, client):
    visit(cast)
    compile_week(cast.campaign, _week())
    client.force_login(cast.user("office"))
    html = client.get(f"/supervision/campaigns/{cast.campaign.pk}/week/").content.decode()
    assert "第一督导组" in html and "第二督导组" in html and "全活动汇总" in html
    client.force_login(cast.user("group_leader"))
    assert client.get(f"/supervision/campaigns/{cast.campaign.pk}/week/").status_code == 404
