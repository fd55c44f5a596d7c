"""The to-do providers of the apps this one reads (transitions, reviews, rectification) and of
its own work (problems, spot-checks, weekly reports), registered with ``dudao.core.todo``.

Each provider narrows by the user's scope (``dudao.orgs.access.scope_for``, computed once per
request) and answers its count in one query. Who a document waits on comes from the
template's document kinds (``reviewed_by``: study notes wait with the branch secretary, not
the supervision group).
"""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from dudao.campaigns.models import Campaign, CampaignStatus, InspectionGroup, Participation
from dudao.core.todo import Provider, Todo, register
from dudao.orgs.access import scope_for
from dudao.orgs.models import Organisation, Person
from dudao.rectification.models import Item, ItemStatus
from dudao.reviews.models import CommentStatus, Document, DocumentStatus, ReviewComment
from dudao.transitions.models import (
    ApplicationStatus,
    ExtensionStatus,
    PhaseExtension,
    RemedialOrder,
    TransitionApplication,
)

from . import rules
from .models import (
    CheckResult,
    CheckTarget,
    ExperienceStatus,
    InspectionCheck,
    InspectionReport,
    InspectionReportStatus,
    Problem,
    ProblemStatus,
    ReportStatus,
    SpotCheck,
    TypicalExperience,
    Visit,
    WeeklyReport,
)

NOTHING = Q(pk__in=[])
PERSONAL = ("member", "leadership_member")


def _any(parts: list[Q]) -> Q:
    return reduce(or_, parts) if parts else NOTHING


def _today() -> dt.date:
    return timezone.localdate()


def _campaigns_of(user):
    """The campaigns the user takes any part in (one query with the templates)."""
    scope = scope_for(user)
    ids = scope.campaign_ids()
    if ids is None:
        return Campaign.objects.all()
    # EXISTS per campaign, not a join over its participations with DISTINCT: the join read
    # every unit of a 10,000-unit campaign on every page (≈ 30 ms of the header's to-do count).
    unit_q = Q(unit_id__in=Person.objects.filter(user_id=user.pk).values("unit_id"))
    if scope.units:
        unit_q |= Q(unit_id__in=scope.units)
    if scope.branch_paths:
        branch_units = Organisation.objects.filter(pk__in=list(scope.branch_paths)).values(
            "unit_id"
        )
        unit_q |= Q(unit_id__in=branch_units)
    takes_part = Participation.objects.filter(unit_q, campaign_id=OuterRef("pk"))
    return Campaign.objects.filter(Q(pk__in=ids) | Q(Exists(takes_part)))


def _kinds(user) -> dict[int, dict[str, tuple[str, str]]]:
    """``{campaign_id: {kind code: (submitted_by, reviewed_by)}}`` from every campaign's
    template; one query per request (cached on the user like the scope)."""
    cached = getattr(user, "_dudao_todo_kinds", None)
    if cached is None:
        cached = {}
        user._dudao_todo_templates = {}
        for c in _campaigns_of(user).select_related("template"):
            user._dudao_todo_templates[c.pk] = c.template
            cached[c.pk] = {
                k["code"]: (k.get("submitted_by", ""), k.get("reviewed_by", ""))
                for k in (c.template.data.get("document_kinds") or [])
            }
        user._dudao_todo_kinds = cached
    return cached


def _template(user, campaign_id):
    """The campaign's template, loaded once per request: rows are fetched without it (a
    template's data is large; decoding it per row would dominate the page)."""
    _kinds(user)
    found = user._dudao_todo_templates.get(campaign_id)
    if found is None:
        found = Campaign.objects.select_related("template").get(pk=campaign_id).template
        user._dudao_todo_templates[campaign_id] = found
    return found


def _provider(code, section, query, items, order):
    register(
        Provider(
            code=code,
            section=section,
            count=lambda user: query(user).count() if user.is_authenticated else 0,
            items=items,
            order=order,
        )
    )


