"""The weekly report (seed 002: each group reports to the office every week): the week's facts
compiled from the record, for every group of a campaign at once.

Set-based: one aggregate query per source (visits, problems, applications, remedial orders,
reviews, rectification items, surveys, spot-checks, typical experiences), grouped by supervision group, then one
insert of the missing reports and one update of the drafts — the same number of queries for 2
groups and for 140. Idempotent: a report is unique per group and week (a database constraint);
compiling again refreshes the figures of reports still in draft and leaves submitted ones as
they were submitted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from dudao.campaigns.models import Campaign, SupervisionGroup
from dudao.rectification.models import DONE_STATUSES, Item
from dudao.reviews.models import ReviewRound
from dudao.surveys.models import SurveyRound
from dudao.transitions.models import ApplicationStatus, RemedialOrder, TransitionApplication

from .models import (
    OPEN_PROBLEM_STATUSES,
    CheckResult,
    Interview,
    Problem,
    ProblemStatus,
    ReportStatus,
    SpotCheck,
    TypicalExperience,
    Visit,
    VisitKind,
    WeeklyReport,
)

# (code, label): the figures a report holds, in the order pages and the Word export show them.
FIGURES = [
    ("visits", "督导调研（次）"),
    ("meetings_attended", "列席会议（次）"),
    ("speeches", "会上讲话（次）"),
    ("forums", "召开座谈会（次）"),
    ("talks", "个别谈话（次）"),
    ("questionnaires", "问卷调查（次）"),
    ("people_met", "接触干部群众（人次）"),
    ("problems_found", "发现问题（个）"),
    ("problems_solved", "督促解决问题（个）"),
    ("problems_open", "尚未解决的问题（个）"),
    ("problems_overdue", "逾期未答复或未解决的问题（个）"),
    ("applications", "收到转段申请（份）"),
    ("phase_moves", "批准转段（个单位）"),
    ("remedial_orders", "责令补课（次）"),
    ("documents_reviewed", "审核文书（份次）"),
    ("characters_read", "审阅材料（字）"),
    ("rectification_overdue", "逾期整改事项（项）"),
    ("surveys_closed", "完成测评（次）"),
    ("interviews", "一把手约谈（人次）"),
    ("spot_checks", "抽查核实（项）"),
    ("discrepancies", "核实不符（项）"),
    ("experiences_nominated", "推荐典型经验（个）"),
    ("experiences_published", "发布典型经验（个）"),
]
FIGURE_LABELS = dict(FIGURES)


def week_start_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _bounds(week_start: dt.date):
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(week_start, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=7)


def compile_figures(campaign_id: int, group_ids: list[int], week_start: dt.date) -> dict:
    """``{group_id: {figure: number}}`` for the week, in a fixed number of queries."""
    start, end = _bounds(week_start)
    last_day = week_start + dt.timedelta(days=6)
    out: dict[int, dict] = defaultdict(lambda: dict.fromkeys(FIGURE_LABELS, 0))
    for g in group_ids:
        out[g]  # noqa: B018 - every group gets a report, with zeros where nothing happened

    def merge(rows, key="g"):
        for row in rows:
            if row[key] in out:
                figures = out[row[key]]
                for name, value in row.items():
                    if name != key:
                        figures[name] = int(value or 0)

    merge(
        Visit.objects.filter(
            group_id__in=group_ids, happened_on__gte=week_start, happened_on__lte=last_day
        )
        .values(g=F("group_id"))
        .annotate(
            visits=Count("pk"),
            meetings_attended=Count("pk", filter=Q(kind=VisitKind.MEETING)),
            speeches=Count("pk", filter=Q(spoke=True)),
            forums=Count("pk", filter=Q(kind=VisitKind.FORUM)),
            talks=Count("pk", filter=Q(kind=VisitKind.TALK)),
            questionnaires=Count("pk", filter=Q(kind=VisitKind.QUESTIONNAIRE)),
            people_met=Sum("people_count"),
        )
        .order_by()
    )
    merge(
        Problem.objects.filter(group_id__in=group_ids)
        .exclude(status=ProblemStatus.DRAFT)
        .values(g=F("group_id"))
        .annotate(
            problems_found=Count("pk", filter=Q(sent_at__gte=start, sent_at__lt=end)),
            problems_solved=Count("pk", filter=Q(solved_at__gte=start, solved_at__lt=end)),
            problems_open=Count("pk", filter=Q(status__in=OPEN_PROBLEM_STATUSES, sent_at__lt=end)),
            problems_overdue=Count(
                "pk",
                filter=Q(status__in=OPEN_PROBLEM_STATUSES, sent_at__lt=end, deadline__lt=last_day),
            ),
        )
        .order_by()
    )
    merge(
        TransitionApplication.objects.filter(
            campaign_id=campaign_id, participation__group_id__in=group_ids
        )
        .filter(
            Q(submitted_at__gte=start, submitted_at__lt=end)
            | Q(office_decided_at__gte=start, office_decided_at__lt=end)
        )
        .values(g=F("participation__group_id"))
        .annotate(
            applications=Count("pk", filter=Q(submitted_at__gte=start, submitted_at__lt=end)),
            phase_moves=Count(
                "pk",
                filter=Q(
                    status=ApplicationStatus.APPROVED,
                    office_decided_at__gte=start,
                    office_decided_at__lt=end,
                ),
            ),
        )
        .order_by()
    )
    merge(
        RemedialOrder.objects.filter(
            participation__group_id__in=group_ids, ordered_at__gte=start, ordered_at__lt=end
        )
        .values(g=F("participation__group_id"))
        .annotate(remedial_orders=Count("pk"))
        .order_by()
    )
    merge(
        ReviewRound.objects.filter(
            document__participation__group_id__in=group_ids,
            decided_at__gte=start,
            decided_at__lt=end,
        )
        .values(g=F("document__participation__group_id"))
        .annotate(documents_reviewed=Count("pk"), characters_read=Sum("version__char_count"))
        .order_by()
    )
    merge(
        Item.objects.filter(
            campaign_id=campaign_id, participation__group_id__in=group_ids, deadline__lt=last_day
        )
        .exclude(status__in=DONE_STATUSES)
        .values(g=F("participation__group_id"))
        .annotate(rectification_overdue=Count("pk"))
        .order_by()
    )
    merge(
        SurveyRound.objects.filter(
            participation__group_id__in=group_ids, closed_at__gte=start, closed_at__lt=end
        )
        .values(g=F("participation__group_id"))
        .annotate(surveys_closed=Count("pk"))
        .order_by()
    )
    merge(
        Interview.objects.filter(
            group_id__in=group_ids, held_on__gte=week_start, held_on__lte=last_day
        )
        .values(g=F("group_id"))
        .annotate(interviews=Count("pk"))
        .order_by()
    )
    merge(
        SpotCheck.objects.filter(group_id__in=group_ids, created_at__gte=start, created_at__lt=end)
        .values(g=F("group_id"))
        .annotate(
            spot_checks=Count("pk"),
            discrepancies=Count("pk", filter=Q(result=CheckResult.DISCREPANCY)),
        )
        .order_by()
    )
    merge(
        TypicalExperience.objects.filter(group_id__in=group_ids)
        .filter(
            Q(nominated_at__gte=start, nominated_at__lt=end)
            | Q(published_at__gte=start, published_at__lt=end)
        )
        .values(g=F("group_id"))
        .annotate(
            experiences_nominated=Count(
                "pk", filter=Q(nominated_at__gte=start, nominated_at__lt=end)
            ),
            experiences_published=Count(
                "pk", filter=Q(published_at__gte=start, published_at__lt=end)
            ),
        )
        .order_by()
    )
    return dict(out)


@transaction.atomic
def compile_week(campaign: Campaign, week_start: dt.date) -> dict:
    """Every group's report for the week (created, or its figures refreshed while a draft).
    Returns ``{"created": n, "refreshed": n, "kept": n}``."""
    week_start = week_start_of(week_start)
    group_ids = list(
        SupervisionGroup.objects.filter(campaign=campaign)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    figures = compile_figures(campaign.pk, group_ids, week_start)
    now = timezone.now()
    # One INSERT … SELECT for every group still without a report this week, whatever the number
    # of groups (a bulk_create would split into batches by the backend's parameter limit). ON
    # CONFLICT DO NOTHING: a compile racing this one inserted the row first; the unique
    # constraint keeps one report per group and week either way.
    reports = WeeklyReport._meta.db_table
    groups = SupervisionGroup._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {reports} (campaign_id, group_id, week_start, figures, compiled_at, "
            f"narrative, status, version) "
            f"SELECT %s, g.id, %s, '{{}}', %s, '', %s, 1 FROM {groups} g "
            f"WHERE g.campaign_id = %s AND NOT EXISTS (SELECT 1 FROM {reports} r "
            f"WHERE r.group_id = g.id AND r.week_start = %s) "
            f"ON CONFLICT DO NOTHING",
            [campaign.pk, week_start, now, ReportStatus.DRAFT, campaign.pk, week_start],
        )
        created = cursor.rowcount
    rows = list(
        WeeklyReport.objects.select_for_update()
        .filter(group_id__in=group_ids, week_start=week_start)
        .only("pk", "group_id", "status", "figures", "compiled_at")
    )
    drafts = [r for r in rows if r.status == ReportStatus.DRAFT]
    for r in drafts:
        r.figures = figures[r.group_id]
        r.compiled_at = now
    if drafts:
        WeeklyReport.objects.bulk_update(drafts, ["figures", "compiled_at"])
    return {
        "created": max(created, 0),
        "refreshed": len(drafts) - max(created, 0),
        "kept": len(rows) - len(drafts),
    }


def compile_current_week() -> dict:
    """Periodic job (settings.DUDAO_PERIODIC_JOBS): this week's reports of every running
    campaign, and on Mondays last week's too (events recorded late on Sunday)."""
    today = timezone.localdate()
    weeks = [week_start_of(today)]
    if today.weekday() == 0:
        weeks.append(weeks[0] - dt.timedelta(days=7))
    done = {}
    for campaign in Campaign.objects.filter(start_date__lte=today):
        for week in weeks:
            done[f"{campaign.pk}:{week.isoformat()}"] = compile_week(campaign, week)
    return done


def figure_rows(report: WeeklyReport) -> list[tuple[str, int]]:
    return [(label, int(report.figures.get(code, 0))) for code, label in FIGURES]


def campaign_totals(reports) -> list[tuple[str, int]]:
    """The compiled campaign view: each figure summed over the given reports."""
    totals = dict.fromkeys(FIGURE_LABELS, 0)
    for r in reports:
        for code in totals:
            totals[code] += int(r.figures.get(code, 0))
    return [(FIGURE_LABELS[c], n) for c, n in totals.items()]
