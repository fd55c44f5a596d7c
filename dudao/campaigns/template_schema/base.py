"""The template's vocabulary and value types: codes, scopes, roles, fractions, dates, the error
record and the strict base models."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
)

CODE_PATTERN = r"^[a-z][a-z0-9_\-]*$"
# Mirrors dudao.orgs.models.PersonCategory (a test keeps them equal); kept here as plain values
# so the schema can be used without the app registry.
MEMBER_CATEGORIES = ("serving", "retired", "away", "laid_off")
# Why a member may be exempted from a requirement (dudao.records.models.ExemptionReason): the
# person categories, and reasons that are not categories (illness, other with an explanation).
EXEMPTION_REASONS = ("retired", "away", "laid_off", "ill", "other")
SPEAKER_ROLES = ("unit_head", "leadership_member", "branch_secretary", "group_leader", "expert")
# per_member: every party member of the unit (after applies_to); per_person: every person the
# requirement names (usually leadership-team members); per_leadership_team: the team as a whole.
SCOPES = ("per_member", "per_person", "per_leadership_team", "per_branch", "per_unit")
SUBMITTERS = ("unit", "member", "leadership_member", "branch", "group")
REVIEWERS = ("group", "branch", "office", "unit", "higher_organisation")
RESPONDENTS = (
    "members",
    "leadership_team",
    "public",
    "deputies",
    "service_recipients",
    "grassroots_cadres",
)
AUDIENCES = ("leadership_team", "unit_members", "division_members", "branch_members")


# --- errors ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateError:
    """One problem of a template file: which file, which field (or line), and why."""

    path: str
    message: str
    file: str = ""
    line: int | None = None
    column: int | None = None
    # For an error of a field: the line the field (or, when it is missing, its parent) is on.
    field_line: int | None = None

    def where(self) -> str:
        if self.line is not None:
            return f"第 {self.line} 行第 {self.column or 1} 列"
        return f"字段 {self.path}" if self.path else "整个文件"

    @property
    def shown_line(self) -> int | None:
        return self.line if self.line is not None else self.field_line

    def __str__(self) -> str:
        head = f"文件 {self.file}，" if self.file else ""
        tail = f"（第 {self.field_line} 行）" if self.line is None and self.field_line else ""
        return f"{head}{self.where()}：{self.message}{tail}"


# --- value types -----------------------------------------------------------------------------


def parse_fraction(value: Any) -> Fraction:
    """'2/3', '1/2', '1' or the integer 1 → an exact Fraction in (0, 1].

    Floats are refused: 0.67 is not two-thirds, and the seeds' thresholds are exact
    ("满意度不到三分之二的，要进行补课": exactly 2/3 passes). Raises ValueError in Chinese.
    """
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(_fraction_error(value))
    return _parse_fraction(value)


def _fraction_error(value: Any) -> str:
    return f'应为 0 到 1 之间的分数，写成带引号的文本（如 "2/3"），实际为 {value!r}'


@functools.lru_cache(maxsize=256, typed=True)
def _parse_fraction(value: str | int) -> Fraction:
    # Cached: a survey's threshold is parsed for every round decided (tens of thousands when
    # the requirements engine judges a city's members' rounds). Fractions are immutable.
    try:
        frac = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError(_fraction_error(value)) from None
    if not 0 < frac <= 1:
        raise ValueError(_fraction_error(value))
    return frac


def _fraction_text(value: Any) -> str:
    return str(parse_fraction(value))


def _compact_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _date_value(value: Any) -> dt.date:
    """YAML reads 2019-06-01 as a date; "2019-06-01" in quotes is text: both are accepted."""
    bad = f"应为日期，写成 2019-06-01 的形式，实际为 {value!r}"
    if isinstance(value, dt.datetime):
        raise ValueError(bad)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(bad) from None
    raise ValueError(bad)


DateValue = Annotated[dt.date, BeforeValidator(_date_value)]
FractionText = Annotated[str, BeforeValidator(_fraction_text)]
Number = Annotated[float, PlainSerializer(_compact_number)]
CodeText = Annotated[str, Field(pattern=CODE_PATTERN, max_length=64)]
Text = Annotated[str, Field(min_length=1)]
Category = Literal[MEMBER_CATEGORIES]  # type: ignore[valid-type]
Scope = Literal[SCOPES]  # type: ignore[valid-type]


class Strict(BaseModel):
    # strict: YAML `min_count: yes` or `version: 1` is a mistake to report, not to coerce.
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class Coded(Strict):
    code: CodeText
    name: Text
