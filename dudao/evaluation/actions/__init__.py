"""Every write of 分析评议: keyword-only arguments, an explicit actor, one transaction, one audit
event (dudao.core.audit). The permits functions of ``access`` are asked on the locked row.

One module per item of the work (self-analysis tests, branch ballots, grades, organisational
handling; shared helpers in ``_common``); callers keep writing
``from dudao.evaluation import actions; actions.cast_vote(...)``."""

from __future__ import annotations

# ``paper`` (paper ballots) writes its events and locks its ballots with these helpers.
from ._common import (
    _audit,  # noqa: F401
    _grade_codes,  # noqa: F401
    _lock_ballot,  # noqa: F401
    _template,  # noqa: F401
)
from .ballots import (
    VOTE_MESSAGES,
    VoteResult,
    cast_vote,
    close_ballot,
    create_ballot,
    issue_codes,
    lookup_code,
    open_ballot,
)
from .grades import decide_grade, propose_evaluation, record_letter, record_notice
from .handling import (
    DOCUMENT_TYPES,
    MAX_DOCUMENT_BYTES,
    open_case,
    record_step,
    refer_to_discipline,
)
from .self_analysis import close_self_analysis_test, settle_closed_rounds, settle_self_analysis

__all__ = [
    "DOCUMENT_TYPES",
    "MAX_DOCUMENT_BYTES",
    "VOTE_MESSAGES",
    "VoteResult",
    "cast_vote",
    "close_ballot",
    "close_self_analysis_test",
    "create_ballot",
    "decide_grade",
    "issue_codes",
    "lookup_code",
    "open_ballot",
    "open_case",
    "propose_evaluation",
    "record_letter",
    "record_notice",
    "record_step",
    "refer_to_discipline",
    "settle_closed_rounds",
    "settle_self_analysis",
]
