"""Helpers shared by the 分析评议 pages: who may view, the Word MIME type, reading a posted
date or whole number, and a member's evaluation fetched within the user's ballots."""

from __future__ import annotations

import datetime as dt

from dudao.core.access import get_in_scope_or_404
from dudao.core.errors import DomainError

from ..access import GROUP, INSPECTOR, OFFICE, READ, UNIT, visible_ballots
from ..models import MemberEvaluation

VIEWERS = (UNIT, GROUP, OFFICE, READ, INSPECTOR)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _date(value, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise DomainError(f"请按“年-月-日”填写{label}，例如 2005-04-01。") from None


def _int(value, label: str) -> int:
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise DomainError(f"{label}应为不小于 0 的整数。")
    return int(text)


def _evaluation_for(user, evaluation_id) -> MemberEvaluation:
    return get_in_scope_or_404(
        MemberEvaluation.objects.filter(ballot__in=visible_ballots(user)).select_related(
            "ballot__participation__campaign__template", "ballot__participation__unit",
            "ballot__branch", "person",
        ),
        evaluation_id,
    )  # fmt: skip
