"""Every write of the supervision group's work. Each action: keyword-only arguments and an
explicit ``actor``; one transaction; the row locked before its state is checked; the permission
asked of the same permits function the page asks; one audit event in the same transaction;
notifications written in it and mailed after commit."""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from dudao.core.audit import record_event
from dudao.core.errors import AccessDenied, DomainError, TransitionError
from dudao.orgs.access import scope_for
from dudao.rectification.actions import MAX_ATTACHMENT_BYTES, PHOTO_TYPES

from . import rules
from .access import (
    may_interview,
    may_log_visit,
    may_record_problem,
    may_spot_check,
    problem_permits,
    report_permits,
    visible_problems,
    visible_reports,
)
from .models import (
    CheckResult,
    ClaimKind,
    Interview,
    NoticeEvent,
    Problem,
    ProblemSource,
    ProblemStatus,
    ProblemStep,
    ReportStatus,
    SpotCheck,
    StepKind,
    Visit,
    VisitKind,
    VisitPhoto,
    WeeklyReport,
)
from .notify import group_staff, notify, office_staff, unit_staff

MAX_PHOTOS = 9
TOKEN_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def _today() -> dt.date:
    return timezone.localdate()


def _required(text: str, what: str) -> str:
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise DomainError(f"请填写{what}。", code="required")
    return text


def _clean_token(token: str) -> str:
    token = (token or "").strip()
    if not token:
        return secrets.token_urlsafe(16)
    if len(token) > 64 or not set(token) <= TOKEN_CHARS:
        raise DomainError("提交标识不正确，请刷新页面后重填。", code="invalid")
    return token


def check_photo(upload) -> str:
    """The photo's extension, after checking its size and that its content is the image type
    its name says (a renamed file is refused). Errors name the file and what to do."""
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise DomainError(f"照片“{name}”超过 10 MB，请压缩后再上传。", code="too_large")
    if ext not in PHOTO_TYPES:
        raise DomainError(
            f"照片“{name}”类型不支持：请上传 jpg、png 或 webp 图片。", code="bad_type"
        )
    head = upload.read(12)
    upload.seek(0)
    if not head.startswith(PHOTO_TYPES[ext]) or (ext == "webp" and head[8:12] != b"WEBP"):
        raise DomainError(f"照片“{name}”的内容不是 {ext} 图片，请重新选择。", code="bad_type")
    return ext


# --- visits ------------------------------------------------------------------------------------


@transaction.atomic
def log_visit(
    *,
    actor,
    participation,
    kind: str,
    happened_on: dt.date,
    people_count: int = 0,
    people_kinds: str = "",
    notes: str = "",
    spoke: bool = False,
    photos=(),
    client_token: str = "",
) -> tuple[Visit, bool]:
    """Record what the group did at a unit. Returns ``(visit, created)``: a resend with the
    same client token (the connection dropped after the first send) returns the first visit
    and writes nothing."""
    if not may_log_visit(actor, participation):
        raise AccessDenied("只有负责该单位的督导组或巡回检查组可以记录。", code="forbidden")
    token = _clean_token(client_token)
    existing = Visit.objects.filter(author=actor, client_token=token).first()
    if existing is not None:
        return existing, False
    if kind not in VisitKind.values:
        raise DomainError("请选择督导方式。", code="invalid")
    if happened_on > _today():
        raise DomainError("日期不能晚于今天。", code="invalid")
    if people_count < 0 or people_count > 100000:
        raise DomainError("接触人数应在 0 到 100000 之间。", code="invalid")
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise DomainError(f"照片最多 {MAX_PHOTOS} 张。", code="invalid")
    for upload in photos:
        check_photo(upload)

    scope = scope_for(actor)
    inspection_id = None
    if participation.group_id not in scope.groups and scope.inspection:
        inspection_id = next(iter(scope.inspection))
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                campaign_id=participation.campaign_id,
                participation=participation,
                group_id=participation.group_id if inspection_id is None else None,
                inspection_group_id=inspection_id,
                kind=kind,
                happened_on=happened_on,
                spoke=bool(spoke),
                people_count=people_count,
                people_kinds=(people_kinds or "").replace("\x00", "").strip()[:200],
                notes=(notes or "").replace("\x00", "").strip(),
                client_token=token,
                author=actor,
            )
    except IntegrityError:
        # Two sends of one form racing: the other one won; answer with it.
        return Visit.objects.get(author=actor, client_token=token), False
    for upload in photos:
        VisitPhoto.objects.create(
            visit=visit,
            file=upload,
            original_name=(upload.name or "")[:255],
            size=upload.size,
            content_type=(getattr(upload, "content_type", "") or "")[:100],
        )
    record_event(
        actor=actor,
        action="supervision.log_visit",
        target=visit,
        campaign_id=visit.campaign_id,
        organisation_id=participation.unit_id,
        data={"kind": kind, "on": happened_on.isoformat(), "photos": len(photos)},
    )
    return visit, True


