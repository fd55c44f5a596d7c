"""Every write of the transition workflow (DOMAIN.md §3.6; seed 001; seed 004 for extensions).

Each action: keyword-only arguments and an explicit ``actor``; one transaction; the rows whose
state changes are locked with ``select_for_update()`` in one order (participation, then
application); the state is checked after the lock; one audit event with who, when and why.
When two people decide on one application at once, the second finds the state changed after
the lock and gets a ``TransitionError`` naming who decided first and when.

District-level units (``Participation.reports_directly``; seed 001: "各区市县委要向市委先进性
教育活动领导小组办公室和市委督导组提出转段申请"). Their application goes to the office and to
the city group (the participation's group) at the same time. We chose:

* the group may still forward it or order remedial work, exactly as for any unit;
* the office may approve (or send back) it straight from ``submitted`` without waiting for a
  forward. Because then no group has checked the records, the office's approval is refused
  while the requirements engine reports blocking failures — the same rule the group's forward
  obeys — and the requirement report is kept with the approval.

Remedial orders may name no requirement when every rule passes on paper: seed 001 orders
remedial work also for work done "敷衍应付、走过场", which no counting rule sees. The reason
and what must be redone are always required.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from dudao.campaigns.models import Participation
from dudao.campaigns.requirements import evaluate_unit
from dudao.core.audit import record_event
from dudao.core.errors import AccessDenied, DomainError, TransitionError

from . import rules
from .access import capabilities, last_decision, transition_permits, when_text, who_name
from .models import (
    ApplicationStatus,
    ExtensionStatus,
    ParticipationEnd,
    PhaseExtension,
    PhasePeriod,
    RemedialOrder,
    TransitionApplication,
)


def _evaluate(participation, phase=None):
    return evaluate_unit(participation, phase=phase)


_who = who_name
_when = when_text
_last_decision = last_decision


def _conflict(app: TransitionApplication, doing: str) -> TransitionError:
    return TransitionError(
        f"不能{doing}：{app.participation.unit_name}的第{app.attempt}次转段申请，"
        f"{_last_decision(app)}（当前状态：{app.get_status_display()}）。"
        "您的操作没有执行，请刷新页面查看。",
        code="conflict",
    )


def _lock_application(application, *, actor, expected_version, action, doing):
    """Lock the application, then ask ``transition_permits`` again on the locked row: a state
    another decider left meanwhile is refused with who decided first and when."""
    app = (
        TransitionApplication.objects.select_for_update(of=("self",))
        # Only the non-null join: after waiting for the lock PostgreSQL re-reads the locked row
        # but not outer-joined rows, so the deciders are loaded afterwards (fresh statements).
        .select_related("participation")
        .get(pk=application.pk)
    )
    # Version first: a form shown before someone else's decision must not act on the new state
    # (e.g. forwarding an application that was sent back and submitted again meanwhile).
    if expected_version is not None and int(expected_version) != app.version:
        raise _conflict(app, doing)
    if transition_permits(actor, app).refused_by_state(action):
        raise _conflict(app, doing)
    transition_permits(actor, app).require(action)
    return app


def _event(actor, action, app, *, reason="", data=None):
    record_event(
        actor=actor,
        action=action,
        target=app,
        campaign_id=app.campaign_id,
        organisation_id=app.participation.unit_id,
        reason=reason,
        data={"status": app.status, "version": app.version, "attempt": app.attempt, **(data or {})},
    )


def _required(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(f"请填写{what}。", code="required")
    return text


# --- the unit ---------------------------------------------------------------------------------


@transaction.atomic
def apply_for_transition(*, actor, participation: Participation, summary: str):
    """The unit head or liaison applies to leave the current phase, with the phase summary.
    Refused while an application is open or after the unit has finished. Closes an open
    remedial order (the unit says the work is redone)."""
    summary = _required(summary, "阶段小结（本阶段工作情况）")
    transition_permits(actor, participation).require("apply", ignore_state=True)
    # Lock the unit's row: two applies at once queue here, the second sees the first's row.
    part = (
        Participation.objects.select_for_update(of=("self",))
        .select_related("campaign__template", "batch")
        .get(pk=participation.pk)
    )
    # The same rule again on the locked row: an application or an end made meanwhile counts.
    transition_permits(actor, part).require("apply")
    template = part.campaign.template
    if rules.phase_spec(template, part.current_phase) is None:
        raise TransitionError(f"{part.unit_name}的当前阶段“{part.current_phase}”不在活动模板中。")
    nxt = rules.next_phase(template, part.current_phase)
    attempt = (
        TransitionApplication.objects.filter(participation=part, from_phase=part.current_phase)
        .order_by("-attempt")
        .values_list("attempt", flat=True)
        .first()
        or 0
    ) + 1
    now = timezone.now()
    try:
        with transaction.atomic():
            app = TransitionApplication.objects.create(
                campaign_id=part.campaign_id,
                participation=part,
                from_phase=part.current_phase,
                to_phase=nxt["code"] if nxt else "",
                ends_participation=nxt is None,
                attempt=attempt,
                summary=summary,
                submitted_by=actor,
                submitted_at=now,
                waiting_since=now,
            )
    except IntegrityError:
        # The partial unique index caught a concurrent apply that slipped past the check.
        raise TransitionError("已有一份转段申请尚未办结，请刷新页面查看。") from None
    closed = RemedialOrder.objects.filter(participation=part, closed_at__isnull=True).update(
        closed_at=now, closed_by_application=app
    )
    _event(
        actor,
        "transition.apply",
        app,
        data={
            "from": app.from_phase,
            "to": app.to_phase,
            "reports_directly": part.reports_directly,
            "closes_remedial_order": bool(closed),
        },
    )
    return app


@transaction.atomic
def record_transition_meeting(*, actor, application: TransitionApplication, meeting):
    """The unit records that it held the summary-and-mobilisation meeting (template
    ``transition.meeting_kind``) in the new phase, naming the meeting record."""
    app = (
        TransitionApplication.objects.select_for_update(of=("self",))
        .select_related("participation__campaign__template")
        .get(pk=application.pk)
    )
    transition_permits(actor, app).require("record_meeting")
    kind = rules.transition_spec(app.participation.campaign.template, app.from_phase).get(
        "meeting_kind"
    )
    if meeting.participation_id != app.participation_id:
        raise DomainError("这条会议记录不是本单位的。")
    if meeting.phase != app.to_phase:
        raise DomainError("小结和转段动员会应在新阶段召开：请选择新阶段的会议记录。")
    if kind and meeting.kind != kind:
        raise DomainError("所选会议不是小结和转段动员会：请选择会议类型为小结和转段动员会的记录。")
    if app.meeting_id == meeting.pk:
        return app
    app.meeting = meeting
    app.meeting_recorded_by = actor
    app.meeting_recorded_at = timezone.now()
    app.save(update_fields=["meeting", "meeting_recorded_by", "meeting_recorded_at"])
    _event(
        actor,
        "transition.meeting",
        app,
        data={"meeting": meeting.pk, "date": meeting.date.isoformat()},
    )
    return app


# --- the supervision group --------------------------------------------------------------------


@transaction.atomic
def forward_application(
    *, actor, application: TransitionApplication, comment: str = "", expected_version=None
):
    """The group forwards the application to the office. Refused while the requirements engine
    reports blocking failures (seed 001: "凡学习不合格的不得转段"); the message lists them."""
    transition_permits(actor, application).require("forward", ignore_state=True)
    app = _lock_application(
        application, actor=actor, expected_version=expected_version, action="forward", doing="转报"
    )
    report = _evaluate(app.participation, phase=app.from_phase)
    if not report.ready:
        names = "；".join(f"{r.name}（{r.summary}）" for r in report.blocking_failures)
        raise DomainError(
            f"不能转报：以下要求尚未达到——{names}。请责令补课，或待单位补齐记录后再转报。",
            code="requirements_not_met",
        )
    now = timezone.now()
    app.status = ApplicationStatus.FORWARDED
    app.group_decided_by = actor
    app.group_decided_at = now
    app.group_comment = (comment or "").strip()
    app.report_snapshot = report.as_snapshot()
    app.snapshot_taken_at = now
    app.waiting_since = now
    app.version += 1
    app.save()
    _event(actor, "transition.forward", app, reason=app.group_comment)
    return app


@transaction.atomic
def order_remedial_work(
    *,
    actor,
    application: TransitionApplication,
    reason: str,
    work: str,
    deadline: dt.date | None = None,
    requirement_codes: list[str] | None = None,
    expected_version=None,
) -> RemedialOrder:
    """补课: the group names the failing requirements (default: the engine's blocking failures)
    and what must be redone; the reason is required. The application closes as ``remedial``."""
    reason = _required(reason, "责令补课的理由")
    work = _required(work, "需要补课的内容")
    transition_permits(actor, application).require("remedial", ignore_state=True)
    app = _lock_application(
        application,
        actor=actor,
        expected_version=expected_version,
        action="remedial",
        doing="责令补课",
    )
    template = app.participation.campaign.template
    known = rules.requirement_names(template, app.from_phase)
    report = _evaluate(app.participation, phase=app.from_phase)
    if requirement_codes is None:
        codes = [r.code for r in report.blocking_failures]
    else:
        codes = list(dict.fromkeys(c for c in requirement_codes if c))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise DomainError(f"本阶段没有这些要求：{'、'.join(unknown)}。请从列表中选择。")
    now = timezone.now()
    if deadline is None:
        deadline = timezone.localdate(now) + dt.timedelta(days=rules.DEFAULT_REMEDIAL_DAYS)
    elif deadline < timezone.localdate(now):
        raise DomainError("补课期限不能早于今天。")
    app.status = ApplicationStatus.REMEDIAL
    app.group_decided_by = actor
    app.group_decided_at = now
    app.group_comment = reason
    app.report_snapshot = report.as_snapshot()
    app.snapshot_taken_at = now
    app.version += 1
    app.save()
    order = RemedialOrder.objects.create(
        application=app,
        participation=app.participation,
        phase=app.from_phase,
        requirement_codes=codes,
        requirement_names=[known.get(c, c) for c in codes],
        reason=reason,
        work=work,
        deadline=deadline,
        ordered_by=actor,
        ordered_at=now,
    )
    _event(
        actor,
        "transition.remedial",
        app,
        reason=reason,
        data={"requirements": codes, "work": work, "deadline": deadline.isoformat()},
    )
    return order


@transaction.atomic
def propose_extension(*, actor, participation: Participation, days: int, reason: str):
    """The group proposes more days for the unit's current phase (seed 004: 进度服从质量)."""
    reason = _required(reason, "延长的理由")
    transition_permits(actor, participation).require("propose_extension", ignore_state=True)
    part = (
        Participation.objects.select_for_update(of=("self",))
        .select_related("campaign__template")
        .get(pk=participation.pk)
    )
    transition_permits(actor, part).require("propose_extension")
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise DomainError("延长天数应为 1 到 90 之间的整数。") from None
    if not 1 <= days <= 90:
        raise DomainError("延长天数应为 1 到 90 之间的整数。")
    pending = PhaseExtension.objects.filter(
        participation=part, phase=part.current_phase, status=ExtensionStatus.PROPOSED
    ).first()
    if pending is not None:
        raise TransitionError(
            f"{_who(pending.proposed_by)}已于{_when(pending.proposed_at)}建议延长"
            f"{pending.days}天，活动办尚未决定：请勿重复提出。"
        )
    ext = PhaseExtension.objects.create(
        participation=part,
        phase=part.current_phase,
        days=days,
        reason=reason,
        proposed_by=actor,
        proposed_at=timezone.now(),
    )
    record_event(
        actor=actor,
        action="transition.extension_propose",
        target=ext,
        campaign_id=part.campaign_id,
        organisation_id=part.unit_id,
        reason=reason,
        data={"phase": part.current_phase, "days": days},
    )
    return ext


# --- the campaign office ----------------------------------------------------------------------


@transaction.atomic
def approve_transition(
    *, actor, application: TransitionApplication, comment: str = "", expected_version=None
):
    """The office approves: the phase is closed (PhasePeriod) and the next one opens
    (``Participation.current_phase`` / ``phase_started_on``), or the participation ends."""
    transition_permits(actor, application).require("approve", ignore_state=True)
    # Lock order: participation, then application (the same order as apply_for_transition).
    part = (
        Participation.objects.select_for_update(of=("self",))
        .select_related("campaign__template", "batch", "campaign")
        .get(pk=application.participation_id)
    )
    app = _lock_application(
        application,
        actor=actor,
        expected_version=expected_version,
        action="approve",
        doing="批准转段",
    )
    if part.current_phase != app.from_phase:
        raise TransitionError(
            f"{part.unit_name}已不在“{part.campaign.template.phase_name(app.from_phase)}”阶段，"
            "这份申请不能再批准。"
        )
    now = timezone.now()
    today = timezone.localdate(now)
    directly = app.status == ApplicationStatus.SUBMITTED
    if directly:
        # No group has checked the records: the office's approval obeys the forward's rule.
        report = _evaluate(part, phase=app.from_phase)
        if not report.ready:
            names = "；".join(f"{r.name}（{r.summary}）" for r in report.blocking_failures)
            raise DomainError(f"不能批准：以下要求尚未达到——{names}。", code="requirements_not_met")
        app.report_snapshot = report.as_snapshot()
        app.snapshot_taken_at = now
        app.approved_directly = True
    template = part.campaign.template
    spec = rules.phase_spec(template, app.from_phase)
    started = rules.phase_start(part)
    extra = sum(
        PhaseExtension.objects.filter(
            participation=part, phase=app.from_phase, status=ExtensionStatus.APPROVED
        ).values_list("days", flat=True)
    )
    PhasePeriod.objects.create(
        participation=part,
        phase=app.from_phase,
        phase_name=template.phase_name(app.from_phase),
        order=(spec or {}).get("order", 0),
        started_on=started,
        due_on=rules.due_date(started, spec, extra, batch=part.batch, template=template),
        ended_on=today,
        application=app,
    )
    app.status = ApplicationStatus.APPROVED
    app.office_decided_by = actor
    app.office_decided_at = now
    app.office_comment = (comment or "").strip()
    app.version += 1
    app.save()
    if app.to_phase:
        part.current_phase = app.to_phase
        part.phase_started_on = today
        part.save(update_fields=["current_phase", "phase_started_on"])
    else:
        ParticipationEnd.objects.create(participation=part, ended_on=today, application=app)
    _event(
        actor,
        "transition.approve",
        app,
        reason=app.office_comment,
        data={
            "from": app.from_phase,
            "to": app.to_phase,
            "ends_participation": not app.to_phase,
            "directly": directly,
        },
    )
    return app


@transaction.atomic
def send_back_application(
    *, actor, application: TransitionApplication, reason: str, expected_version=None
):
    """The office sends the application back to the unit; the reason is required."""
    reason = _required(reason, "退回的理由")
    transition_permits(actor, application).require("send_back", ignore_state=True)
    app = _lock_application(
        application,
        actor=actor,
        expected_version=expected_version,
        action="send_back",
        doing="退回",
    )
    app.status = ApplicationStatus.SENT_BACK
    app.office_decided_by = actor
    app.office_decided_at = timezone.now()
    app.office_comment = reason
    app.version += 1
    app.save()
    _event(actor, "transition.send_back", app, reason=reason)
    return app


@transaction.atomic
def decide_extension(
    *, actor, extension: PhaseExtension, approve: bool, reason: str = "", expected_version=None
):
    """The office approves (the phase's due date moves) or refuses (reason required)."""
    reason = (reason or "").strip()
    if not approve and not reason:
        raise DomainError("请填写不同意延长的理由。", code="required")
    transition_permits(actor, extension).require("decide_extension", ignore_state=True)
    ext = (
        PhaseExtension.objects.select_for_update(of=("self",))
        .select_related("participation")
        .get(pk=extension.pk)
    )
    permits = transition_permits(actor, ext)
    if (
        expected_version is not None and int(expected_version) != ext.version
    ) or permits.refused_by_state("decide_extension"):
        raise TransitionError(
            f"{_who(ext.decided_by)}已于{_when(ext.decided_at)}{ext.get_status_display()}。"
            "您的操作没有执行，请刷新页面查看。",
            code="conflict",
        )
    permits.require("decide_extension")
    ext.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    ext.decided_by = actor
    ext.decided_at = timezone.now()
    ext.decision_reason = reason
    ext.version += 1
    ext.save()
    record_event(
        actor=actor,
        action="transition.extension_approve" if approve else "transition.extension_refuse",
        target=ext,
        campaign_id=ext.participation.campaign_id,
        organisation_id=ext.participation.unit_id,
        reason=reason,
        data={"phase": ext.phase, "days": ext.days},
    )
    return ext


__all__ = [
    "AccessDenied",
    "apply_for_transition",
    "approve_transition",
    "capabilities",
    "transition_permits",
    "decide_extension",
    "forward_application",
    "order_remedial_work",
    "propose_extension",
    "record_transition_meeting",
    "send_back_application",
]