# --- transitions: 补课, send-backs, the queue, extensions --------------------------------------


def remedial_q(user):
    units = scope_for(user).units
    if not units:
        return RemedialOrder.objects.none()
    return RemedialOrder.objects.filter(participation__unit_id__in=units, closed_at__isnull=True)


def remedial_items(user):
    return [
        Todo(
            section="补课通知",
            title=f"{o.participation.unit_name}：{o.phase_name}须补课",
            url_name="transitions:unit",
            url_args=(o.participation_id,),
            reason=f"补课内容：{o.work}（理由：{o.reason}）",
            due=o.deadline,
            light="red" if o.deadline < _today() else "",
        )
        for o in _with_phase_names(user, remedial_q(user).select_related("participation"))
    ]


def _with_phase_names(user, orders):
    orders = list(orders)
    for o in orders:
        data = _template(user, o.participation.campaign_id).data
        phases = {p.get("code"): p.get("name") for p in data.get("phases", [])}
        o.phase_name = phases.get(o.phase, "本阶段")
    return orders


def sent_back_q(user):
    units = scope_for(user).units
    if not units:
        return TransitionApplication.objects.none()
    later = TransitionApplication.objects.filter(
        participation_id=OuterRef("participation_id"), submitted_at__gt=OuterRef("submitted_at")
    )
    return TransitionApplication.objects.filter(
        participation__unit_id__in=units, status=ApplicationStatus.SENT_BACK
    ).exclude(Exists(later))


def sent_back_items(user):
    return [
        Todo(
            section="转段申请被退回",
            title=f"{a.participation.unit_name}：第{a.attempt}次转段申请被退回",
            url_name="transitions:unit",
            url_args=(a.participation_id,),
            reason=f"退回理由：{a.office_comment}",
            since=a.office_decided_at,
        )
        for a in sent_back_q(user).select_related("participation")
    ]


def queue_q(user):
    scope = scope_for(user)
    parts = []
    if scope.groups:
        parts.append(
            Q(status=ApplicationStatus.SUBMITTED, participation__group_id__in=scope.groups)
        )
    if scope.office_campaigns:
        parts.append(Q(status=ApplicationStatus.FORWARDED, campaign_id__in=scope.office_campaigns))
    if scope.is_superuser:
        parts = [Q(status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.FORWARDED])]
    return TransitionApplication.objects.filter(_any(parts))


def queue_items(user):
    return [
        Todo(
            section="待审核的转段申请",
            title=f"{a.participation.unit_name}：第{a.attempt}次转段申请（{a.get_status_display()}）",
            url_name="transitions:application",
            url_args=(a.pk,),
            since=a.waiting_since,
        )
        for a in queue_q(user).select_related("participation").order_by("waiting_since")[:100]
    ]


def extensions_q(user):
    scope = scope_for(user)
    if scope.is_superuser:
        q = Q()
    elif scope.office_campaigns:
        q = Q(participation__campaign_id__in=scope.office_campaigns)
    else:
        return PhaseExtension.objects.none()
    return PhaseExtension.objects.filter(q, status=ExtensionStatus.PROPOSED)


def extensions_items(user):
    return [
        Todo(
            section="待决定的延期",
            title=f"{e.participation.unit_name}：建议延长{e.days}天",
            url_name="transitions:extension",
            url_args=(e.participation_id,),
            reason=e.reason,
            since=e.proposed_at,
        )
        for e in extensions_q(user).select_related("participation")[:100]
    ]


# --- reviews: returned documents with open comments, reviews waiting --------------------------


