"""Roving inspection (issue 13 §6; seed 000: "巡回检查组……对建立长效机制的工作进行检查督促").

An inspection group logs visits to its departments as a supervision group does
(``actions.log_visit``); here it checks the regulations in the rectification registry (the
registry's mark is set by ``rectification.registers.check_regulation``, the one writer of it)
and units' working mechanisms as in force or not, with how it checked; records the exchange of
views with the unit; and compiles its report to the leading group for a period — set-based like
the weekly report, one report per group and period start, compiling again refreshes a draft.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from dudao.campaigns.models import InspectionGroup
from dudao.core.audit import record_event
from dudao.core.errors import AccessDenied, DomainError, TransitionError
from dudao.orgs.access import scope_for
from dudao.rectification import registers

from .access import (
    inspection_group_of,
    inspection_report_permits,
    may_inspect,
    visible_inspection_reports,
)
from .actions import _required
from .models import (
    CheckTarget,
    InspectionCheck,
    InspectionReport,
    InspectionReportStatus,
    NoticeEvent,
    ViewExchange,
    Visit,
)
from .notify import inspection_group_staff, leading_group_staff, notify, office_staff

FIGURES = [
    ("visits", "巡回检查（次）"),
    ("units_visited", "检查单位（个）"),
    ("people_met", "接触干部群众（人次）"),
    ("regulations_checked", "检查制度（项）"),
    ("regulations_in_force", "制度有效执行（项）"),
    ("regulations_not_in_force", "制度未落实（项）"),
    ("mechanisms_checked", "检查工作机制（项）"),
    ("mechanisms_not_in_force", "工作机制未落实（项）"),
    ("exchanges", "与单位交换意见（次）"),
]
FIGURE_LABELS = dict(FIGURES)


def _today() -> dt.date:
    return timezone.localdate()


def _group_or_refuse(actor, participation, doing: str) -> int:
    if not may_inspect(actor, participation):
        raise AccessDenied(f"只有负责该部门的巡回检查组可以{doing}。", code="forbidden")
    return inspection_group_of(actor, participation)


@transaction.atomic
def check_in_force(
    *,
    actor,
    participation,
    in_force: bool,
    method: str,
    note: str = "",
    regulation=None,
    mechanism: str = "",
    checked_on: dt.date | None = None,
    visit: Visit | None = None,
) -> InspectionCheck:
    """Mark a regulation of the registry (``regulation``) or a working mechanism named in
    ``mechanism`` in force or not, saying how it was checked ("查阅会议记录 3 份"). Not in force
    needs a note. A regulation's mark in the registry is updated in the same transaction."""
    group_id = _group_or_refuse(actor, participation, "检查制度落实情况")
    method = _required(method, "检查方式（如“查阅执行记录、个别访谈 3 人”）")[:200]
    note = (note or "").replace("\x00", "").strip()
    checked_on = checked_on or _today()
    if checked_on > _today():
        raise DomainError("检查日期不能晚于今天。", code="invalid")
    if regulation is not None:
        if regulation.participation.unit_id != participation.unit_id:
            raise DomainError("该制度不是这个单位的。", code="invalid")
        target, mechanism = CheckTarget.REGULATION, ""
        if not in_force and not note:
            raise DomainError("认定未落实须写明检查意见。", code="reason_required")
        registers.check_regulation(
            actor=actor, regulation=regulation, in_force=in_force, note=note or method
        )
    else:
        target = CheckTarget.MECHANISM
        mechanism = _required(mechanism, "检查的工作机制名称")[:200]
        if not in_force and not note:
            raise DomainError("认定未落实须写明检查意见。", code="reason_required")
    if visit is not None and visit.participation_id != participation.pk:
        raise DomainError("检查记录不是该单位的。", code="invalid")
    check = InspectionCheck.objects.create(
        campaign_id=participation.campaign_id,
        participation=participation,
        inspection_group_id=group_id,
        visit=visit,
        target=target,
        regulation=regulation,
        mechanism=mechanism,
        in_force=bool(in_force),
        method=method,
        note=note,
        checked_on=checked_on,
        checked_by=actor,
    )
    record_event(
        actor=actor,
        action="supervision.inspection_check",
        target=check,
        campaign_id=participation.campaign_id,
        organisation_id=participation.unit_id,
        reason=note,
        data={
            "target": target,
            "regulation": getattr(regulation, "pk", None),
            "in_force": bool(in_force),
            "method": method,
        },
    )
    return check


