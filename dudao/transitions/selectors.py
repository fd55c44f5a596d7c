"""Reads of the transition workflow: schedules and overdue flags, queues, dashboards, timelines.

Set-based: a list of units costs a fixed number of queries whatever its length; the
requirements engine is called once per page (``evaluate_campaign`` over all the units shown).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone

from dudao.campaigns.models import Campaign, Participation, SupervisionGroup
from dudao.campaigns.requirements import evaluate_campaign
from dudao.campaigns.terms import terms_of
from dudao.records.models import Meeting
from dudao.records.selectors import corrections_for

from . import rules
from .models import (
    OPEN_STATUSES,
    ApplicationStatus,
    ExtensionStatus,
    ParticipationEnd,
    PhaseExtension,
    PhasePeriod,
    RemedialOrder,
    TransitionApplication,
)


def _today() -> dt.date:
    return timezone.localdate()


# --- schedules ------------------------------------------------------------------------------


@dataclass
class Schedule:
    participation_id: int
    phase: str
    phase_name: str
    started_on: dt.date | None
    due_on: dt.date | None
    extension_days: int = 0
    ended: bool = False

    def overdue(self, today: dt.date | None = None) -> bool:
        return not self.ended and rules.is_overdue(self.due_on, today or _today())

    def days_over(self, today: dt.date | None = None) -> int:
        today = today or _today()
        return (today - self.due_on).days if self.overdue(today) else 0


def schedules(participations: list[Participation], *, campaign: Campaign | None = None):
    """Each unit's current phase with its start and due date (template duration + approved
    extensions). Participations need ``campaign__template`` and ``batch`` loaded.
    Two queries whatever the number of units."""
    if not participations:
        return {}
    ext_qs = PhaseExtension.objects.filter(status=ExtensionStatus.APPROVED)
    end_qs = ParticipationEnd.objects.all()
    if campaign is not None:
        ext_qs = ext_qs.filter(participation__campaign=campaign)
        end_qs = end_qs.filter(participation__campaign=campaign)
    else:
        ids = [p.pk for p in participations]
        ext_qs = ext_qs.filter(participation_id__in=ids)
        end_qs = end_qs.filter(participation_id__in=ids)
    extra: dict[tuple[int, str], int] = {
        (row["participation_id"], row["phase"]): row["days"]
        for row in ext_qs.values("participation_id", "phase").annotate(days=Sum("days"))
    }
    ended = set(end_qs.values_list("participation_id", flat=True))
    out = {}
    for p in participations:
        template = p.campaign.template
        spec = rules.phase_spec(template, p.current_phase)
        start = rules.phase_start(p)
        days = extra.get((p.pk, p.current_phase), 0)
        out[p.pk] = Schedule(
            participation_id=p.pk,
            phase=p.current_phase,
            phase_name=template.phase_name(p.current_phase),
            started_on=start,
            due_on=rules.due_date(start, spec, days, batch=p.batch, template=template),
            extension_days=days,
            ended=p.pk in ended,
        )
    return out


def schedule_for(participation: Participation) -> Schedule:
    return schedules([participation])[participation.pk]


# --- waiting applications -------------------------------------------------------------------


def waiting_days(app: TransitionApplication, now=None) -> int:
    now = now or timezone.now()
    return max(0, (timezone.localdate(now) - timezone.localdate(app.waiting_since)).days)


def waits_too_long(app: TransitionApplication, now=None) -> bool:
    return app.is_open and waiting_days(app, now) > rules.wait_days_limit()


@dataclass
class QueueRow:
    application: TransitionApplication
    days: int
    too_long: bool
    phase_name: str
    to_phase_name: str
    at_office: bool


def _queue_rows(apps) -> list[QueueRow]:
    now = timezone.now()
    rows = []
    for app in apps:
        template = app.participation.campaign.template
        days = waiting_days(app, now)
        rows.append(
            QueueRow(
                application=app,
                days=days,
                too_long=days > rules.wait_days_limit(),
                phase_name=template.phase_name(app.from_phase),
                to_phase_name=template.phase_name(app.to_phase)
                if app.to_phase
                else terms_of(template)["end"],
                at_office=app.status == ApplicationStatus.FORWARDED
                or app.participation.reports_directly,
            )
        )
    return rows


def _open_apps():
    return TransitionApplication.objects.filter(status__in=OPEN_STATUSES).select_related(
        "participation__campaign__template", "participation__group", "submitted_by"
    )


def office_queue(campaign: Campaign, limit: int = 200) -> list[QueueRow]:
    """What waits for the office: forwarded applications, and district-level units' applications
    (they come to the office directly). Longest waiting first."""
    apps = (
        _open_apps()
        .filter(campaign=campaign)
        .filter(
            Q(status=ApplicationStatus.FORWARDED)
            | Q(status=ApplicationStatus.SUBMITTED, participation__reports_directly=True)
        )
        .order_by("waiting_since", "pk")[:limit]
    )
    return _queue_rows(apps)


def group_queue(group: SupervisionGroup) -> list[QueueRow]:
    apps = (
        _open_apps()
        .filter(participation__group=group, status=ApplicationStatus.SUBMITTED)
        .order_by("waiting_since", "pk")
    )
    return _queue_rows(apps)


def queue_stats(campaign: Campaign) -> dict:
    limit_moment = timezone.now() - dt.timedelta(days=rules.wait_days_limit())
    qs = TransitionApplication.objects.filter(campaign=campaign, status__in=OPEN_STATUSES)
    return qs.aggregate(
        at_group=Count("pk", filter=Q(status=ApplicationStatus.SUBMITTED)),
        at_office=Count("pk", filter=Q(status=ApplicationStatus.FORWARDED)),
        too_long=Count("pk", filter=Q(waiting_since__lt=limit_moment)),
    )


def pending_extensions(campaign: Campaign):
    return (
        PhaseExtension.objects.filter(
            participation__campaign=campaign, status=ExtensionStatus.PROPOSED
        )
        .select_related("participation__campaign__template", "proposed_by")
        .order_by("proposed_at")
    )


# --- dashboards -----------------------------------------------------------------------------


@dataclass
class PhaseBar:
    code: str
    name: str
    count: int
    percent: float


def units_per_phase(campaign: Campaign) -> list[PhaseBar]:
    """Units per current phase, in template order, plus those who finished. Two queries."""
    template = campaign.template
    counts = dict(
        Participation.objects.filter(campaign=campaign)
        .values_list("current_phase")
        .annotate(n=Count("pk"))
    )
    ended = dict(
        ParticipationEnd.objects.filter(participation__campaign=campaign)
        .values_list("participation__current_phase")
        .annotate(n=Count("pk"))
    )
    bars = []
    for spec in rules.ordered_phases(template):
        n = counts.get(spec["code"], 0) - ended.get(spec["code"], 0)
        bars.append(PhaseBar(spec["code"], spec["name"], n, 0.0))
    bars.append(PhaseBar("", "已结束", sum(ended.values()), 0.0))
    top = max((b.count for b in bars), default=0) or 1
    for b in bars:
        b.percent = round(100 * b.count / top, 1)
    return bars


@dataclass
class FailingRequirement:
    phase: str
    phase_name: str
    code: str
    name: str
    blocking: bool
    units: list = field(default_factory=list)  # (participation_id, unit_name, summary)
    total: int = 0


def failing_by_requirement(campaign: Campaign, reports: dict, limit: int = 30):
    """For each requirement of each phase (template order), the units failing it, from one
    ``evaluate_campaign`` result. Returns (rows, units evaluated per phase)."""
    by_key: dict[tuple[str, str], FailingRequirement] = {}
    evaluated: dict[str, int] = defaultdict(int)
    template = campaign.template
    for spec in rules.ordered_phases(template):
        for req in spec.get("requirements", []):
            by_key[(spec["code"], req["code"])] = FailingRequirement(
                spec["code"],
                spec["name"],
                req["code"],
                req.get("name", req["code"]),
                req.get("blocking", True),
            )
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for report in reports.values():
        evaluated[report.phase] += 1
        for r in report.results:
            if r.status == "passed":
                continue
            key = (report.phase, r.code)
            row = by_key.get(key)
            if row is None:
                continue
            counts[key] += 1
            if len(row.units) < limit:
                row.units.append((report.participation_id, report.unit_name, r.summary))
    rows = list(by_key.values())
    for row in rows:
        row.total = counts[(row.phase, row.code)]
    return rows, evaluated


@dataclass
class GroupUnitRow:
    participation: Participation
    schedule: Schedule
    report: object | None
    open_application: TransitionApplication | None
    remedial: RemedialOrder | None


def group_units(group: SupervisionGroup) -> list[GroupUnitRow]:
    """The group's units with readiness and what each lacks: one engine call for all."""
    parts = list(
        Participation.objects.filter(group=group)
        .select_related("campaign__template", "batch")
        .order_by("unit_name")
    )
    if not parts:
        return []
    campaign = parts[0].campaign
    reports = evaluate_campaign(campaign, participation_ids=[p.pk for p in parts])
    sched = schedules(parts)
    ids = [p.pk for p in parts]
    open_apps = {
        a.participation_id: a
        for a in TransitionApplication.objects.filter(
            participation_id__in=ids, status__in=OPEN_STATUSES
        )
    }
    remedials = {
        r.participation_id: r
        for r in RemedialOrder.objects.filter(participation_id__in=ids, closed_at__isnull=True)
    }
    return [
        GroupUnitRow(p, sched[p.pk], reports.get(p.pk), open_apps.get(p.pk), remedials.get(p.pk))
        for p in parts
    ]


