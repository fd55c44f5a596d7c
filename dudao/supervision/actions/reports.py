"""Weekly reports: the leader's narrative and the submit to the office."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import record_event
from dudao.core.errors import DomainError, TransitionError

from ..access import report_permits, visible_reports
from ..models import NoticeEvent, ReportStatus, WeeklyReport
from ..notify import notify, office_staff

# --- weekly reports ----------------------------------------------------------------------------


@transaction.atomic
def save_narrative(*, actor, report: WeeklyReport, narrative: str, expected_version=None):
    locked = WeeklyReport.objects.select_for_update().get(pk=report.pk)
    report_permits(actor, locked).require("edit")
    if expected_version is not None and int(expected_version) != locked.version:
        raise TransitionError("周报已被他人修改，请刷新页面后再改。", code="conflict")
    locked.narrative = (narrative or "").replace("\x00", "").strip()
    locked.version += 1
    locked.save(update_fields=["narrative", "version"])
    record_event(
        actor=actor,
        action="supervision.edit_report",
        target=locked,
        campaign_id=locked.campaign_id,
        data={"week": locked.week_start.isoformat(), "version": locked.version},
    )
    return locked


@transaction.atomic
def submit_report(
    *, actor, report: WeeklyReport, narrative: str | None = None, expected_version=None
) -> WeeklyReport:
    locked = WeeklyReport.objects.select_for_update().get(pk=report.pk)
    report_permits(actor, locked).require("submit")
    if expected_version is not None and int(expected_version) != locked.version:
        raise TransitionError("周报已被他人修改，请刷新页面后再提交。", code="conflict")
    if narrative is not None:
        locked.narrative = narrative.replace("\x00", "").strip()
    if not locked.narrative:
        raise DomainError("请先填写本周工作情况，再报送活动办。", code="required")
    locked.status = ReportStatus.SUBMITTED
    locked.submitted_by = actor
    locked.submitted_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["narrative", "status", "submitted_by", "submitted_at", "version"])
    record_event(
        actor=actor,
        action="supervision.submit_report",
        target=locked,
        campaign_id=locked.campaign_id,
        data={"week": locked.week_start.isoformat()},
    )
    notify(
        event=NoticeEvent.REPORT_SUBMITTED,
        recipients=office_staff(locked.campaign_id),
        text=f"{locked.group.name}报送了{locked.week_start:%Y年%m月%d日}一周的周报。",
        can_see=lambda u: visible_reports(u).filter(pk=locked.pk).exists(),
        url_name="supervision:report",
        url_arg=locked.pk,
        exclude=actor,
    )
    return locked
