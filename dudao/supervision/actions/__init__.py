"""Every write of the supervision group's work. Each action: keyword-only arguments and an
explicit ``actor``; one transaction; the row locked before its state is checked; the permission
asked of the same permits function the page asks; one audit event in the same transaction;
notifications written in it and mailed after commit.

One module per workflow (visits, problems, spot-checks, weekly reports, notifications and the
compile, 约谈; shared helpers in ``_common``); callers keep writing
``from dudao.supervision import actions; actions.log_visit(...)``."""

from __future__ import annotations

from ._common import (
    MAX_PHOTOS,
    TOKEN_CHARS,
    _clean_token,  # noqa: F401
    _required,  # noqa: F401
    check_photo,
)
from .interviews import record_interview, record_interview_outcome
from .notifications import compile_reports, mark_notifications_read, set_preferences
from .problems import answer_problem, record_problem, send_problem, verify_problem
from .reports import save_narrative, submit_report
from .spot_checks import draw_spot_checks, record_spot_check
from .visits import log_visit

__all__ = [
    "MAX_PHOTOS",
    "TOKEN_CHARS",
    "answer_problem",
    "check_photo",
    "compile_reports",
    "draw_spot_checks",
    "log_visit",
    "mark_notifications_read",
    "record_interview",
    "record_interview_outcome",
    "record_problem",
    "record_spot_check",
    "save_narrative",
    "send_problem",
    "set_preferences",
    "submit_report",
    "verify_problem",
]