def overdue_units(campaign: Campaign, limit: int = 100):
    """Units whose current phase is past its due date. Returns (count, first rows)."""
    parts = list(
        Participation.objects.filter(campaign=campaign)
        .select_related("campaign__template", "batch")
        .order_by("unit_name")
    )
    sched = schedules(parts, campaign=campaign)
    today = _today()
    over = [(p, sched[p.pk]) for p in parts if sched[p.pk].overdue(today)]
    over.sort(key=lambda row: row[1].due_on)
    return len(over), over[:limit]


# --- one unit -------------------------------------------------------------------------------


def open_application(participation) -> TransitionApplication | None:
    return (
        TransitionApplication.objects.filter(participation=participation, status__in=OPEN_STATUSES)
        .select_related("submitted_by", "group_decided_by")
        .first()
    )


def applications_of(participation):
    return (
        TransitionApplication.objects.filter(participation=participation)
        .select_related(
            "submitted_by", "group_decided_by", "office_decided_by", "meeting", "remedial_order"
        )
        .order_by("submitted_at", "pk")
    )


def participation_end(participation) -> ParticipationEnd | None:
    return ParticipationEnd.objects.filter(participation=participation).first()


def open_remedial(participation) -> RemedialOrder | None:
    return (
        RemedialOrder.objects.filter(participation=participation, closed_at__isnull=True)
        .select_related("ordered_by", "application")
        .first()
    )


