"""Grades (item 7): the branch's proposal for a member, the committee's decision, and the
letter and notice that record them."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from dudao.core.errors import DomainError

from .. import rules
from ..access import ballot_permits, evaluation_permits
from ..models import Ballot, EvaluationStatus, MemberEvaluation
from ._common import _audit, _check_version, _grade_codes, _lock_ballot, _template


@transaction.atomic
def propose_evaluation(
    *, actor, ballot: Ballot, person, opinion: str, grade: str, expected_version=None
) -> MemberEvaluation:
    """The branch's 评议意见 and proposed grade for a member on its ballot (a second call
    revises it while the committee has not decided)."""
    ballot = _lock_ballot(ballot)
    ballot_permits(actor, ballot).require("propose")
    template = _template(ballot.participation)
    if grade not in _grade_codes(template):
        raise DomainError("请选择建议等次。")
    opinion = (opinion or "").replace("\x00", "").strip()
    if not opinion:
        raise DomainError(f"请填写对{person.name}的评议意见。")
    if not ballot.members.filter(person=person).exists():
        raise DomainError(f"{person.name}不在本支部评议票上。")
    evaluation = (
        MemberEvaluation.objects.select_for_update().filter(ballot=ballot, person=person).first()
    )
    now = timezone.now()
    if evaluation is None:
        evaluation = MemberEvaluation.objects.create(
            ballot=ballot, person=person, opinion=opinion, proposed_grade=grade,
            proposed_by=actor, proposed_at=now,
        )  # fmt: skip
    else:
        _check_version(evaluation, expected_version)
        evaluation_permits(actor, evaluation).require("propose")
        evaluation.opinion = opinion
        evaluation.proposed_grade = grade
        evaluation.proposed_by = actor
        evaluation.proposed_at = now
        evaluation.version += 1
        evaluation.save(
            update_fields=["opinion", "proposed_grade", "proposed_by", "proposed_at", "version"]
        )
    _audit(
        actor, "evaluation.member.propose", evaluation, ballot.participation,
        data={"grade": grade, "person": person.pk},
    )  # fmt: skip
    return evaluation


@transaction.atomic
def decide_grade(
    *, actor, evaluation: MemberEvaluation, grade: str, note: str = "", expected_version=None
) -> MemberEvaluation:
    """The unit committee decides the member's grade (the unit head records it). A grade other
    than the branch's proposal needs a note saying why."""
    evaluation = (
        MemberEvaluation.objects.select_for_update(of=("self",))
        .select_related("ballot__participation__campaign__template", "ballot__branch", "person")
        .get(pk=evaluation.pk)
    )
    _check_version(evaluation, expected_version)
    evaluation_permits(actor, evaluation).require("decide")
    template = _template(evaluation.ballot.participation)
    if grade not in _grade_codes(template):
        raise DomainError("请选择确定等次。")
    note = (note or "").replace("\x00", "").strip()
    if grade != evaluation.proposed_grade and not note:
        raise DomainError(
            f"确定等次与支部建议（{rules.grade_name(template, evaluation.proposed_grade)}）"
            "不同，请写明党委意见。"
        )
    evaluation.status = EvaluationStatus.DECIDED
    evaluation.decided_grade = grade
    evaluation.decided_by = actor
    evaluation.decided_at = timezone.now()
    evaluation.decision_note = note
    evaluation.version += 1
    evaluation.save(
        update_fields=[
            "status", "decided_grade", "decided_by", "decided_at", "decision_note", "version",
        ]
    )  # fmt: skip
    _audit(
        actor, "evaluation.member.decide", evaluation, evaluation.ballot.participation,
        reason=note, data={"grade": grade, "proposed": evaluation.proposed_grade},
    )  # fmt: skip
    return evaluation


@transaction.atomic
def record_letter(*, actor, evaluation: MemberEvaluation, on: dt.date) -> MemberEvaluation:
    """The member was told in writing (the Word letter, ``letters.py``) on ``on``."""
    evaluation = (
        MemberEvaluation.objects.select_for_update(of=("self",))
        .select_related("ballot__participation__campaign__template", "ballot__branch", "person")
        .get(pk=evaluation.pk)
    )
    evaluation_permits(actor, evaluation).require("letter")
    evaluation.notified_on = on
    evaluation.version += 1
    evaluation.save(update_fields=["notified_on", "version"])
    _audit(actor, "evaluation.member.letter", evaluation, evaluation.ballot.participation,
           data={"on": on.isoformat()})  # fmt: skip
    return evaluation


@transaction.atomic
def record_notice(*, actor, ballot: Ballot, on: dt.date) -> Ballot:
    """The grades were notified within the template's scope (notify_scope) on ``on``."""
    ballot = _lock_ballot(ballot)
    ballot_permits(actor, ballot).require("notice")
    undecided = ballot.evaluations.exclude(status=EvaluationStatus.DECIDED).count()
    missing = ballot.members.count() - ballot.evaluations.count()
    if undecided or missing:
        raise DomainError(
            f"还有 {undecided + missing} 名党员的等次未经单位党委确定，确定后才能通报。"
        )
    ballot.noticed_on = on
    ballot.version += 1
    ballot.save(update_fields=["noticed_on", "version"])
    _audit(actor, "evaluation.ballot.notice", ballot, ballot.participation,
           data={"on": on.isoformat()})  # fmt: skip
    return ballot
