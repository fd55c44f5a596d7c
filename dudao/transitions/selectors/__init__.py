"""Reads of the transition workflow: schedules and overdue flags, queues, dashboards, timelines.

Set-based: a list of units costs a fixed number of queries whatever its length; the
requirements engine is called once per page (``evaluate_campaign`` over all the units shown).

One module per read (schedules, the waiting queues, the campaign dashboards, one unit's
application state, its timeline); callers keep writing
``from dudao.transitions import selectors; selectors.timeline(...)``.
"""

from __future__ import annotations

from .dashboards import (
    CorrectedUnit,
    FailingRequirement,
    GroupUnitRow,
    PhaseBar,
    corrections_after_approval,
    failing_by_requirement,
    group_units,
    overdue_units,
    units_per_phase,
)
from .queues import (
    QueueRow,
    group_queue,
    office_queue,
    pending_extensions,
    queue_stats,
    waiting_days,
    waits_too_long,
)
from .schedules import Schedule, schedule_for, schedules
from .timeline import TimelineEvent, TimelinePhase, timeline
from .unit import (
    applications_of,
    awaiting_meeting,
    open_application,
    open_remedial,
    participation_end,
)

__all__ = [
    "CorrectedUnit",
    "FailingRequirement",
    "GroupUnitRow",
    "PhaseBar",
    "QueueRow",
    "Schedule",
    "TimelineEvent",
    "TimelinePhase",
    "applications_of",
    "awaiting_meeting",
    "corrections_after_approval",
    "failing_by_requirement",
    "group_queue",
    "group_units",
    "office_queue",
    "open_application",
    "open_remedial",
    "overdue_units",
    "participation_end",
    "pending_extensions",
    "queue_stats",
    "schedule_for",
    "schedules",
    "timeline",
    "units_per_phase",
    "waiting_days",
    "waits_too_long",
]