# --- problems found ----------------------------------------------------------------------------


def _problem_event(actor, action: str, problem: Problem, *, reason: str = "", data=None):
    record_event(
        actor=actor,
        action=action,
        target=problem,
        campaign_id=problem.campaign_id,
        organisation_id=problem.participation.unit_id,
        reason=reason,
        data={"status": problem.status, "version": problem.version, **(data or {})},
    )


def _lock(problem: Problem) -> Problem:
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    locked.participation = problem.participation  # keep the loaded campaign and template
    return locked


def _check_version(locked: Problem, expected_version) -> None:
    if expected_version is not None and int(expected_version) != locked.version:
        raise TransitionError("该问题已被他人处理，请刷新页面后再操作。", code="conflict")


def _can_see_problem(problem_id):
    return lambda user: visible_problems(user).filter(pk=problem_id).exists()


def _notify_sent(problem: Problem, actor) -> None:
    notify(
        event=NoticeEvent.PROBLEM_SENT,
        recipients=unit_staff(problem.participation),
        text=f"督导组发现问题，请于{problem.deadline:%Y年%m月%d日}前答复：{problem.description[:80]}",
        can_see=_can_see_problem(problem.pk),
        url_name="supervision:problem",
        url_arg=problem.pk,
        exclude=actor,
    )


@transaction.atomic
def record_problem(
    *,
    actor,
    participation,
    description: str,
    requirement: str = "",
    deadline: dt.date | None = None,
    source: str = ProblemSource.VISIT,
    visit: Visit | None = None,
    client_token: str = "",
) -> Problem:
    """A problem the group found. Sent to the unit at once when the actor may send it (the
    template's ``decides.send_problem``); otherwise it waits for the leader's sign-off."""
    if not may_record_problem(actor, participation):
        raise AccessDenied("只有负责该单位的督导组可以登记发现的问题。", code="forbidden")
    if client_token:
        token = _clean_token(client_token)
        existing = Problem.objects.filter(created_by=actor, client_token=token).first()
        if existing is not None:
            return existing
    else:
        token = ""
    template = participation.campaign.template
    description = _required(description, "发现的问题")
    if source not in ProblemSource.values:
        raise DomainError("发现途径不正确。", code="invalid")
    if deadline is None:
        deadline = rules.default_deadline(template, _today())
    if deadline < _today():
        raise DomainError("答复时限不能早于今天。", code="invalid")
    if visit is not None and visit.participation_id != participation.pk:
        raise DomainError("调研记录不是该单位的。", code="invalid")
    problem = Problem.objects.create(
        campaign_id=participation.campaign_id,
        participation=participation,
        group_id=participation.group_id,
        source=source,
        visit=visit,
        description=description,
        requirement=(requirement or "").replace("\x00", "").strip(),
        deadline=deadline,
        client_token=token,
        created_by=actor,
    )
    problem.participation = participation
    ProblemStep.objects.create(problem=problem, kind=StepKind.RECORD, text=description, actor=actor)
    _problem_event(actor, "supervision.record_problem", problem, data={"source": source})
    if problem_permits(actor, problem).may("send"):
        _send(actor, problem)
    return problem


def _send(actor, locked: Problem) -> None:
    locked.status = ProblemStatus.SENT
    locked.sent_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["status", "sent_at", "version", "updated_at"])
    ProblemStep.objects.create(problem=locked, kind=StepKind.SEND, actor=actor)
    _problem_event(actor, "supervision.send_problem", locked)
    _notify_sent(locked, actor)