@transaction.atomic
def record_exchange(
    *,
    actor,
    participation,
    held_on: dt.date,
    attendees: str,
    views: str,
    response: str = "",
) -> ViewExchange:
    """交换意见: what the inspection group told the unit, and the unit's answer."""
    group_id = _group_or_refuse(actor, participation, "记录交换意见")
    if held_on > _today():
        raise DomainError("日期不能晚于今天。", code="invalid")
    exchange = ViewExchange.objects.create(
        campaign_id=participation.campaign_id,
        participation=participation,
        inspection_group_id=group_id,
        held_on=held_on,
        attendees=_required(attendees, "单位参加人员")[:300],
        views=_required(views, "检查组反馈的意见"),
        response=(response or "").replace("\x00", "").strip(),
        author=actor,
    )
    record_event(
        actor=actor,
        action="supervision.record_exchange",
        target=exchange,
        campaign_id=participation.campaign_id,
        organisation_id=participation.unit_id,
        data={"on": held_on.isoformat()},
    )
    return exchange


# --- the report to the leading group ---------------------------------------------------------


def compile_figures(group_id: int, start: dt.date, end: dt.date) -> tuple[dict, list]:
    """The period's figures and the findings (what was not in force), in four queries
    whatever the number of units."""
    figures = dict.fromkeys(FIGURE_LABELS, 0)
    visits = Visit.objects.filter(
        inspection_group_id=group_id, happened_on__gte=start, happened_on__lte=end
    ).aggregate(
        visits=Count("pk"),
        units_visited=Count("participation", distinct=True),
        people_met=Sum("people_count"),
    )
    figures.update({k: int(v or 0) for k, v in visits.items()})
    checks = InspectionCheck.objects.filter(
        inspection_group_id=group_id, checked_on__gte=start, checked_on__lte=end
    )
    agg = checks.aggregate(
        regulations_checked=Count("pk", filter=Q(target=CheckTarget.REGULATION)),
        regulations_in_force=Count("pk", filter=Q(target=CheckTarget.REGULATION, in_force=True)),
        regulations_not_in_force=Count(
            "pk", filter=Q(target=CheckTarget.REGULATION, in_force=False)
        ),
        mechanisms_checked=Count("pk", filter=Q(target=CheckTarget.MECHANISM)),
        mechanisms_not_in_force=Count("pk", filter=Q(target=CheckTarget.MECHANISM, in_force=False)),
    )
    figures.update({k: int(v or 0) for k, v in agg.items()})
    figures["exchanges"] = ViewExchange.objects.filter(
        inspection_group_id=group_id, held_on__gte=start, held_on__lte=end
    ).count()
    findings = [
        {
            "unit": row["unit"],
            "what": row["mechanism"] or row["regulation__title"] or "",
            "method": row["method"],
            "note": row["note"],
            "on": row["checked_on"].isoformat(),
        }
        for row in checks.filter(in_force=False)
        .values("mechanism", "regulation__title", "method", "note", "checked_on")
        .annotate(unit=F("participation__unit_name"))
        .order_by("checked_on", "pk")[:200]
    ]
    return figures, findings


@transaction.atomic
def compile_inspection_report(
    *, actor, inspection_group, period_start: dt.date, period_end: dt.date
) -> tuple[InspectionReport, bool]:
    """The group's report for the period: created, or its figures refreshed while a draft (a
    submitted report keeps what it was submitted with). Returns ``(report, created)``."""
    if inspection_group.pk not in _groups_of(actor):
        raise AccessDenied("只有本巡回检查组成员可以汇总检查报告。", code="forbidden")
    if period_end < period_start:
        raise DomainError("截止日期不能早于起始日期。", code="invalid")
    if period_end > _today():
        period_end = _today()
        if period_end < period_start:
            raise DomainError("起始日期不能晚于今天。", code="invalid")
    figures, findings = compile_figures(inspection_group.pk, period_start, period_end)
    now = timezone.now()
    try:
        with transaction.atomic():
            report, created = InspectionReport.objects.select_for_update().get_or_create(
                inspection_group=inspection_group,
                period_start=period_start,
                defaults={
                    "campaign_id": inspection_group.campaign_id,
                    "period_end": period_end,
                    "figures": figures,
                    "findings": findings,
                    "compiled_at": now,
                },
            )
    except IntegrityError:
        # Two compiles racing: the other inserted the row first; refresh it below.
        report = InspectionReport.objects.select_for_update().get(
            inspection_group=inspection_group, period_start=period_start
        )
        created = False
    if not created and report.status == InspectionReportStatus.DRAFT:
        report.period_end = period_end
        report.figures = figures
        report.findings = findings
        report.compiled_at = now
        report.save(update_fields=["period_end", "figures", "findings", "compiled_at"])
    record_event(
        actor=actor,
        action="supervision.compile_inspection_report",
        target=report,
        campaign_id=report.campaign_id,
        data={"from": period_start.isoformat(), "to": period_end.isoformat(), **figures},
    )
    return report, created


