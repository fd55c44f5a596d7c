"""约谈: record an interview and its outcome."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import record_event
from dudao.core.errors import AccessDenied, DomainError, TransitionError

from ..access import may_interview
from ..models import Interview
from ._common import _required, _today

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
