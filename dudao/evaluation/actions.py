"""Every write of 分析评议: keyword-only arguments, an explicit actor, one transaction, one audit
event (dudao.core.audit). The permits functions of ``access`` are asked on the locked row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from dudao.core.audit import record_event
from dudao.core.errors import ConflictError, DomainError, TransitionError
from dudao.orgs.models import OrgKind, Person
from dudao.reviews import actions as review_actions
from dudao.reviews.models import Document, DocumentStatus
from dudao.surveys import actions as survey_actions
from dudao.surveys.codes import new_code, normalise
from dudao.surveys.instruments import decide as decide_outcome
from dudao.surveys.instruments import get_instrument
from dudao.surveys.models import RoundStatus, SurveyCode, SurveyRound
from dudao.surveys.selectors import AUDIENCE_LABELS, _head_people, counts_for_rounds, member_role

from . import rules, votes
from .access import (
    ballot_permits,
    branch_caps,
    case_permits,
    evaluation_permits,
    participation_caps,
)
from .models import (
    Ballot,
    BallotCode,
    BallotMember,
    BallotStatus,
    CaseStatus,
    CaseStep,
    DisciplineReferral,
    EvaluationStatus,
    GradeTally,
    HandlingCase,
    MemberEvaluation,
    PaperGradeCount,
    PaperGradeEntry,
    SelfAnalysisResult,
    StepDocument,
    TestStatus,
)


def _check_version(obj, expected_version) -> None:
    if expected_version is None:
        return
    text = str(expected_version).strip()
    stale = not (text.isascii() and text.isdigit() and len(text) < 10) or int(text) != obj.version
    if stale:
        raise ConflictError(
            f"“{obj}”已被他人修改：请刷新页面，查看最新情况后再操作。", code="stale"
        )


def _audit(actor, action: str, target, participation, *, reason: str = "", data=None):
    record_event(
        actor=actor,
        action=action,
        target=target,
        campaign_id=participation.campaign_id,
        organisation_id=participation.unit_id,
        reason=reason,
        data=data or {},
    )


# --- self-analysis tests (item 6) ---------------------------------------------------------------


def _template(participation):
    return participation.campaign.template


@transaction.atomic
def settle_self_analysis(*, actor, round_: SurveyRound) -> SelfAnalysisResult:
    """The result of a closed member round of the template's self-analysis test, judged with
    the smallest group the template gives the member's audience (seed 001: a team member is
    tested within the team; a team of five gives four answers). A failing result returns the
    member's self-analysis for rewriting, with the result as the reason (the instrument's
    ``on_fail``). Settling twice answers the first result."""
    round_ = (
        SurveyRound.objects.select_for_update(of=("self",))
        .select_related(
            "participation__campaign__template", "participation__unit", "subject_person"
        )
        .get(pk=round_.pk)
    )
    existing = SelfAnalysisResult.objects.filter(round=round_).first()
    if existing is not None:
        return existing
    participation = round_.participation
    template = _template(participation)
    spec = rules.self_analysis_spec(template)
    if not spec or spec["instrument"] != round_.instrument or round_.subject_person is None:
        raise DomainError("这不是本活动模板规定的党性分析测评。")
    if round_.status != RoundStatus.CLOSED:
        raise TransitionError("测评尚未结束，不能确认结果。")
    caps = participation_caps(actor, participation)
    if not caps & {"unit", "group", "office"}:
        raise DomainError("只有本单位、督导组或活动办公室可以确认测评结果。", code="forbidden")
    inst = get_instrument(template.data, round_.instrument)
    person = round_.subject_person
    role = member_role(person, _head_people(participation))
    audience = (inst.get("audience") or {}).get(role) or "branch_members"
    minimum = rules.min_group_size(template, inst, audience)
    judged = dict(inst, min_group_size=minimum)
    counts = counts_for_rounds([round_.pk]).get(round_.pk, {})
    outcome = decide_outcome(judged, counts, round_number=round_.round_number)
    group_size = SurveyCode.objects.filter(round=round_, via_link=False).count()
    result = SelfAnalysisResult.objects.create(
        round=round_,
        participation=participation,
        person=person,
        audience=audience,
        group_size=group_size,
        min_group_size=minimum,
        answers=outcome.answers,
        status=outcome.status,
        detail=outcome.detail[:255],
        settled_by=actor,
    )
    on_fail = inst.get("on_fail") or {}
    if outcome.status == TestStatus.FAILED and on_fail.get("action") == "rewrite_document":
        document = (
            Document.objects.filter(
                participation=participation,
                kind=on_fail["document_kind"],
                author=person,
                status__in=[DocumentStatus.SUBMITTED, DocumentStatus.APPROVED],
            )
            .order_by("-pk")
            .first()
        )
        if document is not None:
            reason = (
                f"党性分析报告满意度测评未达到要求（测评范围{AUDIENCE_LABELS.get(audience, '')} "
                f"{group_size} 人，有效票 {outcome.answers} 张；{outcome.detail}），请重新撰写。"
            )
            review_actions.return_for_rewrite(actor=actor, document=document, reason=reason)
            result.returned_document = document
            result.save(update_fields=["returned_document"])
    _audit(
        actor,
        "evaluation.self_analysis.settle",
        result,
        participation,
        data={
            "status": outcome.status,
            "answers": outcome.answers,
            "group_size": group_size,
            "min_group_size": minimum,
            "returned": result.returned_document_id,
        },
    )
    return result


def settle_closed_rounds() -> int:
    """Periodic job (``evaluation.settle_closed_rounds``): settle every closed self-analysis
    round not yet settled, as the person who closed it (the audit's ``survey.round.close``
    event), so that a round closed on the surveys pages also gives its result and returns a
    failing member's self-analysis. A round whose closer may not settle it is left for the unit
    or group to settle on the results page. Returns the number settled."""
    import logging

    from dudao.campaigns.models import Campaign
    from dudao.core.models import AuditEvent

    settled = 0
    for campaign in Campaign.objects.select_related("template"):
        spec = rules.self_analysis_spec(campaign.template)
        if not spec:
            continue
        rounds = (
            SurveyRound.objects.filter(
                campaign=campaign,
                instrument=spec["instrument"],
                status=RoundStatus.CLOSED,
                subject_person__isnull=False,
            )
            .exclude(pk__in=SelfAnalysisResult.objects.values("round_id"))
            .order_by("pk")
        )
        for round_ in rounds[:1000]:
            closer = (
                AuditEvent.objects.filter(
                    action="survey.round.close",
                    target_type=SurveyRound._meta.label_lower,
                    target_id=str(round_.pk),
                    actor__isnull=False,
                )
                .select_related("actor")
                .order_by("-seq")
                .first()
            )
            if closer is None:
                continue
            try:
                settle_self_analysis(actor=closer.actor, round_=round_)
                settled += 1
            except DomainError as exc:
                logging.getLogger(__name__).info("round %s left unsettled: %s", round_.pk, exc)
    return settled


@transaction.atomic
def close_self_analysis_test(*, actor, round_: SurveyRound) -> SelfAnalysisResult:
    """Close the member's round (surveys) and settle its result in the same transaction."""
    survey_actions.close_round(actor=actor, round_=round_)
    return settle_self_analysis(actor=actor, round_=round_)


