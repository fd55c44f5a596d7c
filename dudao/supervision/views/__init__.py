"""Supervision pages. Thin: fetch through ``access`` (404 outside scope) → the permits function,
a selector or an action → render, or a message and a redirect. Forms work without JavaScript
and on a phone (390 px).

One module per area (the workbench and to-do list, visits, problems, spot-checks, weekly
reports, 约谈; shared helpers in ``_common``); ``urls.py`` keeps writing ``views.home``."""

from __future__ import annotations

from .interviews import interview_detail, interview_new
from .problems import problem_answer, problem_detail, problem_new, problem_send, problem_verify
from .reports import campaign_week, group_reports, report_detail, report_docx
from .spot_checks import spot_check_detail, spot_check_draw
from .visits import photo, unit_page, visit_detail, visit_new
from .workbench import home, notifications, preferences_page, todo

__all__ = [
    "campaign_week",
    "group_reports",
    "home",
    "interview_detail",
    "interview_new",
    "notifications",
    "photo",
    "preferences_page",
    "problem_answer",
    "problem_detail",
    "problem_new",
    "problem_send",
    "problem_verify",
    "report_detail",
    "report_docx",
    "spot_check_detail",
    "spot_check_draw",
    "todo",
    "unit_page",
    "visit_detail",
    "visit_new",
]