@transaction.atomic
def send_problem(*, actor, problem: Problem, expected_version=None) -> Problem:
    """The leader's sign-off: the problem goes to the unit."""
    locked = _lock(problem)
    problem_permits(actor, locked).require("send")
    _check_version(locked, expected_version)
    _send(actor, locked)
    return locked


@transaction.atomic
def answer_problem(*, actor, problem: Problem, answer: str, expected_version=None) -> Problem:
    locked = _lock(problem)
    problem_permits(actor, locked).require("answer")
    _check_version(locked, expected_version)
    locked.answer = _required(answer, "答复（如何解决）")
    locked.status = ProblemStatus.ANSWERED
    locked.answered_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["answer", "status", "answered_at", "version", "updated_at"])
    ProblemStep.objects.create(
        problem=locked, kind=StepKind.ANSWER, text=locked.answer, actor=actor
    )
    _problem_event(actor, "supervision.answer_problem", locked)
    notify(
        event=NoticeEvent.PROBLEM_ANSWERED,
        recipients=group_staff(locked.group_id),
        text=f"{locked.participation.unit_name}答复了问题，请核实：{locked.description[:80]}",
        can_see=_can_see_problem(locked.pk),
        url_name="supervision:problem",
        url_arg=locked.pk,
        exclude=actor,
    )
    return locked


@transaction.atomic
def verify_problem(
    *, actor, problem: Problem, solved: bool, reason: str = "", expected_version=None
) -> Problem:
    """The group verifies the answer: solved, or sent back with a reason (and, if it says so,
    a new deadline — otherwise the old one stands and lights red when passed)."""
    locked = _lock(problem)
    problem_permits(actor, locked).require("verify" if solved else "send_back")
    _check_version(locked, expected_version)
    reason = (reason or "").replace("\x00", "").strip()
    if solved:
        locked.status = ProblemStatus.SOLVED
        locked.solved_at = timezone.now()
        step, action = StepKind.VERIFY, "supervision.verify_problem"
    else:
        if not reason:
            raise DomainError("退回须写明理由（还有什么没解决）。", code="reason_required")
        locked.status = ProblemStatus.SENT
        locked.send_back_reason = reason
        locked.rounds += 1
        step, action = StepKind.SEND_BACK, "supervision.send_back_problem"
    locked.version += 1
    locked.save(
        update_fields=[
            "status",
            "solved_at",
            "send_back_reason",
            "rounds",
            "version",
            "updated_at",
        ]
    )
    ProblemStep.objects.create(problem=locked, kind=step, text=reason, actor=actor)
    _problem_event(actor, action, locked, reason=reason)
    if not solved:
        notify(
            event=NoticeEvent.PROBLEM_SENT_BACK,
            recipients=unit_staff(locked.participation),
            text=f"问题答复被督导组退回：{reason[:120]}",
            can_see=_can_see_problem(locked.pk),
            url_name="supervision:problem",
            url_arg=locked.pk,
            exclude=actor,
        )
    return locked


# --- spot-checks -------------------------------------------------------------------------------


@transaction.atomic
def draw_spot_checks(
    *,
    actor,
    participation,
    claim_kind: str,
    candidates: list[tuple[int, str]],
    count: int,
    seed: int | None = None,
) -> list[SpotCheck]:
    """Draw ``count`` claims at random from ``candidates`` (``[(id, label)]``, read by the
    caller from the unit's records) and record the draw: its seed, the pool size and what was
    drawn, so the draw can be repeated and shown."""
    if not may_spot_check(actor, participation):
        raise AccessDenied("只有负责该单位的督导组可以抽查。", code="forbidden")
    if claim_kind not in ClaimKind.values:
        raise DomainError("核实对象不正确。", code="invalid")
    pending = set(
        SpotCheck.objects.filter(
            participation=participation, claim_kind=claim_kind, result=CheckResult.PENDING
        ).values_list("claim_id", flat=True)
    )
    pool = sorted((c for c in candidates if c[0] not in pending), key=lambda c: c[0])
    if not pool:
        raise DomainError("没有可抽查的记录（或都已在核实中）。", code="empty")
    count = max(1, min(int(count), len(pool)))
    seed = seed if seed is not None else secrets.randbelow(2**31)
    chosen = random.Random(seed).sample(pool, count)
    draw = {"seed": seed, "pool": len(pool), "drawn": [c[0] for c in chosen]}
    checks = [
        SpotCheck.objects.create(
            campaign_id=participation.campaign_id,
            participation=participation,
            group_id=participation.group_id,
            claim_kind=claim_kind,
            claim_id=cid,
            claim_label=label[:255],
            drawn=True,
            draw=draw,
            created_by=actor,
        )
        for cid, label in chosen
    ]
    record_event(
        actor=actor,
        action="supervision.draw_spot_checks",
        target=participation,
        campaign_id=participation.campaign_id,
        organisation_id=participation.unit_id,
        data={"claim_kind": claim_kind, **draw},
    )
    return checks