# --- branch ballots (item 7) --------------------------------------------------------------------


def _lock_ballot(ballot: Ballot) -> Ballot:
    return (
        Ballot.objects.select_for_update(of=("self",))
        .select_related("participation__campaign__template", "participation__unit", "branch")
        .get(pk=ballot.pk)
    )


def _grade_codes(template) -> list[str]:
    codes = [c for c, _n in rules.grades(template)]
    if not codes:
        raise DomainError("本活动模板没有规定民主评议党员的评议等次。")
    return codes


@transaction.atomic
def create_ballot(*, actor, participation, branch) -> Ballot:
    """The branch's ballot, listing every party member of the branch (in roster order)."""
    if branch.kind != OrgKind.BRANCH or branch.unit_id != participation.unit_id:
        raise DomainError(f"“{branch}”不是本单位的党支部。")
    if not branch_caps(actor, participation, branch) & {"unit", "secretary"}:
        raise DomainError("只有本支部书记或本单位可以建立评议票。", code="forbidden")
    grades = _grade_codes(_template(participation))
    existing = Ballot.objects.filter(participation=participation, branch=branch).first()
    if existing is not None:
        return existing
    members = list(
        Person.objects.filter(branch=branch, is_party_member=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not members:
        raise DomainError(f"“{branch}”没有党员，无法建立评议票。")
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                campaign_id=participation.campaign_id,
                participation=participation,
                branch=branch,
                created_by=actor,
            )
    except IntegrityError:
        return Ballot.objects.get(participation=participation, branch=branch)
    BallotMember.objects.bulk_create(
        [BallotMember(ballot=ballot, person_id=pk, position=i + 1) for i, pk in enumerate(members)]
    )
    shards = 1 if votes.seals_votes() else ballot.shards
    GradeTally.objects.bulk_create(
        [
            GradeTally(ballot=ballot, person_id=pk, grade=g, shard=s)
            for pk in members
            for g in grades
            for s in range(shards)
        ],
        batch_size=2000,
    )
    _audit(actor, "evaluation.ballot.create", ballot, participation, data={"members": len(members)})
    return ballot


@transaction.atomic
def issue_codes(*, actor, ballot: Ballot, count: int) -> list[str]:
    """``count`` one-time codes, returned once to be printed (a slip per voter)."""
    ballot = _lock_ballot(ballot)
    ballot_permits(actor, ballot).require("issue_codes")
    if not 1 <= int(count) <= 5000:
        raise DomainError("评议码数量应在 1 到 5000 之间。")
    codes: list[str] = []
    while len(codes) < count:
        batch = {new_code() for _ in range(count - len(codes))}
        taken = set(BallotCode.objects.filter(code__in=batch).values_list("code", flat=True))
        fresh = [c for c in batch - taken if c not in codes]
        BallotCode.objects.bulk_create([BallotCode(ballot=ballot, code=c) for c in fresh])
        codes.extend(fresh)
    _audit(actor, "evaluation.ballot.codes", ballot, ballot.participation, data={"count": count})
    return codes


@transaction.atomic
def open_ballot(*, actor, ballot: Ballot) -> Ballot:
    ballot = _lock_ballot(ballot)
    ballot_permits(actor, ballot).require("open")
    ballot.status = BallotStatus.OPEN
    ballot.opened_at = timezone.now()
    ballot.version += 1
    ballot.save(update_fields=["status", "opened_at", "version"])
    _audit(actor, "evaluation.ballot.open", ballot, ballot.participation)
    return ballot


@transaction.atomic
def close_ballot(*, actor, ballot: Ballot) -> Ballot:
    """Close: from now on results per member are shown. The status is set first; touching
    every code row then waits for any vote in flight (it holds its code's row lock); a vote
    reaching its code afterwards finds the ballot closed and counts nothing."""
    ballot = _lock_ballot(ballot)
    ballot_permits(actor, ballot).require("close")
    entries = PaperGradeEntry.objects.filter(ballot=ballot).count()
    if entries and not PaperGradeCount.objects.filter(ballot=ballot).exists():
        raise TransitionError(
            "纸质评议票须由两位同志分别录入且一致后才能结束评议（目前只录入了一次，或两次不一致）。"
        )
    ballot.status = BallotStatus.CLOSED
    ballot.closed_at = timezone.now()
    ballot.version += 1
    ballot.save(update_fields=["status", "closed_at", "version"])
    BallotCode.objects.filter(ballot=ballot).update(used=F("used"))
    if votes.seals_votes():
        votes.open_sealed(ballot)
    votes.rewrite_rows(ballot)
    votes.after_close()
    used = BallotCode.objects.filter(ballot=ballot, used=True).count()
    _audit(
        actor,
        "evaluation.ballot.close",
        ballot,
        ballot.participation,
        data={"online": used, "paper": ballot.paper_votes},
    )
    return ballot


@dataclass(frozen=True)
class VoteResult:
    status: str  # counted | unknown | used | closed | invalid
    message: str
    errors: dict

    @property
    def counted(self) -> bool:
        return self.status == "counted"


VOTE_MESSAGES = {
    "counted": "您的评议票已提交，谢谢参与。",
    "unknown": "评议码不存在：请核对纸条上的评议码后重新输入（不区分大小写，短横线可不输）。",
    "used": "这个评议码已经使用过，每张评议票只计一次。",
    "not_open": "评议尚未开始，请在通知的时间再来。",
    "closed": "评议已经结束，不再接收评议票。",
    "invalid": "还有党员没有评定等次，请逐一选择后再提交。",
}


class _BallotClosed(Exception):
    """Rolls a vote back when its ballot closed in between."""


def lookup_code(text: str) -> tuple[Ballot | None, str]:
    code = normalise(text)
    row = (
        BallotCode.objects.filter(code=code)
        .select_related("ballot__participation__campaign__template", "ballot__branch")
        .first()
    )
    if row is None:
        return None, "unknown"
    if row.used:
        return row.ballot, "used"
    if row.ballot.status == BallotStatus.PREPARING:
        return row.ballot, "not_open"
    if row.ballot.status == BallotStatus.CLOSED:
        return row.ballot, "closed"
    return row.ballot, "ok"


def cast_vote(*, code: str, grades: dict) -> VoteResult:
    """One anonymous vote: every member on the ballot gets one grade of the template's scale.
    No actor (the voter is anonymous) and no audit event: an event would carry a time."""
    code = normalise(code)
    ballot, state = lookup_code(code)
    if state != "ok":
        return VoteResult(state, VOTE_MESSAGES[state], {})
    scale = set(_grade_codes(_template(ballot.participation)))
    members = list(ballot.members.values_list("person_id", flat=True))
    chosen: list[tuple[int, str]] = []
    errors = {}
    for pk in members:
        grade = str(grades.get(pk) or grades.get(str(pk)) or "")
        if grade not in scale:
            errors[pk] = "请选择等次"
        else:
            chosen.append((pk, grade))
    if errors:
        return VoteResult("invalid", VOTE_MESSAGES["invalid"], errors)
    try:
        with transaction.atomic():
            # Compare-and-set on the code row alone (a plain UPDATE … WHERE used = false, which
            # PostgreSQL re-checks once a concurrent vote holding the row commits; a filter
            # through the ballot would become a sub-select read before the wait and let a
            # code submitted twice at once count twice — the concurrency test caught it).
            if BallotCode.objects.filter(code=code, used=False).update(used=True) != 1:
                return VoteResult("used", VOTE_MESSAGES["used"], {})
            if not Ballot.objects.filter(pk=ballot.pk, status=BallotStatus.OPEN).exists():
                raise _BallotClosed
            votes.count_vote(ballot, chosen, len(members))
    except _BallotClosed:
        return VoteResult("closed", VOTE_MESSAGES["closed"], {})
    return VoteResult("counted", VOTE_MESSAGES["counted"], {})


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


# --- organisational handling (item 8) -----------------------------------------------------------


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