def _groups_of(actor) -> set[int]:
    scope = scope_for(actor)
    if scope.is_superuser:
        return set(InspectionGroup.objects.values_list("pk", flat=True))
    return set(scope.inspection)


@transaction.atomic
def save_inspection_report(
    *, actor, report: InspectionReport, narrative: str, submit: bool = False, expected_version=None
) -> InspectionReport:
    """Save the narrative; with ``submit`` the report goes to the leading group."""
    locked = InspectionReport.objects.select_for_update().get(pk=report.pk)
    inspection_report_permits(actor, locked).require("submit" if submit else "edit")
    if expected_version is not None and int(expected_version) != locked.version:
        raise TransitionError("检查报告已被他人修改，请刷新页面后再改。", code="conflict")
    locked.narrative = (narrative or "").replace("\x00", "").strip()
    fields = ["narrative", "version"]
    if submit:
        if not locked.narrative:
            raise DomainError("请先填写检查情况，再报送领导小组。", code="required")
        locked.status = InspectionReportStatus.SUBMITTED
        locked.submitted_by = actor
        locked.submitted_at = timezone.now()
        fields += ["status", "submitted_by", "submitted_at"]
    locked.version += 1
    locked.save(update_fields=fields)
    record_event(
        actor=actor,
        action=f"supervision.{'submit' if submit else 'edit'}_inspection_report",
        target=locked,
        campaign_id=locked.campaign_id,
        data={"from": locked.period_start.isoformat(), "version": locked.version},
    )
    if submit:
        group = locked.inspection_group
        notify(
            event=NoticeEvent.INSPECTION_REPORT_SUBMITTED,
            recipients=leading_group_staff(locked.campaign_id) + office_staff(locked.campaign_id),
            text=f"{group.name}报送了检查报告（{locked.period_start:%Y年%m月%d日}至"
            f"{locked.period_end:%Y年%m月%d日}）。",
            can_see=lambda u: visible_inspection_reports(u).filter(pk=locked.pk).exists(),
            url_name="supervision:inspection_report",
            url_arg=locked.pk,
            exclude=actor,
            key=f"inspection_report:{locked.pk}",
        )
    return locked


@transaction.atomic
def acknowledge_inspection_report(
    *, actor, report: InspectionReport, expected_version=None
) -> InspectionReport:
    """已阅: the leading group (or the office on its behalf) has read a submitted report; it
    leaves their to-do lists and the inspection group is told."""
    locked = InspectionReport.objects.select_for_update().get(pk=report.pk)
    inspection_report_permits(actor, locked).require("acknowledge")
    if expected_version is not None and int(expected_version) != locked.version:
        raise TransitionError("检查报告已被他人修改，请刷新页面后再操作。", code="conflict")
    locked.status = InspectionReportStatus.ACKNOWLEDGED
    locked.acknowledged_by = actor
    locked.acknowledged_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "version"])
    record_event(
        actor=actor,
        action="supervision.acknowledge_inspection_report",
        target=locked,
        campaign_id=locked.campaign_id,
        data={"from": locked.period_start.isoformat(), "version": locked.version},
    )
    who = actor.get_full_name() or actor.get_username()
    notify(
        event=NoticeEvent.INSPECTION_REPORT_ACKNOWLEDGED,
        recipients=inspection_group_staff(locked.inspection_group_id),
        text=f"{who}已阅检查报告（{locked.period_start:%Y年%m月%d日}至"
        f"{locked.period_end:%Y年%m月%d日}）。",
        can_see=lambda u: visible_inspection_reports(u).filter(pk=locked.pk).exists(),
        url_name="supervision:inspection_report",
        url_arg=locked.pk,
        exclude=actor,
        key=f"inspection_report_read:{locked.pk}",
    )
    return locked


def figure_rows(report: InspectionReport) -> list[tuple[str, int]]:
    return [(label, int(report.figures.get(code, 0))) for code, label in FIGURES]
