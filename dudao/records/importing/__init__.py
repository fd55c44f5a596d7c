"""Excel import of attendance and test scores, and the template workbooks to fill in.

Reading reuses the project's cleaners (``dudao.imports.excel``: file-type sniffing, error cells,
full-width digits, dates typed as text). Every problem is named with sheet, row, column and what
to do; nothing is imported while any row is wrong unless the user asks for the good rows only.
Sessions are matched on (phase, date, kind, topic), so importing the same file again finds
every session and attendance as it is and changes nothing.

One module per workbook (attendance, test scores, the blank templates; shared readers in
``_common``); callers keep writing ``from dudao.records import importing``."""

from __future__ import annotations

from ._common import (
    ABSENT,
    MATRIX_SHEET,
    PRESENT,
    SCORE_HEADERS,
    SCORES_SHEET,
    SESSION_HEADERS,
    SESSION_REQUIRED,
    SESSIONS_SHEET,
    FileRejected,
    ImportOutcome,
    reject_message,
)
from .attendance import import_attendance
from .scores import import_scores
from .workbooks import attendance_template, scores_template

__all__ = [
    "ABSENT",
    "FileRejected",
    "ImportOutcome",
    "MATRIX_SHEET",
    "PRESENT",
    "SCORES_SHEET",
    "SCORE_HEADERS",
    "SESSIONS_SHEET",
    "SESSION_HEADERS",
    "SESSION_REQUIRED",
    "attendance_template",
    "import_attendance",
    "import_scores",
    "reject_message",
    "scores_template",
]
