"""The demo is a campaign under way: every unit has a plausible record for the phases it has
passed and the one it is in, dated between the campaign start and today, with every state of
every workflow somewhere in the city, and requirement reports that look like real units'.

One small demo (107 units) is seeded for the whole module: seeding is what costs, the checks
are reads."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from dudao.campaigns.models import Participation
from dudao.campaigns.requirements import evaluate_campaign
from dudao.core.audit import verify_chain
from dudao.core.models import AuditEvent
from dudao.demo import generator as demo
from dudao.records.models import Attendance, KnowledgeTest, Meeting, StudySession, Talk
from dudao.reviews.models import Document, DocumentVersion, ReviewComment, ReviewRound
from dudao.surveys.models import SurveyCode, SurveyRound, Tally
from dudao.testing import PASSWORD
from dudao.transitions.models import (
    ParticipationEnd,
    PhaseExtension,
    PhasePeriod,
    RemedialOrder,
    TransitionApplication,
)


@pytest.fixture(scope="module")
def small_demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_template", "--all", verbosity=0)
        demo.seed(scale_name="small", seed_value=2005, out=io.StringIO())
        yield demo.demo_campaign()
        call_command("flush", interactive=False, verbosity=0)


pytestmark = pytest.mark.django_db


def test_it_dates_the_campaign_its_batches_and_phases_inside_one_another(small_demo):
    campaign = small_demo
    today = dt.date.today()
    assert campaign.status == "running"
    assert campaign.start_date < today < campaign.end_date
    batches = list(campaign.batches.all())
    assert len(batches) == 3
    for b in batches:
        assert campaign.start_date <= b.start_date < today
        assert b.end_date <= campaign.end_date and b.end_date > b.start_date
    parts = Participation.objects.filter(campaign=campaign).select_related("batch")
    for p in parts:
        assert p.batch.start_date <= p.phase_started_on <= today, p.unit_name
    ended = set(ParticipationEnd.objects.values_list("participation_id", flat=True))
    for period in PhasePeriod.objects.select_related("participation__batch"):
        assert period.participation.batch.start_date <= period.started_on < period.ended_on
        assert period.ended_on <= today
        if period.participation_id not in ended:
            assert period.ended_on <= period.participation.phase_started_on
    # A passed phase ends where the next begins: no gaps, no overlaps.
    for p in parts:
        periods = list(PhasePeriod.objects.filter(participation=p).order_by("order"))
        for a, b in zip(periods, periods[1:]):
            assert a.ended_on == b.started_on
        if periods and p.pk not in ended:
            assert periods[-1].ended_on == p.phase_started_on


def test_it_puts_everything_it_says_happened_between_the_campaign_start_and_now(small_demo):
    start = small_demo.start_date
    today = dt.date.today()
    now = timezone.now()
    for model in (StudySession, Meeting, KnowledgeTest, Talk):
        span = model.objects.aggregate(lo=Min("date"), hi=Max("date"))
        assert start <= span["lo"] and span["hi"] <= today, model.__name__
    for model, column in (
        (DocumentVersion, "submitted_at"),
        (ReviewRound, "decided_at"),
        (TransitionApplication, "submitted_at"),
        (TransitionApplication, "office_decided_at"),
        (PhaseExtension, "proposed_at"),
        (SurveyRound, "closed_at"),
        (AuditEvent, "created_at"),
    ):
        span = model.objects.aggregate(lo=Min(column), hi=Max(column))
        assert span["hi"] <= now, (model.__name__, column)
        if model is not AuditEvent:
            assert timezone.localdate(span["lo"]) >= start, (model.__name__, column)
    # Each record lies in its own phase's window: passed phases between their dates, the
    # current one from its start.
    windows = {
        (p.participation_id, p.phase): (p.started_on, p.ended_on) for p in PhasePeriod.objects.all()
    }
    for p in Participation.objects.filter(campaign=small_demo):
        windows.setdefault((p.pk, p.current_phase), (p.phase_started_on, today))
    for pid, phase, date in StudySession.objects.values_list("participation_id", "phase", "date"):
        lo, hi = windows[(pid, phase)]
        assert lo <= date <= hi
    for pid, phase, date in Meeting.objects.values_list("participation_id", "phase", "date"):
        lo, hi = windows[(pid, phase)]
        assert lo <= date <= hi


def test_it_shows_every_state_of_every_workflow(small_demo):
    statuses = Counter(Document.objects.values_list("status", flat=True))
    assert {"submitted", "returned", "rejected", "approved"} <= set(statuses)
    resubmitted = Document.objects.annotate(n=Count("versions")).filter(
        status="submitted", n__gte=2
    )
    assert resubmitted.exists()
    assert ReviewRound.objects.filter(decision="returned").exclude(reason="").exists()
    assert ReviewComment.objects.filter(status="open").exists()
    assert ReviewComment.objects.filter(status="addressed").exists()
    apps = Counter(TransitionApplication.objects.values_list("status", flat=True))
    assert set(apps) == {"submitted", "forwarded", "remedial", "approved", "sent_back"}
    assert RemedialOrder.objects.filter(closed_at__isnull=True).count() >= 1
    assert RemedialOrder.objects.filter(closed_by_application__status="approved").exists()
    assert set(PhaseExtension.objects.values_list("status", flat=True)) >= {"approved", "proposed"}
    assert ParticipationEnd.objects.exists()
    rounds = Counter(SurveyRound.objects.values_list("status", flat=True))
    assert rounds["closed"] and rounds["open"]
    assert SurveyRound.objects.filter(round_number=2, previous__isnull=False).exists()
    # A unit survey fell below its threshold (seed 004: 补课).
    failing = [o for o in demo_outcomes(small_demo) if o.status == "failed"]
    assert failing
    phases = set(Participation.objects.values_list("current_phase", flat=True))
    assert phases == {"study", "analysis", "rectify", "consolidate"}


def demo_outcomes(campaign):
    from dudao.surveys.selectors import outcomes_for_rounds

    rounds = list(SurveyRound.objects.filter(subject_person__isnull=True, status="closed"))
    return outcomes_for_rounds(rounds, campaign.template.data).values()


def test_it_keeps_surveys_anonymous_and_their_counts_consistent(small_demo):
    # Open rounds answered online: every used code is one ballot on every question.
    for r in SurveyRound.objects.filter(status="open"):
        used = SurveyCode.objects.filter(round=r, used=True).count()
        per_question = Counter()
        for q, n in Tally.objects.filter(round=r).values_list("question", "count"):
            per_question[q] += n
        assert set(per_question.values()) == {used}
    # Nothing links a code to anything but its round; the audit never names a code.
    codes = set(SurveyCode.objects.values_list("code", flat=True)[:200])
    for data in AuditEvent.objects.filter(action__startswith="survey.").values_list(
        "data", flat=True
    ):
        assert not codes & set(map(str, data.values()))
    # Every round's counters exist (at zero before any answer, surveys.actions).
    assert not SurveyRound.objects.annotate(n=Count("tallies")).filter(n=0).exists()


def test_it_gives_passed_phases_a_complete_record_and_the_current_one_a_partial(small_demo):
    campaign = small_demo
    for phase in ("study", "analysis", "rectify"):
        ids = list(
            PhasePeriod.objects.filter(phase=phase).values_list("participation_id", flat=True)
        )
        assert ids, phase
        reports = evaluate_campaign(campaign, participation_ids=ids, phase=phase)
        # The office approved each of these after the group checked it.
        assert all(r.ready for r in reports.values()), phase
        results = [x for r in reports.values() for x in r.results]
        assert sum(x.status == "passed" for x in results) / len(results) > 0.85
    current = evaluate_campaign(campaign)
    ready = Counter(r.ready for r in current.values())
    assert ready[True] and ready[False]
    results = [x for r in current.values() for x in r.results]
    share = sum(x.status == "passed" for x in results) / len(results)
    assert 0.4 < share < 0.95
    # Units that have held all their study sessions mostly meet the hours; a few fall short.
    tested = set(KnowledgeTest.objects.values_list("participation_id", flat=True))
    done = [r for r in current.values() if r.phase == "study" and r.participation_id in tested]
    short = [r for r in done if r.result("study_hours").status == "failed"]
    assert len(short) <= len(done) / 2
    # Where the group found failures it ordered remedial work naming them.
    open_orders = RemedialOrder.objects.filter(closed_at__isnull=True)
    assert open_orders.exists()
    for order in open_orders:
        report = current[order.participation_id]
        assert set(order.requirement_codes) == {x.code for x in report.blocking_failures}
    # What the group saw when forwarding is kept with the application.
    forwarded = TransitionApplication.objects.filter(status__in=["forwarded", "approved"])
    assert not forwarded.filter(report_snapshot__isnull=True).exists()
    not_ready = [
        (a.pk, [r["code"] for r in a.report_snapshot["results"] if r["status"] != "passed"])
        for a in forwarded
        if not a.report_snapshot["ready"]
    ]
    assert not not_ready, not_ready[:3]
    event = AuditEvent.objects.get(action="demo.seed")
    assert event.data["activity"].get("passed_not_ready", 0) == 0


def test_it_credits_attendance_from_its_session(small_demo):
    bad = Attendance.objects.exclude(
        Q(phase=models_f("session__phase")) & Q(kind=models_f("session__kind"))
    )
    assert not bad.exists()
    assert not Attendance.objects.filter(hours__gt=models_f("session__hours")).exists()


def models_f(name):
    from django.db.models import F

    return F(name)


def test_it_records_every_decision_in_an_unbroken_audit_chain(small_demo):
    checked, broken = verify_chain()
    assert broken is None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "document.submit",
        "document.returned",
        "document.approved",
        "document.rejected",
        "transition.apply",
        "transition.forward",
        "transition.remedial",
        "transition.approve",
        "transition.send_back",
        "transition.extension_propose",
        "transition.extension_approve",
        "survey.paper.confirm",
        "survey.round.close",
    } <= actions
    assert AuditEvent.objects.filter(action="transition.approve").count() == (
        TransitionApplication.objects.filter(status="approved").count()
    )


def test_it_shows_the_office_units_in_every_phase_and_state(small_demo, client):
    assert client.login(username="clerk", password=PASSWORD)
    page = client.get(f"/transitions/campaigns/{small_demo.pk}/")
    assert page.status_code == 200
    bars = {b.name: b.count for b in page.context["bars"]}
    assert all(bars.values()), bars
    assert {row.application.status for row in page.context["queue"]} == {"forwarded"}
    assert page.context["overdue_count"] > 0 and page.context["extensions"]


def test_the_supervision_groups_have_done_their_own_work(small_demo):
    """Issue 13: visits, problems in each state (one overdue-capable, one waiting for sign-off),
    约谈, spot-checks with a discrepancy, typical experiences (one published), a roving
    inspection visit with its checks and report, and every group's weekly reports."""
    from dudao.campaigns.models import SupervisionGroup
    from dudao.supervision.models import (
        CheckResult,
        ExperienceStatus,
        InspectionCheck,
        InspectionReport,
        Interview,
        Problem,
        SpotCheck,
        TypicalExperience,
        ViewExchange,
        Visit,
        WeeklyReport,
    )
    from dudao.supervision.selectors import published_experiences

    campaign = small_demo
    assert Visit.objects.filter(campaign=campaign, group__isnull=False).count() >= 6
    states = set(Problem.objects.filter(campaign=campaign).values_list("status", flat=True))
    assert states >= {"sent", "answered", "solved"}
    assert Problem.objects.filter(campaign=campaign, rounds__gte=1, status="sent").exists()
    if (
        campaign.template.data.get("supervision", {})
        .get("decides", {})
        .get("send_problem", "leader")
        == "leader"
    ):
        assert "draft" in states
    assert Interview.objects.filter(campaign=campaign).exists()
    results = set(SpotCheck.objects.filter(campaign=campaign).values_list("result", flat=True))
    assert {CheckResult.CONFIRMED, CheckResult.DISCREPANCY} <= results
    assert TypicalExperience.objects.filter(
        campaign=campaign, status=ExperienceStatus.NOMINATED
    ).exists()
    assert published_experiences(campaign)
    # Each group nominated practices of its own: no title repeats (a bulletin lists them).
    titles = list(
        TypicalExperience.objects.filter(campaign=campaign).values_list("title", flat=True)
    )
    assert len(titles) >= 4 and len(set(titles)) == len(titles), titles
    assert Visit.objects.filter(campaign=campaign, inspection_group__isnull=False).exists()
    assert InspectionCheck.objects.filter(campaign=campaign).exists()
    assert ViewExchange.objects.filter(campaign=campaign).exists()
    assert InspectionReport.objects.filter(campaign=campaign).exists()
    groups = SupervisionGroup.objects.filter(campaign=campaign).count()
    assert WeeklyReport.objects.filter(campaign=campaign).count() == 2 * groups
    assert WeeklyReport.objects.filter(campaign=campaign, status="submitted").exists()
    # The office and the groups were told of typical experiences, the leading group and the
    # office of the inspection report sent to it.
    from dudao.supervision.models import NoticeEvent, Notification

    def told(role, *events):
        return Notification.objects.filter(
            user__role_assignments__role=role, event__in=events
        ).exists()

    assert told("office", NoticeEvent.EXPERIENCE_NOMINATED)
    assert told("group_leader", NoticeEvent.EXPERIENCE_APPROVED, NoticeEvent.EXPERIENCE_PUBLISHED)
    assert told("leading_group", NoticeEvent.INSPECTION_REPORT_SUBMITTED)
    assert told("office", NoticeEvent.INSPECTION_REPORT_SUBMITTED)
    # Written through the actions: each is in the verified audit chain.
    assert AuditEvent.objects.filter(action="supervision.publish_experience").exists()
    _checked, broken = verify_chain()
    assert broken is None


def test_it_has_issued_bulletins_and_one_unit_s_archive_exported(small_demo):
    from dudao.archive.models import ArchiveExport, ExportStatus
    from dudao.reports.models import Bulletin, BulletinStatus

    bulletins = list(Bulletin.objects.order_by("number"))
    assert [b.number for b in bulletins] == list(range(1, len(bulletins) + 1))
    assert len(bulletins) == 3
    assert [b.status for b in bulletins] == [BulletinStatus.ISSUED] * 2 + [BulletinStatus.DRAFT]
    assert bulletins[-1].items.filter(source="free").exists()
    assert all(b.items.filter(source="week_facts").exists() for b in bulletins)
    export = ArchiveExport.objects.get()
    assert export.status == ExportStatus.DONE and export.members > 10
    assert AuditEvent.objects.filter(action="archive.export").count() == 1
