"""Who sees and does what in 分析评议 (issue 12 §5–§8), and the permits functions the pages and
the actions both ask.

| who | talk matrix, test results | branch ballots, evaluations | handling cases |
|---|---|---|---|
| office | its campaign (read) | read | see |
| leading group | read | read | — |
| supervision group | its units (read) | read | see |
| inspector | its departments (read) | — | — |
| unit head | his unit | run, propose, **decide** (单位党委) | see, record unit-committee steps, refer |
| liaison | his unit | run, propose | — |
| branch secretary | — | his branch: run, propose | his branch's cases: see, record branch steps, refer |
| member | — | — | — |

Seed 001 / issue 12 §8: "Only the branch secretary, unit head, supervision group and office see a
case". Everything out of scope answers 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from dudao.campaigns.access import get_participation_for_user
from dudao.campaigns.models import Participation
from dudao.core.access import NOT_FOUND, get_in_scope_or_404
from dudao.core.permissions import Permits, allow, refuse
from dudao.orgs.access import scope_for
from dudao.orgs.models import Organisation

from . import rules
from .models import (
    Ballot,
    BallotStatus,
    CaseStatus,
    EvaluationStatus,
    HandlingCase,
    MemberEvaluation,
)

UNIT, HEAD, GROUP, OFFICE, READ, INSPECTOR, SECRETARY = (
    "unit", "head", "group", "office", "read", "inspector", "secretary",
)  # fmt: skip


def participation_caps(user, participation) -> set[str]:
    scope = scope_for(user)
    caps: set[str] = set()
    if participation.unit_id in scope.units:
        caps.add(UNIT)
    if participation.unit_id in scope.head_units:
        caps.add(HEAD)
    if participation.group_id is not None and participation.group_id in scope.groups:
        caps.add(GROUP)
    if scope.is_superuser or participation.campaign_id in scope.office_campaigns:
        caps.add(OFFICE)
    if participation.campaign_id in scope.leading_campaigns:
        caps.add(READ)
    if scope.inspection:
        path = participation.unit.path
        for campaign_id, paths in scope.inspection.values():
            if campaign_id == participation.campaign_id and any(path.startswith(x) for x in paths):
                caps.add(INSPECTOR)
    return caps


def branch_caps(user, participation, branch: Organisation) -> set[str]:
    caps = participation_caps(user, participation)
    scope = scope_for(user)
    if any(branch.path.startswith(p) for p in scope.branch_paths.values()):
        caps.add(SECRETARY)
    return caps


def get_participation_as(user, participation_id, *caps: str) -> Participation:
    """The unit's participation if the user holds one of ``caps`` on it; 404 otherwise."""
    p = get_participation_for_user(user, participation_id)
    if not participation_caps(user, p) & set(caps):
        raise Http404(NOT_FOUND)
    return p


# --- ballots -------------------------------------------------------------------------------------

BALLOT_READERS = {UNIT, GROUP, OFFICE, READ, SECRETARY}
BALLOT_RUNNERS = {UNIT, SECRETARY}


def visible_ballots(user) -> QuerySet[Ballot]:
    scope = scope_for(user)
    qs = Ballot.objects.all()
    if scope.is_superuser:
        return qs
    if user is None or not user.is_authenticated:
        return qs.none()
    parts = Q(pk__in=[])
    if scope.read_all_campaigns:
        parts |= Q(campaign_id__in=scope.read_all_campaigns)
    if scope.groups:
        parts |= Q(participation__group_id__in=scope.groups)
    if scope.units:
        parts |= Q(participation__unit_id__in=scope.units)
    for path in scope.branch_paths.values():
        parts |= Q(branch__path__startswith=path)
    return qs.filter(parts)


def get_ballot_for_user(user, ballot_id) -> Ballot:
    return get_in_scope_or_404(
        visible_ballots(user).select_related(
            "participation__campaign__template", "participation__unit", "branch"
        ),
        ballot_id,
    )


def ballot_permits(user, ballot: Ballot) -> Permits:
    caps = branch_caps(user, ballot.participation, ballot.branch)
    permits = Permits()
    runner = bool(caps & BALLOT_RUNNERS)
    status = ballot.status
    state = f"评议票当前为“{ballot.get_status_display()}”。"

    def gate(action: str, who_ok: bool, who: str, state_ok: bool, reason: str = state):
        if not who_ok:
            permits.add(refuse(action, f"只有{who}可以进行此操作。"))
        elif not state_ok:
            permits.add(refuse(action, reason, state=True))
        else:
            permits.add(allow(action))

    gate("issue_codes", runner, "本支部书记或本单位", status != BallotStatus.CLOSED)
    gate("open", runner, "本支部书记或本单位", status == BallotStatus.PREPARING)
    gate("enter_paper", runner, "本支部书记或本单位", status == BallotStatus.OPEN)
    gate("close", runner, "本支部书记或本单位", status == BallotStatus.OPEN)
    closed = status == BallotStatus.CLOSED
    gate("propose", runner, "本支部书记或本单位", closed, "评议票结束后才能提出评议意见。")
    gate("decide", HEAD in caps, "单位主要负责人（代表单位党委）", closed, "评议票尚未结束。")
    gate("notice", runner, "本支部书记或本单位", closed, "评议票尚未结束。")
    return permits