def returned_q(user):
    scope = scope_for(user)
    kinds = _kinds(user)
    parts = []
    for campaign_id, spec in kinds.items():
        personal = [k for k, (sub, _r) in spec.items() if sub in PERSONAL]
        if scope.units:
            parts.append(
                Q(campaign_id=campaign_id, participation__unit_id__in=scope.units)
                & ~Q(kind__in=personal)
            )
        if personal:
            parts.append(Q(campaign_id=campaign_id, kind__in=personal, author__user_id=user.pk))
    # A comment the unit answered in its thread waits on the reviewer, not on the unit.
    open_comments = ReviewComment.objects.filter(
        document_id=OuterRef("pk"), status=CommentStatus.OPEN, answered_at__isnull=True
    )
    return Document.objects.filter(_any(parts), status=DocumentStatus.RETURNED).filter(
        Exists(open_comments)
    )


def returned_items(user):
    return [
        Todo(
            section="退回修改的文书",
            title=f"{d.participation.unit_name}：{d.title or '文书'}（有未解决的审核意见）",
            url_name="reviews:detail",
            url_args=(d.pk,),
            since=d.updated_at,
        )
        for d in returned_q(user).select_related("participation")[:100]
    ]


def waiting_q(user):
    """Submitted documents waiting on this user as the template's reviewer of their kind."""
    scope = scope_for(user)
    parts = []
    for campaign_id, spec in _kinds(user).items():
        by = {}
        for code, (_sub, reviewer) in spec.items():
            by.setdefault(reviewer, []).append(code)
        base = Q(campaign_id=campaign_id)
        if scope.groups and by.get("group"):
            parts.append(base & Q(kind__in=by["group"], participation__group_id__in=scope.groups))
        if campaign_id in scope.office_campaigns:
            office_kinds = by.get("office", []) + by.get("higher_organisation", [])
            if office_kinds:
                parts.append(base & Q(kind__in=office_kinds))
        if scope.units and by.get("unit"):
            parts.append(base & Q(kind__in=by["unit"], participation__unit_id__in=scope.units))
        if scope.branch_paths and by.get("branch"):
            parts.append(
                base
                & Q(kind__in=by["branch"])
                & _any([Q(author__branch__path__startswith=p) for p in scope.branch_paths.values()])
            )
    return Document.objects.filter(_any(parts), status=DocumentStatus.SUBMITTED)


def waiting_items(user):
    return [
        Todo(
            section="待审核的文书",
            title=f"{d.participation.unit_name}：{d.title or '文书'}",
            url_name="reviews:detail",
            url_args=(d.pk,),
            since=d.last_submitted_at,
        )
        for d in waiting_q(user).select_related("participation").order_by("last_submitted_at")[:100]
    ]


# --- rectification: items due (its own page lists the reminders) -------------------------------


def rect_q(user):
    scope = scope_for(user)
    soon = _today() + dt.timedelta(days=7)
    parts = [Q(owner_id=user.pk)]
    if scope.units:
        parts.append(Q(participation__unit_id__in=scope.units))
    due = Q(status=ItemStatus.OPEN, deadline__lte=soon)
    q = _any(parts) & due
    if scope.groups:
        # The group: its units' items overdue, and close applications waiting on sign-off.
        group = Q(participation__group_id__in=scope.groups)
        q |= group & (
            Q(status=ItemStatus.OPEN, deadline__lt=_today()) | Q(status=ItemStatus.CLOSING)
        )
    return Item.objects.filter(q)


def rect_items(user):
    from dudao.rectification.rules import light

    out = []
    for item in rect_q(user).select_related("participation").order_by("deadline")[:100]:
        out.append(
            Todo(
                section="整改事项",
                title=f"{item.participation.unit_name} 第{item.number}项：{item.problem[:40]}"
                + ("（申请办结待审批）" if item.status == ItemStatus.CLOSING else ""),
                url_name="rectification:item",
                url_args=(item.pk,),
                due=item.deadline,
                light=light(
                    _template(user, item.campaign_id),
                    status=item.status,
                    rect_class=item.rect_class,
                    deadline=item.deadline,
                    today=_today(),
                ),
            )
        )
    return out


