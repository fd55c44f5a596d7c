"""To-do providers for roving inspection: units to visit, findings to re-check, the report due
and the reports received."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from dudao.campaigns.models import CampaignStatus, InspectionGroup, Participation
from dudao.core.todo import Todo
from dudao.orgs.access import scope_for

from ..models import CheckTarget, InspectionCheck, InspectionReport, InspectionReportStatus, Visit
from ._common import _any, _today

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