@transaction.atomic
def record_spot_check(
    *,
    actor,
    check: SpotCheck,
    confirmed: bool,
    method: str,
    finding: str = "",
    deadline: dt.date | None = None,
) -> SpotCheck:
    """The result of a spot-check. A discrepancy becomes a problem found (sent to the unit as
    any other) and marks the claim until that problem is solved."""
    locked = SpotCheck.objects.select_for_update().get(pk=check.pk)
    locked.participation = check.participation
    if not may_spot_check(actor, locked.participation):
        raise AccessDenied("只有负责该单位的督导组可以记录抽查结果。", code="forbidden")
    if locked.result != CheckResult.PENDING:
        raise TransitionError("该抽查已记录结果。", code="conflict")
    locked.method = _required(method, "核实方式（如“电话核实 3 人”）")[:200]
    locked.finding = (finding or "").replace("\x00", "").strip()
    locked.checked_by = actor
    locked.checked_at = timezone.now()
    if confirmed:
        locked.result = CheckResult.CONFIRMED
    else:
        if not locked.finding:
            raise DomainError("与实际不符须写明核实情况。", code="required")
        locked.result = CheckResult.DISCREPANCY
        locked.problem = record_problem(
            actor=actor,
            participation=locked.participation,
            description=(
                f"抽查核实“{locked.claim_label}”与实际不符（{locked.method}）：{locked.finding}"
            ),
            source=ProblemSource.SPOT_CHECK,
            deadline=deadline,
        )
    locked.save()
    record_event(
        actor=actor,
        action="supervision.record_spot_check",
        target=locked,
        campaign_id=locked.campaign_id,
        organisation_id=locked.participation.unit_id,
        data={"result": locked.result, "claim": [locked.claim_kind, locked.claim_id]},
    )
    return locked


# --- weekly reports ----------------------------------------------------------------------------


@transaction.atomic
def save_narrative(*, actor, report: WeeklyReport, narrative: str, expected_version=None):
    locked = WeeklyReport.objects.select_for_update().get(pk=report.pk)
    report_permits(actor, locked).require("edit")
    if expected_version is not None and int(expected_version) != locked.version:
        raise TransitionError("周报已被他人修改，请刷新页面后再改。", code="conflict")
    locked.narrative = (narrative or "").replace("\x00", "").strip()
    locked.version += 1
    locked.save(update_fields=["narrative", "version"])
    record_event(
        actor=actor,
        action="supervision.edit_report",
        target=locked,
        campaign_id=locked.campaign_id,
        data={"week": locked.week_start.isoformat(), "version": locked.version},
    )
    return locked


@transaction.atomic
def submit_report(
    *, actor, report: WeeklyReport, narrative: str | None = None, expected_version=None
) -> WeeklyReport:
    locked = WeeklyReport.objects.select_for_update().get(pk=report.pk)
    report_permits(actor, locked).require("submit")
    if expected_version is not None and int(expected_version) != locked.version:
        raise TransitionError("周报已被他人修改，请刷新页面后再提交。", code="conflict")
    if narrative is not None:
        locked.narrative = narrative.replace("\x00", "").strip()
    if not locked.narrative:
        raise DomainError("请先填写本周工作情况，再报送活动办。", code="required")
    locked.status = ReportStatus.SUBMITTED
    locked.submitted_by = actor
    locked.submitted_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["narrative", "status", "submitted_by", "submitted_at", "version"])
    record_event(
        actor=actor,
        action="supervision.submit_report",
        target=locked,
        campaign_id=locked.campaign_id,
        data={"week": locked.week_start.isoformat()},
    )
    notify(
        event=NoticeEvent.REPORT_SUBMITTED,
        recipients=office_staff(locked.campaign_id),
        text=f"{locked.group.name}报送了{locked.week_start:%Y年%m月%d日}一周的周报。",
        can_see=lambda u: visible_reports(u).filter(pk=locked.pk).exists(),
        url_name="supervision:report",
        url_arg=locked.pk,
        exclude=actor,
    )
    return locked


