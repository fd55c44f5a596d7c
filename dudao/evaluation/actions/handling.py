"""Organisational handling (item 8): a case opened for a member, its steps with their
documents, and a referral to discipline."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from dudao.core.errors import DomainError, TransitionError

from .. import rules
from ..access import case_permits, evaluation_permits
from ..models import (
    CaseStatus,
    CaseStep,
    DisciplineReferral,
    HandlingCase,
    MemberEvaluation,
    StepDocument,
)
from ._common import _audit, _check_version, _template


@transaction.atomic
def open_case(*, actor, evaluation: MemberEvaluation) -> HandlingCase:
    evaluation = (
        MemberEvaluation.objects.select_for_update(of=("self",))
        .select_related("ballot__participation__campaign__template", "ballot__branch", "person")
        .get(pk=evaluation.pk)
    )
    existing = HandlingCase.objects.filter(evaluation=evaluation).first()
    if existing is not None:
        return existing  # a double submit finds the case it opened
    evaluation_permits(actor, evaluation).require("open_case")
    ballot = evaluation.ballot
    first = rules.steps(_template(ballot.participation))[0]
    case = HandlingCase.objects.create(
        campaign_id=ballot.campaign_id,
        participation=ballot.participation,
        evaluation=evaluation,
        person=evaluation.person,
        branch=ballot.branch,
        current_step=first.code,
        opened_by=actor,
    )
    _audit(actor, "evaluation.case.open", case, ballot.participation, data={"step": first.code})
    return case


def _lock_case(case: HandlingCase) -> HandlingCase:
    return (
        HandlingCase.objects.select_for_update(of=("self",))
        .select_related(
            "participation__campaign__template", "participation__unit", "branch", "person"
        )
        .get(pk=case.pk)
    )


DOCUMENT_TYPES = {"pdf", "doc", "docx", "jpg", "jpeg", "png", "ofd"}
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


@transaction.atomic
def record_step(
    *,
    actor,
    case: HandlingCase,
    step: str,
    outcome: str,
    decided_by_name: str,
    decided_on: dt.date,
    statement: str = "",
    note: str = "",
    files=(),
    expected_version=None,
) -> CaseStep:
    """Record the case's current step with its outcome; the outcome names the next step (or
    closes the case). A step other than the current one is refused: no step is skipped, and a
    step after a deadline (到期复查 after 限期改正) is not recorded before the deadline."""
    case = _lock_case(case)
    _check_version(case, expected_version)
    case_permits(actor, case).require("record_step")
    template = _template(case.participation)
    current = rules.step(template, case.current_step)
    wanted = rules.step(template, step)
    if wanted is None:
        raise DomainError("本活动模板的组织处理程序中没有这个步骤。")
    if wanted.code != current.code:
        raise TransitionError(
            f"本案当前应进行“{current.name}”，不能跳过它进行“{wanted.name}”。", code="conflict"
        )
    chosen = current.outcome(outcome)
    if chosen is None:
        names = "、".join(o[1] for o in current.outcomes)
        raise DomainError(f"请选择“{current.name}”的结果（{names}）。")
    decided_by_name = (decided_by_name or "").replace("\x00", "").strip()
    if not decided_by_name:
        raise DomainError(f"请填写作出“{current.name}”决定的机关（{current.decider_label}）。")
    if decided_on > timezone.localdate():
        raise DomainError("决定日期不能晚于今天。")
    if case.deadline is not None and decided_on < case.deadline:
        raise TransitionError(
            f"改正期限到 {case.deadline:%Y年%m月%d日}，“{current.name}”须在期限届满后进行。",
            code="conflict",
        )
    for f in files or ():
        ext = f.name.rsplit(".", 1)[-1].lower() if "." in f.name else ""
        if ext not in DOCUMENT_TYPES:
            raise DomainError(
                f"文书“{f.name}”的类型不支持：请上传 {'、'.join(sorted(DOCUMENT_TYPES))} 文件。"
            )
        if f.size > MAX_DOCUMENT_BYTES:
            raise DomainError(f"文书“{f.name}”超过 10 MB：请压缩后再上传。")
    number = case.steps.count() + 1
    deadline = rules.step_deadline(current, decided_on)
    row = CaseStep.objects.create(
        case=case,
        number=number,
        step=current.code,
        outcome=chosen[0],
        decided_by_name=decided_by_name,
        decided_on=decided_on,
        deadline=deadline,
        statement=(statement or "").replace("\x00", "").strip(),
        note=(note or "").replace("\x00", "").strip(),
        recorded_by=actor,
    )
    for f in files or ():
        StepDocument.objects.create(step=row, file=f, original_name=f.name[:200])
    if chosen[2] == "close":
        case.status = CaseStatus.CLOSED
        case.current_step = ""
        case.outcome = chosen[0]
        case.closed_on = decided_on
        case.deadline = None
        case.remind_before_days = []
    else:
        case.current_step = chosen[2]
        case.deadline = deadline
        case.remind_before_days = list(current.remind_before_days) if deadline else []
    case.version += 1
    case.save(
        update_fields=[
            "status", "current_step", "outcome", "closed_on", "deadline",
            "remind_before_days", "version",
        ]
    )  # fmt: skip
    _audit(
        actor,
        "evaluation.case.step",
        case,
        case.participation,
        reason=row.note,
        data={
            "number": number,
            "step": current.code,
            "outcome": chosen[0],
            "next": chosen[2],
            "deadline": deadline.isoformat() if deadline else None,
            "documents": len(files or ()),
        },
    )
    return row


@transaction.atomic
def refer_to_discipline(
    *, actor, case: HandlingCase, body: str, referred_on: dt.date, note: str
) -> DisciplineReferral:
    case = _lock_case(case)
    case_permits(actor, case).require("refer")
    body = (body or "").replace("\x00", "").strip()
    note = (note or "").replace("\x00", "").strip()
    if not body or not note:
        raise DomainError("请填写移送的纪检机关和移送事由。")
    referral = DisciplineReferral.objects.create(
        case=case, body=body, referred_on=referred_on, note=note, recorded_by=actor
    )
    _audit(actor, "evaluation.case.refer", case, case.participation, reason=note,
           data={"body": body, "on": referred_on.isoformat()})  # fmt: skip
    return referral