def awaiting_meeting(participation):
    """The approval that opened the current phase, if its summary-and-mobilisation meeting is
    not yet recorded, with the meetings of that kind the unit has in the new phase."""
    app = (
        TransitionApplication.objects.filter(
            participation=participation,
            status=ApplicationStatus.APPROVED,
            to_phase=participation.current_phase,
            meeting__isnull=True,
        )
        .order_by("-pk")
        .first()
    )
    if app is None:
        return None, []
    kind = rules.transition_spec(participation.campaign.template, app.from_phase).get(
        "meeting_kind"
    )
    if not kind:
        return None, []
    meetings = list(
        Meeting.objects.filter(
            participation=participation, phase=participation.current_phase, kind=kind
        ).order_by("date")
    )
    return app, meetings


@dataclass
class TimelinePhase:
    code: str
    name: str
    state: str  # done / current / future
    started_on: dt.date | None = None
    due_on: dt.date | None = None
    ended_on: dt.date | None = None
    overdue: bool = False
    late_days: int = 0
    extension_days: int = 0
    meeting_kind_name: str = ""
    meeting: object | None = None  # the summary-and-mobilisation meeting held at its start
    meeting_expected: bool = False
    # Records of this (approved, frozen) phase corrected since, and what the requirements say
    # of the phase on the record as it now stands (None: nothing corrected, not re-checked).
    corrections: int = 0
    still_met: bool | None = None
    now_failing: list[str] = field(default_factory=list)


