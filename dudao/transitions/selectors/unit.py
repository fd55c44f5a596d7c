"""One unit's transition state: its open application and all of them, its end, an open
remedial order, the approval still waiting for its meeting."""

from __future__ import annotations

from dudao.records.models import Meeting

from .. import rules
from ..models import (
    OPEN_STATUSES,
    ApplicationStatus,
    ParticipationEnd,
    RemedialOrder,
    TransitionApplication,
)

# --- one unit -------------------------------------------------------------------------------


def open_application(participation) -> TransitionApplication | None:
    return (
        TransitionApplication.objects.filter(participation=participation, status__in=OPEN_STATUSES)
        .select_related("submitted_by", "group_decided_by")
        .first()
    )


def applications_of(participation):
    return (
        TransitionApplication.objects.filter(participation=participation)
        .select_related(
            "submitted_by", "group_decided_by", "office_decided_by", "meeting", "remedial_order"
        )
        .order_by("submitted_at", "pk")
    )


def participation_end(participation) -> ParticipationEnd | None:
    return ParticipationEnd.objects.filter(participation=participation).first()


def open_remedial(participation) -> RemedialOrder | None:
    return (
        RemedialOrder.objects.filter(participation=participation, closed_at__isnull=True)
        .select_related("ordered_by", "application")
        .first()
    )


def awaiting_meeting(participation):
    """The approval that opened the current phase, if its summary-and-mobilisation meeting is
    not yet recorded, with the meetings of that kind the unit has in the new phase."""
    app = (
        TransitionApplication.objects.filter(
            participation=participation,
            status=ApplicationStatus.APPROVED,
            to_phase=participation.current_phase,
            meeting__isnull=True,
        )
        .order_by("-pk")
        .first()
    )
    if app is None:
        return None, []
    kind = rules.transition_spec(participation.campaign.template, app.from_phase).get(
        "meeting_kind"
    )
    if not kind:
        return None, []
    meetings = list(
        Meeting.objects.filter(
            participation=participation, phase=participation.current_phase, kind=kind
        ).order_by("date")
    )
    return app, meetings
