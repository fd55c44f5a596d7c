"""Who sees and does what with the supervision group's work, and the permits functions the
pages and the actions both ask (``problem_permits``, ``report_permits``).

| who | sees | may |
|---|---|---|
| office (and superusers) | every visit, problem, spot-check and weekly report of its campaign | read the week's reports side by side |
| leading group | the same, read only | — |
| supervision group | its units' visits, problems and spot-checks; its own weekly reports | log visits, record problems, verify or send back; the leader (or, where the template says so, a member) sends problems; the leader submits the report |
| inspection group | the visits it logged at its departments | log visits |
| unit head / liaison | the problems sent to the unit (not drafts, not the group's notes) | answer them |
| typical experiences | office, leading group: the campaign's; a group: those it nominated; a unit: its own once published | a group nominates (and rewrites a returned one); the office edits, approves or returns, publishes |
| roving inspection | office, leading group: every inspection group's checks, exchanges and reports; an inspection group: its own, at its departments | an inspection group checks regulations and mechanisms, records exchanges of views, compiles and submits its report to the leading group; the leading group (or the office) marks a submitted report read (已阅) |

Everything else answers 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from dudao.campaigns.access import get_participation_for_user
from dudao.campaigns.models import InspectionGroup, Participation
from dudao.core.access import NOT_FOUND, get_in_scope_or_404
from dudao.core.permissions import Permits, allow, refuse
from dudao.orgs.access import scope_for
from dudao.rectification.access import GROUP, INSPECTOR, OFFICE, UNIT, participation_caps

from . import rules
from .models import (
    ExperienceStatus,
    InspectionCheck,
    InspectionReport,
    InspectionReportStatus,
    Interview,
    Problem,
    ProblemStatus,
    ReportStatus,
    SpotCheck,
    TypicalExperience,
    ViewExchange,
    Visit,
    WeeklyReport,
)

LEADER = "leader"
__all__ = ["GROUP", "INSPECTOR", "LEADER", "OFFICE", "UNIT"]


def caps(user, participation) -> set[str]:
    found = participation_caps(user, participation)
    scope = scope_for(user)
    if participation.group_id is not None and participation.group_id in scope.led_groups:
        found.add(LEADER)
    if scope.is_superuser:
        found |= {GROUP, LEADER}
    return found


def _visible_participations(user):
    return Participation.objects.filter(scope_for(user).participation_q()).values("pk")


def visible_problems(user) -> QuerySet[Problem]:
    scope = scope_for(user)
    qs = Problem.objects.all()
    if scope.is_superuser:
        return qs
    if user is None or not user.is_authenticated:
        return qs.none()
    parts = Q(pk__in=[])
    if scope.read_all_campaigns:
        parts |= Q(campaign_id__in=scope.read_all_campaigns)
    if scope.groups:
        parts |= Q(group_id__in=scope.groups)
    if scope.units:
        # A unit sees what was sent to it, never the group's drafts.
        parts |= Q(participation__unit_id__in=scope.units) & ~Q(status=ProblemStatus.DRAFT)
    return qs.filter(parts)


def visible_visits(user) -> QuerySet[Visit]:
    scope = scope_for(user)
    qs = Visit.objects.all()
    if scope.is_superuser:
        return qs
    if user is None or not user.is_authenticated:
        return qs.none()
    parts = Q(pk__in=[])
    if scope.read_all_campaigns:
        parts |= Q(campaign_id__in=scope.read_all_campaigns)
    if scope.groups:
        parts |= Q(group_id__in=scope.groups)
    if scope.inspection:
        parts |= Q(inspection_group_id__in=list(scope.inspection))
    return qs.filter(parts)


def visible_spot_checks(user) -> QuerySet[SpotCheck]:
    scope = scope_for(user)
    qs = SpotCheck.objects.all()
    if scope.is_superuser:
        return qs
    if user is None or not user.is_authenticated:
        return qs.none()
    parts = Q(pk__in=[])
    if scope.read_all_campaigns:
        parts |= Q(campaign_id__in=scope.read_all_campaigns)
    if scope.groups:
        parts |= Q(group_id__in=scope.groups)
    return qs.filter(parts)


def visible_reports(user) -> QuerySet[WeeklyReport]:
    scope = scope_for(user)
    qs = WeeklyReport.objects.all()
    if scope.is_superuser:
        return qs
    if user is None or not user.is_authenticated:
        return qs.none()
    parts = Q(pk__in=[])
    if scope.read_all_campaigns:
        parts |= Q(campaign_id__in=scope.read_all_campaigns)
    if scope.groups:
        parts |= Q(group_id__in=scope.groups)
    return qs.filter(parts)


def visible_interviews(user) -> QuerySet[Interview]:
    """Only the group, the office and the leading group (issue 13 §3): not the unit."""
    scope = scope_for(user)
    qs = Interview.objects.all()
    if scope.is_superuser:
        return qs
    if user is None or not user.is_authenticated:
        return qs.none()
    parts = Q(pk__in=[])
    if scope.read_all_campaigns:
        parts |= Q(campaign_id__in=scope.read_all_campaigns)
    if scope.groups:
        parts |= Q(group_id__in=scope.groups)
    return qs.filter(parts)


def get_interview_for_user(user, interview_id) -> Interview:
    return get_in_scope_or_404(
        visible_interviews(user).select_related("participation", "group", "created_by"),
        interview_id,
    )


def may_interview(user, participation) -> bool:
    return GROUP in caps(user, participation)


def get_problem_for_user(user, problem_id) -> Problem:
    return get_in_scope_or_404(
        visible_problems(user).select_related(
            "participation__campaign__template", "participation__unit", "group", "created_by"
        ),
        problem_id,
    )


def get_visit_for_user(user, visit_id) -> Visit:
    return get_in_scope_or_404(
        visible_visits(user).select_related("participation__unit", "group", "author"), visit_id
    )


def get_spot_check_for_user(user, check_id) -> SpotCheck:
    return get_in_scope_or_404(
        visible_spot_checks(user).select_related(
            "participation__campaign__template", "participation__unit", "problem"
        ),
        check_id,
    )


def get_report_for_user(user, report_id) -> WeeklyReport:
    return get_in_scope_or_404(
        visible_reports(user).select_related("group", "campaign__template", "submitted_by"),
        report_id,
    )


def get_participation_as(user, participation_id, *wanted: str) -> Participation:
    """The unit's participation if the user holds one of ``wanted`` on it; 404 otherwise."""
    p = get_participation_for_user(user, participation_id)
    if not caps(user, p) & set(wanted):
        raise Http404(NOT_FOUND)
    return p