# --- notifications and the compile --------------------------------------------------------------


def mark_notifications_read(*, actor) -> int:
    """Mark the user's own notifications read (not a domain change: no audit event)."""
    from .models import Notification

    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def set_preferences(*, actor, choices: dict[str, tuple[bool, bool]]) -> None:
    """``choices``: {event: (in_app, mail)} for the actor himself."""
    from .models import NotificationPreference

    for event, (in_app, mail) in choices.items():
        if event not in NoticeEvent.values:
            continue
        NotificationPreference.objects.update_or_create(
            user=actor, event=event, defaults={"in_app": bool(in_app), "mail": bool(mail)}
        )
    record_event(
        actor=actor,
        action="supervision.set_preferences",
        target=actor,
        data={e: [bool(a), bool(m)] for e, (a, m) in choices.items()},
    )


@transaction.atomic
def compile_reports(*, actor, campaign, week_start: dt.date) -> dict:
    """The office compiles a week now (the periodic job does the same without an actor)."""
    from .weekly import compile_week

    if not scope_for(actor).can_manage_campaign(campaign.pk):
        raise AccessDenied("只有活动办公室可以汇总周报。", code="forbidden")
    outcome = compile_week(campaign, week_start)
    record_event(
        actor=actor,
        action="supervision.compile_reports",
        target=campaign,
        campaign_id=campaign.pk,
        data={"week": week_start.isoformat(), **outcome},
    )
    return outcome


# --- 约谈 ----------------------------------------------------------------------------------------


@transaction.atomic
def record_interview(
    *,
    actor,
    participation,
    interviewee: str,
    held_on: dt.date,
    reason: str,
    said: str,
    follow_up_on: dt.date,
    promised: str = "",
    problems=(),
) -> Interview:
    """一把手约谈 (seed 002): who, why (the problems behind it), what was said and promised,
    and when the group follows up."""
    if not may_interview(actor, participation):
        raise AccessDenied("只有负责该单位的督导组可以记录约谈。", code="forbidden")
    if held_on > _today():
        raise DomainError("约谈日期不能晚于今天。", code="invalid")
    if follow_up_on < held_on:
        raise DomainError("跟踪日期不能早于约谈日期。", code="invalid")
    problems = list(problems)
    if any(p.participation_id != participation.pk for p in problems):
        raise DomainError("相关问题须是该单位的问题。", code="invalid")
    interview = Interview.objects.create(
        campaign_id=participation.campaign_id,
        participation=participation,
        group_id=participation.group_id,
        interviewee=_required(interviewee, "约谈对象")[:100],
        held_on=held_on,
        reason=_required(reason, "约谈原因"),
        said=_required(said, "谈话内容"),
        promised=(promised or "").replace("\x00", "").strip(),
        follow_up_on=follow_up_on,
        created_by=actor,
    )
    interview.problems.set(problems)
    record_event(
        actor=actor,
        action="supervision.record_interview",
        target=interview,
        campaign_id=interview.campaign_id,
        organisation_id=participation.unit_id,
        reason=interview.reason,
        data={"problems": [p.pk for p in problems], "follow_up": follow_up_on.isoformat()},
    )
    return interview


@transaction.atomic
def record_interview_outcome(*, actor, interview: Interview, outcome: str) -> Interview:
    locked = Interview.objects.select_for_update().get(pk=interview.pk)
    locked.participation = interview.participation
    if not may_interview(actor, locked.participation):
        raise AccessDenied("只有负责该单位的督导组可以记录跟踪结果。", code="forbidden")
    if locked.outcome_recorded_at is not None:
        raise TransitionError("跟踪结果已记录。", code="conflict")
    locked.outcome = _required(outcome, "跟踪结果")
    locked.outcome_recorded_at = timezone.now()
    locked.save(update_fields=["outcome", "outcome_recorded_at"])
    record_event(
        actor=actor,
        action="supervision.record_interview_outcome",
        target=locked,
        campaign_id=locked.campaign_id,
        organisation_id=locked.participation.unit_id,
    )
    return locked
