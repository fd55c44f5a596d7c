"""Branch ballots (item 7): creating a ballot, issuing its codes, opening and closing it, and
the anonymous vote cast with a code."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from dudao.core.errors import DomainError, TransitionError
from dudao.orgs.models import OrgKind, Person
from dudao.surveys.codes import new_code, normalise

from .. import votes
from ..access import ballot_permits, branch_caps
from ..models import (
    Ballot,
    BallotCode,
    BallotMember,
    BallotStatus,
    GradeTally,
    PaperGradeCount,
    PaperGradeEntry,
)
from ._common import _audit, _grade_codes, _lock_ballot, _template


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