# --- this app: problems found, spot-checks, weekly reports --------------------------------------


def problems_q(user):
    scope = scope_for(user)
    parts = []
    if scope.units:
        parts.append(Q(participation__unit_id__in=scope.units, status=ProblemStatus.SENT))
    if scope.groups:
        parts.append(Q(group_id__in=scope.groups, status=ProblemStatus.ANSWERED))
    if scope.led_groups:
        parts.append(Q(group_id__in=scope.led_groups, status=ProblemStatus.DRAFT))
    return Problem.objects.filter(_any(parts))


def problems_items(user):
    today = _today()
    out = []
    for p in problems_q(user).select_related("participation").order_by("deadline")[:100]:
        what = {
            ProblemStatus.SENT: "请答复",
            ProblemStatus.ANSWERED: "单位已答复，请核实",
            ProblemStatus.DRAFT: "待组长签发",
        }[p.status]
        out.append(
            Todo(
                section="督导组发现的问题",
                title=f"{p.participation.unit_name}：{p.description[:40]}（{what}）",
                url_name="supervision:problem",
                url_args=(p.pk,),
                reason=f"退回理由：{p.send_back_reason}"
                if p.send_back_reason and p.status == ProblemStatus.SENT
                else "",
                due=p.deadline,
                light=rules.problem_light(
                    _template(user, p.campaign_id),
                    status=p.status,
                    deadline=p.deadline,
                    today=today,
                ),
            )
        )
    return out


def checks_q(user):
    groups = scope_for(user).groups
    if not groups:
        return SpotCheck.objects.none()
    return SpotCheck.objects.filter(group_id__in=groups, result=CheckResult.PENDING)


def checks_items(user):
    return [
        Todo(
            section="待核实的抽查",
            title=f"{c.participation.unit_name}：{c.get_claim_kind_display()}“{c.claim_label}”",
            url_name="supervision:spot_check",
            url_args=(c.pk,),
            since=c.created_at,
        )
        for c in checks_q(user).select_related("participation")[:100]
    ]


def reports_q(user):
    scope = scope_for(user)
    parts = []
    this_week = _today() - dt.timedelta(days=_today().weekday())
    if scope.led_groups:
        parts.append(
            Q(group_id__in=scope.led_groups, status=ReportStatus.DRAFT, week_start__lte=this_week)
        )
    if scope.office_campaigns:
        parts.append(
            Q(
                campaign_id__in=scope.office_campaigns,
                status=ReportStatus.SUBMITTED,
                week_start__gte=this_week - dt.timedelta(days=7),
            )
        )
    return WeeklyReport.objects.filter(_any(parts))


def reports_items(user):
    return [
        Todo(
            section="督导组周报",
            title=f"{r.group.name} {r.week_start:%Y年%m月%d日}起一周周报（{r.get_status_display()}）",
            url_name="supervision:report",
            url_args=(r.pk,),
            since=r.submitted_at or r.compiled_at,
        )
        for r in reports_q(user).select_related("group").order_by("-week_start")[:100]
    ]


# --- typical experiences: the office decides, the group rewrites what came back ----------------


def experiences_q(user):
    scope = scope_for(user)
    parts = []
    if scope.office_campaigns:
        parts.append(
            Q(
                campaign_id__in=scope.office_campaigns,
                status__in=[ExperienceStatus.NOMINATED, ExperienceStatus.APPROVED],
            )
        )
    if scope.groups:
        parts.append(Q(group_id__in=scope.groups, status=ExperienceStatus.RETURNED))
    return TypicalExperience.objects.filter(_any(parts))


EXPERIENCE_WAITS = {
    ExperienceStatus.NOMINATED: "待审定",
    ExperienceStatus.APPROVED: "已审定，待发布",
    ExperienceStatus.RETURNED: "退回修改，请修改后重新报送",
}


