"""Notifications read, notification preferences, and the office's compile of a week."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import record_event
from dudao.core.errors import AccessDenied
from dudao.orgs.access import scope_for

from ..models import NoticeEvent

# --- notifications and the compile --------------------------------------------------------------


def mark_notifications_read(*, actor) -> int:
    """Mark the user's own notifications read (not a domain change: no audit event)."""
    from ..models import Notification

    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def set_preferences(*, actor, choices: dict[str, tuple[bool, bool]]) -> None:
    """``choices``: {event: (in_app, mail)} for the actor himself."""
    from ..models import NotificationPreference

    for event, (in_app, mail) in choices.items():
        if event not in NoticeEvent.values:
            continue
        NotificationPreference.objects.update_or_create(
            user=actor, event=event, defaults={"in_app": bool(in_app), "mail": bool(mail)}
        )
    record_event(
        actor=actor,
        action="supervision.set_preferences",
        target=actor,
        data={e: [bool(a), bool(m)] for e, (a, m) in choices.items()},
    )


@transaction.atomic
def compile_reports(*, actor, campaign, week_start: dt.date) -> dict:
    """The office compiles a week now (the periodic job does the same without an actor)."""
    from ..weekly import compile_week

    if not scope_for(actor).can_manage_campaign(campaign.pk):
        raise AccessDenied("只有活动办公室可以汇总周报。", code="forbidden")
    outcome = compile_week(campaign, week_start)
    record_event(
        actor=actor,
        action="supervision.compile_reports",
        target=campaign,
        campaign_id=campaign.pk,
        data={"week": week_start.isoformat(), **outcome},
    )
    return outcome
