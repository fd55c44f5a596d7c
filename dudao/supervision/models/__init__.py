"""The supervision group's own work (DOMAIN.md §3.9; seeds 000, 002, 003, 004).

- :class:`Visit`: what a group (or a roving inspection group) did at a unit — attended a meeting
  (and spoke), held a forum, talked with people one by one, ran a questionnaire, checked
  records — with the date, the people met, notes and photos. Sent once: the browser's client
  token makes a resend after a lost connection a no-op.
- :class:`Problem`: a problem the group found (at a visit, in a review, in a spot-check), sent
  to the unit with a deadline and followed until the group verifies it solved::

      draft 待组长签发 ──send──▶ sent 待单位答复 ──answer──▶ answered 待督导组核实 ──verify──▶ solved 已解决
                                      ▲                                 │
                                      └──────── send back (reason) ─────┘

  Every step is a :class:`ProblemStep` row (appended, never overwritten). Its light is the
  rectification app's (``rectification.rules.light``) over the template's problem class.
- :class:`SpotCheck`: a claim drawn (at random or chosen) to verify, and its result; a
  discrepancy becomes a problem and marks the claim until the problem is solved.
- :class:`WeeklyReport`: one per group and week (unique), compiled from the record by a
  periodic job; the leader adds the narrative and submits it to the office.
- :class:`Notification` and :class:`NotificationPreference`: in-app notices and the mail a
  user chose.

One module per area (visits, problems and spot-checks, weekly reports, notifications, 约谈,
typical experiences, roving inspection; the shared user field in ``_common``); every model is
importable from ``dudao.supervision.models`` as before.
"""

from __future__ import annotations

# The models register with the app in this order, as they did in one module.
# isort: off
from .visits import Visit, VisitKind, VisitPhoto
from .problems import (
    CheckResult,
    ClaimKind,
    OPEN_PROBLEM_STATUSES,
    Problem,
    ProblemSource,
    ProblemStatus,
    ProblemStep,
    SpotCheck,
    StepKind,
)
from .reports import ReportStatus, WeeklyReport
from .notifications import NoticeEvent, Notification, NotificationPreference
from .interviews import Interview
from .experiences import ExperienceAttachment, ExperienceStatus, TypicalExperience
from .inspection import (
    CheckTarget,
    InspectionCheck,
    InspectionReport,
    InspectionReportStatus,
    ViewExchange,
)

# isort: on

__all__ = [
    "CheckResult",
    "CheckTarget",
    "ClaimKind",
    "ExperienceAttachment",
    "ExperienceStatus",
    "InspectionCheck",
    "InspectionReport",
    "InspectionReportStatus",
    "Interview",
    "NoticeEvent",
    "Notification",
    "NotificationPreference",
    "OPEN_PROBLEM_STATUSES",
    "Problem",
    "ProblemSource",
    "ProblemStatus",
    "ProblemStep",
    "ReportStatus",
    "SpotCheck",
    "StepKind",
    "TypicalExperience",
    "ViewExchange",
    "Visit",
    "VisitKind",
    "VisitPhoto",
    "WeeklyReport",
]
