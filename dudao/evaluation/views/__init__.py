"""分析评议 pages. Thin: fetch through ``access`` (404 outside scope) → a permits function, a
selector or an action → render, or a message and a redirect. Forms work without JavaScript
and on a phone.

One module per area (overview, self-analysis tests, ballots, evaluations, cases, divisions;
shared helpers in ``_common``); ``urls.py`` keeps writing ``views.ballot``."""

from __future__ import annotations

from ._common import DOCX_MIME, VIEWERS
from .ballots import (
    BALLOT_ACTIONS,
    PAPER_MESSAGES,
    ballot,
    ballot_action,
    ballot_export,
    ballot_new,
)
from .cases import case, case_refer, case_step, open_case
from .divisions import divisions, divisions_import
from .evaluations import decide, letter, propose
from .overview import campaign, home, talk_matrix, unit
from .self_analysis import self_analysis, settle

__all__ = [
    "BALLOT_ACTIONS",
    "DOCX_MIME",
    "PAPER_MESSAGES",
    "VIEWERS",
    "ballot",
    "ballot_action",
    "ballot_export",
    "ballot_new",
    "campaign",
    "case",
    "case_refer",
    "case_step",
    "decide",
    "divisions",
    "divisions_import",
    "home",
    "letter",
    "open_case",
    "propose",
    "self_analysis",
    "settle",
    "talk_matrix",
    "unit",
]