def may_log_visit(user, participation) -> bool:
    return bool(caps(user, participation) & {GROUP, INSPECTOR})


def may_record_problem(user, participation) -> bool:
    return GROUP in caps(user, participation)


def may_spot_check(user, participation) -> bool:
    return GROUP in caps(user, participation)


def problem_permits(user, problem: Problem) -> Permits:
    """What ``user`` may do to ``problem`` now, and why not. The page shows the allowed
    buttons; each action asks again on the locked row and calls ``require``."""
    have = caps(user, problem.participation)
    permits = Permits()
    status = problem.status
    state_reason = f"该问题当前状态为“{problem.get_status_display()}”。"
    template = problem.participation.campaign.template
    # Issue 13 §9: who may send a problem is template data.
    senders = {LEADER} if rules.decider(template, "send_problem") == "leader" else {GROUP}

    def gate(action: str, who_ok: bool, who: str, state_ok: bool):
        if not who_ok:
            permits.add(refuse(action, f"只有{who}可以进行此操作。"))
        elif not state_ok:
            permits.add(refuse(action, state_reason, state=True))
        else:
            permits.add(allow(action))

    sender_label = "督导组组长" if senders == {LEADER} else "督导组成员"
    gate("send", bool(have & senders), sender_label, status == ProblemStatus.DRAFT)
    gate("answer", UNIT in have, "本单位", status == ProblemStatus.SENT)
    gate("verify", GROUP in have, "督导组", status == ProblemStatus.ANSWERED)
    gate("send_back", GROUP in have, "督导组", status == ProblemStatus.ANSWERED)
    return permits


def report_permits(user, report: WeeklyReport) -> Permits:
    scope = scope_for(user)
    permits = Permits()
    leader = scope.is_superuser or report.group_id in scope.led_groups
    if not leader:
        permits.add(refuse("edit", "只有本组组长可以填写和提交周报。"))
        permits.add(refuse("submit", "只有本组组长可以填写和提交周报。"))
    elif report.status != ReportStatus.DRAFT:
        permits.add(refuse("edit", "周报已报送活动办。", state=True))
        permits.add(refuse("submit", "周报已报送活动办。", state=True))
    else:
        permits.add(allow("edit"))
        permits.add(allow("submit"))
    return permits


# --- typical experiences (issue 13 §4) -------------------------------------------------------


def visible_experiences(user) -> QuerySet[TypicalExperience]:
    scope = scope_for(user)
    qs = TypicalExperience.objects.all()
    if scope.is_superuser:
        return qs
    if user is None or not user.is_authenticated:
        return qs.none()
    parts = Q(pk__in=[])
    if scope.read_all_campaigns:
        parts |= Q(campaign_id__in=scope.read_all_campaigns)
    if scope.groups:
        parts |= Q(group_id__in=scope.groups)
    if scope.units:
        # A unit sees its own practice once the office has published it (never a nomination,
        # the office's edits or a return: those are between the group and the office).
        parts |= Q(participation__unit_id__in=scope.units, status=ExperienceStatus.PUBLISHED)
    return qs.filter(parts)


def get_experience_for_user(user, experience_id) -> TypicalExperience:
    return get_in_scope_or_404(
        visible_experiences(user).select_related(
            "campaign", "participation__unit", "group", "nominated_by"
        ),
        experience_id,
    )


def may_nominate(user, participation) -> bool:
    return GROUP in caps(user, participation)


