"""One unit's timeline: its phases (start, due, end, overdue, corrections) and every decision,
oldest first."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from dudao.campaigns.models import Participation
from dudao.campaigns.requirements import evaluate_campaign
from dudao.records.models import Meeting
from dudao.records.selectors import corrections_for

from .. import rules
from ..models import ApplicationStatus, ParticipationEnd, PhaseExtension, PhasePeriod
from .schedules import _today, schedule_for
from .unit import applications_of


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
