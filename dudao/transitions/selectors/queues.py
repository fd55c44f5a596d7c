"""Applications waiting on the group or the office: waiting days, the queues and their figures,
extensions to decide."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from dudao.campaigns.models import Campaign, SupervisionGroup
from dudao.campaigns.terms import terms_of

from .. import rules
from ..models import (
    OPEN_STATUSES,
    ApplicationStatus,
    ExtensionStatus,
    PhaseExtension,
    TransitionApplication,
)

# --- waiting applications -------------------------------------------------------------------


def waiting_days(app: TransitionApplication, now=None) -> int:
    now = now or timezone.now()
    return max(0, (timezone.localdate(now) - timezone.localdate(app.waiting_since)).days)


def waits_too_long(app: TransitionApplication, now=None) -> bool:
    return app.is_open and waiting_days(app, now) > rules.wait_days_limit()


@dataclass
class QueueRow:
    application: TransitionApplication
    days: int
    too_long: bool
    phase_name: str
    to_phase_name: str
    at_office: bool


def _queue_rows(apps) -> list[QueueRow]:
    now = timezone.now()
    rows = []
    for app in apps:
        template = app.participation.campaign.template
        days = waiting_days(app, now)
        rows.append(
            QueueRow(
                application=app,
                days=days,
                too_long=days > rules.wait_days_limit(),
                phase_name=template.phase_name(app.from_phase),
                to_phase_name=template.phase_name(app.to_phase)
                if app.to_phase
                else terms_of(template)["end"],
                at_office=app.status == ApplicationStatus.FORWARDED
                or app.participation.reports_directly,
            )
        )
    return rows


def _open_apps():
    return TransitionApplication.objects.filter(status__in=OPEN_STATUSES).select_related(
        "participation__campaign__template", "participation__group", "submitted_by"
    )


def office_queue(campaign: Campaign, limit: int = 200) -> list[QueueRow]:
    """What waits for the office: forwarded applications, and district-level units' applications
    (they come to the office directly). Longest waiting first."""
    apps = (
        _open_apps()
        .filter(campaign=campaign)
        .filter(
            Q(status=ApplicationStatus.FORWARDED)
            | Q(status=ApplicationStatus.SUBMITTED, participation__reports_directly=True)
        )
        .order_by("waiting_since", "pk")[:limit]
    )
    return _queue_rows(apps)


def group_queue(group: SupervisionGroup) -> list[QueueRow]:
    apps = (
        _open_apps()
        .filter(participation__group=group, status=ApplicationStatus.SUBMITTED)
        .order_by("waiting_since", "pk")
    )
    return _queue_rows(apps)


def queue_stats(campaign: Campaign) -> dict:
    limit_moment = timezone.now() - dt.timedelta(days=rules.wait_days_limit())
    qs = TransitionApplication.objects.filter(campaign=campaign, status__in=OPEN_STATUSES)
    return qs.aggregate(
        at_group=Count("pk", filter=Q(status=ApplicationStatus.SUBMITTED)),
        at_office=Count("pk", filter=Q(status=ApplicationStatus.FORWARDED)),
        too_long=Count("pk", filter=Q(waiting_since__lt=limit_moment)),
    )


def pending_extensions(campaign: Campaign):
    return (
        PhaseExtension.objects.filter(
            participation__campaign=campaign, status=ExtensionStatus.PROPOSED
        )
        .select_related("participation__campaign__template", "proposed_by")
        .order_by("proposed_at")
    )
