"""The registry of tallies (统计项): one declaration per category of record (issue 14, item 1).

A tally is a set of *sources*, each a queryset of one model with the paths to its unit, phase
and date, and the aggregate it adds up (``Count("pk")`` or ``Sum("hours")``). Counting a tally
for a campaign is one ``GROUP BY participation`` query per source, whatever the number of units;
groups, batches and the campaign are rolled up from the per-unit figures in Python, so the query
count of a report does not grow with the data (tests/test_it_counts_in_fixed_queries.py).

Another app adds its tally with one ``register_tally(...)`` call (opinions, supervision and
evaluation do so in their own ``ready()``); which tallies a campaign reports, under which labels
and parameters, is the template's ``reports`` section (:mod:`dudao.reports.rules`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from dudao.campaigns.report_tallies import TallyParam, register_tally_key


@dataclass(frozen=True)
class Column:
    """A column of the drill-down list of records: its heading and the field path it shows
    (a field with choices shows its Chinese label)."""

    label: str
    path: str


@dataclass(frozen=True)
class Context:
    """What a source may depend on besides its parameters: the campaign's template data and
    the day (rectification lights are relative to today)."""

    template: dict
    today: dt.date


@dataclass(frozen=True)
class Source:
    model: type
    where: Q = field(default_factory=Q)
    unit: str = "participation"
    phase: str | None = "phase"
    date: str | None = "date"
    value: Any = field(default_factory=lambda: Count("pk"))
    columns: Sequence[Column] = ()
    # Rows kept after a step SQL cannot do (a survey round's outcome is decided from its counts
    # by the surveys app): receives the filtered queryset, returns a narrower one.
    refine: Callable[[QuerySet, Context], QuerySet] | None = None
    title: str = ""

    def at(self, suffix: str) -> str:
        """The path from a row to a field of its unit (``unit=""``: the rows are units)."""
        return f"{self.unit}__{suffix}" if self.unit else suffix

    @property
    def unit_key(self) -> str:
        """The path to the unit's id, to group by."""
        return self.unit or "pk"

    @property
    def queryset(self) -> QuerySet:
        return self.model.objects.filter(self.where)

    def merge_key(self) -> tuple | None:
        """Sources of one model with the same paths are counted in one query, one filtered
        aggregate each (None: this one cannot be merged)."""
        if self.refine is not None:
            return None
        return (self.model, self.unit, self.phase, self.date)


@dataclass(frozen=True)
class TallyDef:
    key: str
    label: str
    section: str
    unit_of_measure: str
    sources: Callable[[dict[str, list[str]], Context], list[Source]]
    params: dict[str, TallyParam] = field(default_factory=dict)
    defaults: dict[str, list[str]] = field(default_factory=dict)


_TALLIES: dict[str, TallyDef] = {}


def register_tally(
    key: str,
    *,
    label: str,
    section: str,
    sources: Callable[[dict[str, list[str]], Context], list[Source]],
    params: dict[str, TallyParam] | None = None,
    defaults: dict[str, list[str]] | None = None,
    unit_of_measure: str = "项",
) -> TallyDef:
    definition = TallyDef(
        key=key,
        label=label,
        section=section,
        unit_of_measure=unit_of_measure,
        sources=sources,
        params=dict(params or {}),
        defaults=dict(defaults or {}),
    )
    _TALLIES[key] = definition
    register_tally_key(key, label=label, params=definition.params)
    return definition


def get_tally(key: str) -> TallyDef | None:
    return _TALLIES.get(key)


def all_tallies() -> dict[str, TallyDef]:
    return dict(_TALLIES)