@dataclass
class TimelineEvent:
    at: dt.datetime
    who: str
    what: str
    detail: str = ""
    url: str = ""
    status: str = ""


def _name(user) -> str:
    if user is None:
        return "—"
    return (user.get_full_name() or "").strip() or user.username


def timeline(participation: Participation) -> dict:
    """The unit's phases (start, due, end, overdue) and every decision, oldest first."""
    template = participation.campaign.template
    today = _today()
    periods = {pp.phase: pp for pp in PhasePeriod.objects.filter(participation=participation)}
    sched = schedule_for(participation)
    apps = list(applications_of(participation))
    extensions = list(
        PhaseExtension.objects.filter(participation=participation).select_related(
            "proposed_by", "decided_by"
        )
    )
    meeting_kinds = {m["code"]: m["name"] for m in template.data.get("meeting_kinds", [])}
    # Meetings of the kinds that open a phase, one query: phase → first such meeting.
    opening_kind = {}  # phase entered → meeting kind expected at its start
    for spec in rules.ordered_phases(template):
        nxt = rules.next_phase(template, spec["code"])
        kind = (spec.get("transition") or {}).get("meeting_kind")
        if nxt and kind:
            opening_kind[nxt["code"]] = kind
    held: dict[str, object] = {}
    if opening_kind:
        for m in Meeting.objects.filter(
            participation=participation, kind__in=set(opening_kind.values())
        ).order_by("date", "pk"):
            if opening_kind.get(m.phase) == m.kind:
                held.setdefault(m.phase, m)
    linked = {a.to_phase: a.meeting for a in apps if a.meeting_id}

    phases = []
    reached_current = False
    for spec in rules.ordered_phases(template):
        code = spec["code"]
        kind = opening_kind.get(code)
        row = TimelinePhase(
            code=code,
            name=spec["name"],
            state="future",
            meeting_kind_name=meeting_kinds.get(kind, "") if kind else "",
            meeting_expected=bool(kind),
        )
        if code in periods:
            pp = periods[code]
            row.state = "done"
            row.started_on, row.due_on, row.ended_on = pp.started_on, pp.due_on, pp.ended_on
            row.late_days = (
                max(0, (pp.ended_on - pp.due_on).days) if pp.due_on and pp.ended_on else 0
            )
        elif code == participation.current_phase and not reached_current:
            row.state = "current"
            row.started_on, row.due_on = sched.started_on, sched.due_on
            row.extension_days = sched.extension_days
            row.overdue = sched.overdue(today)
            row.late_days = sched.days_over(today)
        if code == participation.current_phase:
            reached_current = True
        if row.state != "future":
            row.meeting = linked.get(code) or held.get(code)
        phases.append(row)

    # 批准后更正: a correction of a frozen record is shown where the decision is, and the phase
    # it belongs to is judged again on the record as it now stands (issue 10).
    corrections = corrections_for([participation.pk]).get(participation.pk, [])
    corrected = defaultdict(int)
    for c in corrections:
        corrected[c.phase] += 1
    for row in phases:
        if corrected.get(row.code):
            row.corrections = corrected[row.code]
            report = evaluate_campaign(
                participation.campaign, participation_ids=[participation.pk], phase=row.code
            ).get(participation.pk)
            if report is not None:
                row.still_met = report.ready
                row.now_failing = [r.name for r in report.blocking_failures]

    events: list[TimelineEvent] = []
    for c in corrections:
        events.append(
            TimelineEvent(
                c.created_at,
                _name(c.created_by),
                f"批准后更正记录（{template.phase_name(c.phase)}）：{c.get_operation_display()}"
                f"“{c.record_label}”",
                f"理由：{c.reason}",
                "",
                "correction",
            )
        )
    for a in apps:
        url = f"/transitions/applications/{a.pk}/"
        from_name = template.phase_name(a.from_phase)
        events.append(
            TimelineEvent(
                a.submitted_at,
                _name(a.submitted_by),
                f"提出转段申请（{from_name}，第{a.attempt}次）",
                a.summary[:120],
                url,
                "submitted",
            )
        )
        if a.group_decided_at:
            remedial = a.status == ApplicationStatus.REMEDIAL
            detail = a.group_comment
            if remedial and hasattr(a, "remedial_order"):
                ro = a.remedial_order
                names = "、".join(ro.requirement_names) or "（未列具体要求）"
                detail = f"{a.group_comment}；未达到：{names}；补课内容：{ro.work}；期限：{ro.deadline:%Y-%m-%d}"
            events.append(
                TimelineEvent(
                    a.group_decided_at,
                    _name(a.group_decided_by),
                    "督导组责令补课" if remedial else "督导组审核后转报活动办",
                    detail,
                    url,
                    "remedial" if remedial else "forwarded",
                )
            )
        if a.office_decided_at:
            approved = a.status == ApplicationStatus.APPROVED
            what = (
                ("批准结束集中教育" if a.ends_participation else "活动办批准转段")
                + ("（直报）" if a.approved_directly else "")
                if approved
                else "活动办退回申请"
            )
            events.append(
                TimelineEvent(
                    a.office_decided_at,
                    _name(a.office_decided_by),
                    what,
                    a.office_comment,
                    url,
                    "approved" if approved else "sent_back",
                )
            )
        if a.meeting_recorded_at:
            events.append(
                TimelineEvent(
                    a.meeting_recorded_at,
                    _name(a.meeting_recorded_by),
                    "登记小结和转段动员会",
                    f"{a.meeting.date:%Y-%m-%d} {a.meeting.title}",
                    url,
                    "meeting",
                )
            )
    for e in extensions:
        phase_name = template.phase_name(e.phase)
        events.append(
            TimelineEvent(
                e.proposed_at,
                _name(e.proposed_by),
                f"督导组建议{phase_name}阶段延长{e.days}天",
                e.reason,
                "",
                "extension",
            )
        )
        if e.decided_at:
            events.append(
                TimelineEvent(
                    e.decided_at,
                    _name(e.decided_by),
                    f"活动办{e.get_status_display()}（{phase_name}，{e.days}天）",
                    e.decision_reason,
                    "",
                    e.status,
                )
            )
    events.sort(key=lambda ev: ev.at)
    return {
        "phases": phases,
        "events": events,
        "ended": ParticipationEnd.objects.filter(participation=participation).first(),
        "schedule": sched,
    }


