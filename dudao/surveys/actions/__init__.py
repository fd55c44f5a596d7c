"""Every write of the surveys app.

Staff actions (creating rounds, drawing samples, issuing codes, opening and closing rounds, paper
tallies and their confirmation) take an explicit ``actor`` and write an audit event in their
transaction. Answering (``submit_ballot``) deliberately has no actor and writes no audit event,
no log line and nothing with a time: it flips the code's ``used`` flag and adds one to a
counter per question in one transaction, and that is all (DESIGN.md "Anonymity",
docs/anonymity.md).

One module per seam (rounds, open link, member tests, answering, paper ballots; shared helpers
in ``_common``); callers keep writing
``from dudao.surveys import actions; actions.submit_ballot(...)``."""

from __future__ import annotations

# The public answering page finds a round by its open link through this module.
from ..models import SurveyRound  # noqa: F401
from ._common import (
    MAX_CODES_PER_ISSUE,
    MEMBER_SHARDS,
    UNIT_SHARDS,
    _template_data,  # noqa: F401
)
from .ballots import MESSAGES, BallotResult, lookup_code, submit_ballot
from .member_rounds import create_member_rounds
from .open_link import MAX_LINK_CODES, code_for_device, enable_open_link
from .paper import confirm_paper_ballots, correct_paper_ballots, enter_paper_ballots
from .rounds import close_round, create_round, draw_sample, issue_codes, open_round, start_resurvey

__all__ = [
    "BallotResult",
    "MAX_CODES_PER_ISSUE",
    "MAX_LINK_CODES",
    "MEMBER_SHARDS",
    "MESSAGES",
    "UNIT_SHARDS",
    "close_round",
    "code_for_device",
    "confirm_paper_ballots",
    "correct_paper_ballots",
    "create_member_rounds",
    "create_round",
    "draw_sample",
    "enable_open_link",
    "enter_paper_ballots",
    "issue_codes",
    "lookup_code",
    "open_round",
    "start_resurvey",
    "submit_ballot",
]
