"""Checks shared by the set-up actions."""

from __future__ import annotations

import datetime as dt

from dudao.core.errors import DomainError


def _chinese_date(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


def _check_dates(start_date: dt.date | None, end_date: dt.date | None) -> None:
    if start_date and end_date and end_date < start_date:
        raise DomainError(
            f"结束日期（{_chinese_date(end_date)}）不能早于开始日期（{_chinese_date(start_date)}）。"
        )