def evaluation_permits(user, evaluation: MemberEvaluation) -> Permits:
    ballot = evaluation.ballot
    caps = branch_caps(user, ballot.participation, ballot.branch)
    permits = Permits()
    runner = bool(caps & BALLOT_RUNNERS)
    decided = evaluation.status == EvaluationStatus.DECIDED
    if not runner:
        permits.add(refuse("propose", "只有本支部书记或本单位可以提出评议意见。"))
    elif decided:
        permits.add(refuse("propose", "单位党委已确定等次，不能再修改评议意见。", state=True))
    else:
        permits.add(allow("propose"))
    if HEAD not in caps:
        permits.add(refuse("decide", "只有单位主要负责人（代表单位党委）可以确定等次。"))
    elif decided:
        permits.add(refuse("decide", "等次已经确定。", state=True))
    else:
        permits.add(allow("decide"))
    if not (caps & (BALLOT_RUNNERS | {HEAD})):
        permits.add(refuse("letter", "只有本支部书记或本单位可以出具书面告知书。"))
    elif not decided:
        permits.add(refuse("letter", "等次确定后才能出具书面告知书。", state=True))
    else:
        permits.add(allow("letter"))
    try:
        has_case = evaluation.case is not None  # cached when the caller selected it
    except HandlingCase.DoesNotExist:
        has_case = False
    template = ballot.participation.campaign.template
    if not (caps & {SECRETARY, HEAD}):
        permits.add(refuse("open_case", "只有支部书记或单位主要负责人可以启动组织处理。"))
    elif not rules.steps(template):
        permits.add(refuse("open_case", "本活动模板没有规定组织处理程序。", state=True))
    elif not decided or evaluation.decided_grade != rules.UNQUALIFIED:
        permits.add(refuse("open_case", "只有确定为不合格的党员才进行组织处理。", state=True))
    elif has_case:
        permits.add(refuse("open_case", "已经启动组织处理。", state=True))
    else:
        permits.add(allow("open_case"))
    return permits


# --- handling cases ------------------------------------------------------------------------------


def visible_cases(user) -> QuerySet[HandlingCase]:
    """Only the branch secretary, the unit head, the supervision group and the office."""
    scope = scope_for(user)
    qs = HandlingCase.objects.all()
    if scope.is_superuser:
        return qs
    if user is None or not user.is_authenticated:
        return qs.none()
    parts = Q(pk__in=[])
    if scope.office_campaigns:
        parts |= Q(campaign_id__in=scope.office_campaigns)
    if scope.groups:
        parts |= Q(participation__group_id__in=scope.groups)
    if scope.head_units:
        parts |= Q(participation__unit_id__in=scope.head_units)
    for path in scope.branch_paths.values():
        parts |= Q(branch__path__startswith=path)
    return qs.filter(parts)


def get_case_for_user(user, case_id) -> HandlingCase:
    return get_in_scope_or_404(
        visible_cases(user).select_related(
            "participation__campaign__template", "participation__unit", "branch", "person"
        ),
        case_id,
    )


def case_permits(user, case: HandlingCase) -> Permits:
    caps = branch_caps(user, case.participation, case.branch)
    permits = Permits()
    template = case.participation.campaign.template
    step = rules.step(template, case.current_step) if case.current_step else None
    if case.status == CaseStatus.CLOSED or step is None:
        permits.add(refuse("record_step", "本案已结案。", state=True))
    else:
        need = SECRETARY if step.decided_by == "branch" else HEAD
        who = "支部书记" if need == SECRETARY else "单位主要负责人（代表单位党委）"
        if need not in caps and not (need == SECRETARY and HEAD in caps):
            permits.add(
                refuse("record_step", f"“{step.name}”由{step.decider_label}决定，由{who}记录。")
            )
        else:
            permits.add(allow("record_step"))
    if caps & {SECRETARY, HEAD}:
        permits.add(allow("refer"))
    else:
        permits.add(refuse("refer", "只有支部书记或单位主要负责人可以记录移送纪检机关。"))
    return permits
