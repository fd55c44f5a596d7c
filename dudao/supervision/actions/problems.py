"""Problems found: record, send, answer, verify (each step a row, each write audited)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import record_event
from dudao.core.errors import AccessDenied, DomainError, TransitionError

from .. import rules
from ..access import may_record_problem, problem_permits, visible_problems
from ..models import (
    NoticeEvent,
    Problem,
    ProblemSource,
    ProblemStatus,
    ProblemStep,
    StepKind,
    Visit,
)
from ..notify import group_staff, notify, unit_staff
from ._common import _clean_token, _required, _today

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
