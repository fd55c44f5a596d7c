"""How an import reads a cell of each column type (``registry.ImportColumn.parse``): dates,
numbers, choices by their Chinese label, and people, meetings and branches of the unit named
by code or name (``bulk_import.Lookups``). Each answers the value or raises ``CellError``
with what to write instead."""

from __future__ import annotations

from decimal import Decimal

from dudao.imports.excel import CellError, clean_bool, clean_choice, clean_date, clean_text

from .models import SpeakerRole


def date_cell(value, _lk):
    date = clean_date(value)
    if date is None:
        raise CellError("请填写日期，如 2005-01-23")
    return date


def text_cell(value, _lk):
    return clean_text(value)


def number_cell(value, _lk):
    text = clean_text(value)
    if not text:
        return None
    try:
        return Decimal(text)
    except ArithmeticError:
        raise CellError(f"应为数字，实际为“{text}”") from None


def integer_cell(value, _lk):
    number = number_cell(value, _lk)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError(f"应为整数，实际为“{clean_text(value)}”")
    return int(number)


def bool_cell(value, _lk):
    return clean_bool(value)


def choices_cell(choices, what: str):
    mapping = {label: code for code, label in choices} | {code: code for code, _ in choices}
    return lambda value, _lk: clean_choice(value, mapping, what)


def template_kind_cell(attr: str, what: str):
    def parse(value, lk):
        names = getattr(lk.labels, attr)
        return clean_choice(value, {n: c for c, n in names.items()} | {c: c for c in names}, what)

    return parse


def person_cell(value, lk):
    return lk.person(value) if clean_text(value) else None


def people_cell(value, lk):
    parts = [x for x in clean_text(value).replace("，", "、").replace(",", "、").split("、") if x]
    return [lk.person(x.strip()) for x in parts]


def meeting_cell(value, lk):
    return lk.meeting(value) if clean_text(value) else None


def branch_cell(value, lk):
    return lk.branch(value) if clean_text(value) else None


def speaker_role_cell(value, lk):
    return choices_cell(SpeakerRole.choices, "主讲人身份")(value, lk) or ""