def experiences_items(user):
    return [
        Todo(
            section="典型经验",
            title=f"{e.participation.unit_name}：{e.title[:40]}（{EXPERIENCE_WAITS[e.status]}）",
            url_name="supervision:experience",
            url_args=(e.pk,),
            reason=f"退回理由：{e.return_reason}" if e.status == ExperienceStatus.RETURNED else "",
            since=e.approved_at or e.nominated_at,
        )
        for e in experiences_q(user).select_related("participation").order_by("nominated_at")[:100]
    ]


# --- roving inspection: units to visit, findings to re-check, the report due --------------------


SENT_REPORT = [InspectionReportStatus.SUBMITTED, InspectionReportStatus.ACKNOWLEDGED]


def _inspection_groups(user) -> dict[int, tuple[int, list[str]]]:
    return {
        gid: (campaign_id, paths)
        for gid, (campaign_id, paths) in scope_for(user).inspection.items()
        if paths
    }


def _last_report_end(group_id):
    """The end of the group's last submitted report: the current period starts the day after."""
    return Subquery(
        InspectionReport.objects.filter(inspection_group_id=group_id, status__in=SENT_REPORT)
        .order_by("-period_end")
        .values("period_end")[:1]
    )


def unvisited_q(user):
    """Units under the inspection group's departments it has not visited in the current period
    (since the end of its last submitted report; the whole campaign before the first)."""
    parts = []
    for gid, (campaign_id, paths) in _inspection_groups(user).items():
        visited = Visit.objects.filter(
            inspection_group_id=gid,
            participation_id=OuterRef("pk"),
            happened_on__gt=Coalesce(_last_report_end(gid), dt.date(1900, 1, 1)),
        )
        parts.append(
            Q(campaign_id=campaign_id)
            & _any([Q(unit__path__startswith=p) for p in paths])
            & ~Q(Exists(visited))
        )
    return Participation.objects.filter(_any(parts)).exclude(
        campaign__status=CampaignStatus.FINISHED
    )


def unvisited_items(user):
    return [
        Todo(
            section="本检查周期尚未检查的单位",
            title=f"{p.unit_name}：上次报送检查报告以来尚未检查",
            url_name="supervision:inspection_unit",
            url_args=(p.pk,),
        )
        for p in unvisited_q(user).order_by("unit_name", "pk")[:100]
    ]


def findings_q(user):
    """Regulations and mechanisms the group found not in force and has not checked again since
    (the latest check of each is the one that counts)."""
    groups = list(_inspection_groups(user))
    if not groups:
        return InspectionCheck.objects.none()
    later = Q(checked_on__gt=OuterRef("checked_on")) | Q(
        checked_on=OuterRef("checked_on"), pk__gt=OuterRef("pk")
    )
    same_regulation = InspectionCheck.objects.filter(
        later, target=CheckTarget.REGULATION, regulation_id=OuterRef("regulation_id")
    )
    same_mechanism = InspectionCheck.objects.filter(
        later,
        target=CheckTarget.MECHANISM,
        participation_id=OuterRef("participation_id"),
        mechanism=OuterRef("mechanism"),
    )
    return InspectionCheck.objects.filter(
        Q(target=CheckTarget.REGULATION) & ~Q(Exists(same_regulation))
        | Q(target=CheckTarget.MECHANISM) & ~Q(Exists(same_mechanism)),
        inspection_group_id__in=groups,
        in_force=False,
    )


def findings_items(user):
    return [
        Todo(
            section="未落实待复查的制度和机制",
            title=f"{c.participation.unit_name}：{c.mechanism or c.regulation.title}"
            f"（{c.checked_on:%Y年%m月%d日}检查未落实）",
            url_name="supervision:inspection_unit",
            url_args=(c.participation_id,),
            reason=f"检查意见：{c.note}" if c.note else "",
        )
        for c in findings_q(user)
        .select_related("participation", "regulation")
        .order_by("checked_on", "pk")[:100]
    ]