@dataclass
class CorrectedUnit:
    participation_id: int
    unit_name: str
    phase: str
    phase_name: str
    corrections: list
    still_met: bool
    now_failing: list[str]


def corrections_after_approval(campaign: Campaign, *, limit: int = 50) -> list[CorrectedUnit]:
    """Units whose frozen (approved) records were corrected, newest first, each phase judged
    again on the record as it now stands: one engine call per corrected phase, set-based."""
    from dudao.records.models import RecordCorrection

    rows = list(
        RecordCorrection.objects.filter(participation__campaign=campaign)
        .select_related("created_by", "participation")
        .order_by("-created_at", "-pk")[: limit * 5]
    )
    grouped: dict[tuple[int, str], list] = {}
    for c in rows:
        grouped.setdefault((c.participation_id, c.phase), []).append(c)
    keys = list(grouped)[:limit]
    by_phase: dict[str, list[int]] = defaultdict(list)
    for pid, phase in keys:
        by_phase[phase].append(pid)
    verdicts = {}
    for phase, pids in by_phase.items():
        for pid, report in evaluate_campaign(campaign, participation_ids=pids, phase=phase).items():
            verdicts[(pid, phase)] = report
    out = []
    template = campaign.template
    for pid, phase in keys:
        items = grouped[(pid, phase)]
        report = verdicts.get((pid, phase))
        out.append(
            CorrectedUnit(
                pid,
                items[0].participation.unit_name,
                phase,
                template.phase_name(phase),
                items,
                bool(report and report.ready),
                [r.name for r in report.blocking_failures] if report else [],
            )
        )
    return out