def experience_permits(user, experience: TypicalExperience) -> Permits:
    """``edit``, ``renominate``, ``approve``, ``return``, ``publish``: what ``user`` may do to a
    typical experience now, and why not. The group rewrites a returned one and sends it again;
    the office edits, approves or returns, and publishes what it approved."""
    scope = scope_for(user)
    office = scope.is_superuser or experience.campaign_id in scope.office_campaigns
    group = experience.group_id is not None and experience.group_id in scope.groups
    s = ExperienceStatus
    status = experience.status
    state_reason = f"该典型经验当前为“{experience.get_status_display()}”。"
    permits = Permits()

    def gate(action: str, who_ok: bool, who: str, states):
        if not who_ok:
            permits.add(refuse(action, f"只有{who}可以进行此操作。"))
        elif status not in states:
            permits.add(refuse(action, state_reason, state=True))
        else:
            permits.add(allow(action))

    if office:
        gate("edit", True, "活动办公室", (s.NOMINATED, s.APPROVED))
    else:
        gate("edit", group, "活动办公室或推荐的督导组", (s.RETURNED,))
    gate("renominate", group, "推荐的督导组", (s.RETURNED,))
    gate("approve", office, "活动办公室", (s.NOMINATED,))
    gate("return", office, "活动办公室", (s.NOMINATED, s.APPROVED))
    gate("publish", office, "活动办公室", (s.APPROVED,))
    return permits


# --- roving inspection (issue 13 §6) ---------------------------------------------------------


def _inspection_q(user, field: str = "inspection_group_id") -> Q | None:
    """``None``: everything (superuser); otherwise what the user's roles see."""
    scope = scope_for(user)
    if scope.is_superuser:
        return None
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    parts = Q(pk__in=[])
    if scope.read_all_campaigns:
        parts |= Q(campaign_id__in=scope.read_all_campaigns)
    if scope.inspection:
        parts |= Q(**{f"{field}__in": list(scope.inspection)})
    return parts


def _scoped(qs, user):
    q = _inspection_q(user)
    return qs if q is None else qs.filter(q)


def visible_inspection_checks(user) -> QuerySet[InspectionCheck]:
    return _scoped(InspectionCheck.objects.all(), user)


def visible_exchanges(user) -> QuerySet[ViewExchange]:
    return _scoped(ViewExchange.objects.all(), user)


def visible_inspection_reports(user) -> QuerySet[InspectionReport]:
    return _scoped(InspectionReport.objects.all(), user)


def get_inspection_report_for_user(user, report_id) -> InspectionReport:
    return get_in_scope_or_404(
        visible_inspection_reports(user).select_related(
            "campaign", "inspection_group", "submitted_by"
        ),
        report_id,
    )


def may_inspect(user, participation) -> bool:
    """An inspection group member at one of his group's departments (seed 000)."""
    return INSPECTOR in caps(user, participation)


def inspection_group_of(user, participation):
    """The id of the user's inspection group whose departments hold the unit (or None)."""
    path = participation.unit.path
    for group_id, (campaign_id, paths) in scope_for(user).inspection.items():
        if campaign_id == participation.campaign_id and any(path.startswith(x) for x in paths):
            return group_id
    return None


def inspection_report_permits(user, report: InspectionReport) -> Permits:
    """``edit``, ``submit``: the inspection group, while a draft; ``acknowledge`` (已阅): the
    campaign's leading group, or the office on its behalf, once submitted."""
    scope = scope_for(user)
    member = scope.is_superuser or report.inspection_group_id in scope.inspection
    permits = Permits()
    for action in ("edit", "submit"):
        if not member:
            permits.add(refuse(action, "只有本巡回检查组成员可以填写和报送检查报告。"))
        elif report.status != InspectionReportStatus.DRAFT:
            permits.add(refuse(action, "检查报告已报送领导小组。", state=True))
        else:
            permits.add(allow(action))
    reader = scope.is_superuser or report.campaign_id in scope.read_all_campaigns
    if not reader:
        permits.add(refuse("acknowledge", "只有领导小组或活动办公室可以阅示检查报告。"))
    elif report.status != InspectionReportStatus.SUBMITTED:
        permits.add(
            refuse("acknowledge", f"检查报告当前为“{report.get_status_display()}”。", state=True)
        )
    else:
        permits.add(allow("acknowledge"))
    return permits


def get_inspection_group_for_user(user, group_id):
    """An inspection group to its members, and to the office and leading group of its
    campaign; 404 for everyone else."""
    scope = scope_for(user)
    qs = InspectionGroup.objects.select_related("campaign")
    if not scope.is_superuser:
        qs = qs.filter(
            Q(pk__in=list(scope.inspection)) | Q(campaign_id__in=scope.read_all_campaigns)
        )
    return get_in_scope_or_404(qs, group_id)


def get_inspection_unit_for_user(user, participation_id) -> Participation:
    """A unit's inspection page: its inspection group, the office and the leading group."""
    p = get_participation_for_user(user, participation_id)
    scope = scope_for(user)
    if not (
        may_inspect(user, p) or scope.is_superuser or p.campaign_id in scope.read_all_campaigns
    ):
        raise Http404(NOT_FOUND)
    return p