def _last_week() -> tuple[dt.date, dt.date]:
    monday = _today() - dt.timedelta(days=_today().weekday())
    return monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)


def report_due_q(user):
    """The inspection group's report to the leading group is due for last week until a report
    reaching to its end (its Sunday) is submitted."""
    groups = list(_inspection_groups(user))
    if not groups:
        return InspectionGroup.objects.none()
    _start, end = _last_week()
    covered = InspectionReport.objects.filter(
        inspection_group_id=OuterRef("pk"),
        status__in=SENT_REPORT,
        period_end__gte=end,
    )
    return (
        InspectionGroup.objects.filter(pk__in=groups, campaign__start_date__lte=end)
        .exclude(campaign__status=CampaignStatus.FINISHED)
        .exclude(Exists(covered))
    )


def report_due_items(user):
    start, end = _last_week()
    drafts = InspectionReport.objects.filter(
        inspection_group_id=OuterRef("pk"), status=InspectionReportStatus.DRAFT
    )
    return [
        Todo(
            section="待报送领导小组的检查报告",
            title=f"{g.name}：{start:%Y年%m月%d日}至{end:%Y年%m月%d日}的检查报告"
            + ("（已汇总，待报送）" if g.has_draft else "（尚未汇总）"),
            url_name="supervision:inspection_reports",
            url_args=(g.pk,),
            due=end + dt.timedelta(days=1),
        )
        for g in report_due_q(user).annotate(has_draft=Exists(drafts)).order_by("pk")[:100]
    ]


def received_q(user):
    """Inspection reports submitted and not yet read (已阅), for the leading group they are
    addressed to and for the office (which may mark them read on its behalf)."""
    campaigns = scope_for(user).read_all_campaigns
    if not campaigns:
        return InspectionReport.objects.none()
    return InspectionReport.objects.filter(
        campaign_id__in=campaigns, status=InspectionReportStatus.SUBMITTED
    )


def received_items(user):
    return [
        Todo(
            section="巡回检查组报送的检查报告",
            title=f"{r.inspection_group.name}：{r.period_start:%Y年%m月%d日}至"
            f"{r.period_end:%Y年%m月%d日}的检查报告",
            url_name="supervision:inspection_report",
            url_args=(r.pk,),
            since=r.submitted_at,
        )
        for r in received_q(user).select_related("inspection_group").order_by("-submitted_at")[:100]
    ]


_provider("transitions.remedial", "补课通知", remedial_q, remedial_items, 10)
_provider("transitions.sent_back", "转段申请被退回", sent_back_q, sent_back_items, 11)
_provider("transitions.queue", "待审核的转段申请", queue_q, queue_items, 12)
_provider("transitions.extensions", "待决定的延期", extensions_q, extensions_items, 13)
_provider("reviews.returned", "退回修改的文书", returned_q, returned_items, 20)
_provider("reviews.waiting", "待审核的文书", waiting_q, waiting_items, 21)
_provider("rectification.items", "整改事项", rect_q, rect_items, 30)
_provider("supervision.problems", "督导组发现的问题", problems_q, problems_items, 40)
_provider("supervision.spot_checks", "待核实的抽查", checks_q, checks_items, 41)
_provider("supervision.reports", "督导组周报", reports_q, reports_items, 50)
_provider("supervision.experiences", "典型经验", experiences_q, experiences_items, 45)
_provider("supervision.unvisited", "本检查周期尚未检查的单位", unvisited_q, unvisited_items, 60)
_provider("supervision.findings", "未落实待复查的制度和机制", findings_q, findings_items, 61)
_provider(
    "supervision.inspection_due",
    "待报送领导小组的检查报告",
    report_due_q,
    report_due_items,
    62,
)
_provider(
    "supervision.inspection_received",
    "巡回检查组报送的检查报告",
    received_q,
    received_items,
    63,
)
