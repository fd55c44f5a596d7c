"""Counting the template's figures for a campaign, per unit, rolled up to group, batch and
campaign, and the records behind a figure (issue 14, item 1).

Query budget, whatever the number of units: one for the units in scope, one for the groups,
one for the batches, and one ``GROUP BY participation`` per source of each figure (plus the
surveys app's two counting queries for a figure that needs an outcome). Guarded by
tests/test_it_counts_in_fixed_queries.py.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from dudao.campaigns.access import visible_participations
from dudao.campaigns.models import Campaign
from dudao.orgs.access import scope_for

from .registry import Column, Context, Source
from .rules import Figure, figures

ROW_LIMIT = 500  # records shown under one source on a drill-down page (the export has all)


@dataclass(frozen=True)
class Filters:
    batch_id: int | None = None
    group_id: int | None = None
    phase: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def query(self) -> dict:
        out = {
            "batch": self.batch_id,
            "group": self.group_id,
            "phase": self.phase,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }
        return {k: v for k, v in out.items() if v}


@dataclass
class Unit:
    participation_id: int
    name: str
    batch_id: int
    group_id: int | None
    current_phase: str


@dataclass
class Report:
    campaign: Campaign
    filters: Filters
    figures: list[Figure]
    units: list[Unit]
    groups: dict[int, str]
    batches: dict[int, str]
    # figure code -> participation id -> value (a figure without a phase under a phase filter:
    # absent from ``values``)
    per_unit: dict[str, dict[int, int | Decimal]] = field(default_factory=dict)
    values: dict[str, int | Decimal | None] = field(default_factory=dict)
    by_group: dict[str, dict[int | None, int | Decimal]] = field(default_factory=dict)
    by_batch: dict[str, dict[int, int | Decimal]] = field(default_factory=dict)

    def unit_value(self, code: str, participation_id: int):
        if self.values.get(code) is None:
            return None
        return self.per_unit[code].get(participation_id, 0)

    def group_units(self) -> dict[int | None, int]:
        out: dict[int | None, int] = defaultdict(int)
        for u in self.units:
            out[u.group_id] += 1
        return dict(out)

    def batch_units(self) -> dict[int, int]:
        out: dict[int, int] = defaultdict(int)
        for u in self.units:
            out[u.batch_id] += 1
        return dict(out)


def reads_all(user, campaign: Campaign) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or campaign.pk in scope.read_all_campaigns


def units_in_scope(user, campaign: Campaign, filters: Filters) -> QuerySet:
    qs = visible_participations(user, campaign)
    if filters.batch_id:
        qs = qs.filter(batch_id=filters.batch_id)
    if filters.group_id:
        qs = qs.filter(group_id=filters.group_id)
    return qs


def source_queryset(
    source: Source, *, campaign: Campaign, filters: Filters, units: QuerySet | None
) -> QuerySet | None:
    """The source's rows within the campaign, the user's scope and the filters; None when the
    filters ask for a phase and the source has none (the figure is then not applicable)."""
    q = Q(**{source.at("campaign_id"): campaign.pk})
    if filters.batch_id:
        q &= Q(**{source.at("batch_id"): filters.batch_id})
    if filters.group_id:
        q &= Q(**{source.at("group_id"): filters.group_id})
    if units is not None:
        q &= Q(**{f"{source.unit_key}__in": units.values("pk")})
    if filters.phase:
        if source.phase is None:
            return None
        q &= Q(**{source.phase: filters.phase})
    if filters.date_from or filters.date_to:
        if source.date is None:
            return None
        q &= date_range_q(source.model, source.date, filters.date_from, filters.date_to)
    return source.queryset.filter(q).order_by()


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _moment_path(model, path: str) -> str | None:
    """The moment's path when ``path`` is a moment's day (``…_at__date`` on a DateTimeField),
    else None (a DateField, even one named ``date``: ``session__date``)."""
    *parts, last = path.split("__")
    if last != "date" or not parts:
        return None
    opts = model._meta
    for part in parts[:-1]:
        opts = opts.get_field(part).related_model._meta
    found = opts.get_field(parts[-1])
    return "__".join(parts) if found.get_internal_type() == "DateTimeField" else None


def date_range_q(model, path: str, date_from: dt.date | None, date_to: dt.date | None) -> Q:
    """``path`` between two days, both included. A moment's day (``…_at__date``) is compared as
    the moment from the first day's midnight to before the midnight after the last, in the
    current time zone as ``__date`` casts it: the same rows, without casting every row (on
    SQLite a Python call per row) and with the column's index usable."""
    moment = _moment_path(model, path)
    q = Q()
    if date_from:
        q &= Q(
            **{f"{moment}__gte": _day_start(date_from)} if moment else {f"{path}__gte": date_from}
        )
    if date_to:
        after = date_to + dt.timedelta(days=1)
        q &= Q(**{f"{moment}__lt": _day_start(after)} if moment else {f"{path}__lte": date_to})
    return q


def context_for(campaign: Campaign, today: dt.date | None = None) -> Context:
    return Context(template=campaign.template.data, today=today or dt.date.today())


def count_figure(
    figure: Figure,
    *,
    campaign: Campaign,
    filters: Filters,
    units: QuerySet | None,
    ctx: Context,
    by_group: bool = False,
) -> dict | None:
    """participation id -> value (``by_group``: (group id, batch id) -> value), from one
    grouped query per source; None: not applicable. Totals need no per-unit rows: grouped by
    group and batch a figure is at most a few hundred rows instead of one per unit."""
    out: dict = defaultdict(int)
    applicable = False
    for source in figure.tally.sources(figure.params, ctx):
        qs = source_queryset(source, campaign=campaign, filters=filters, units=units)
        if qs is None:
            continue
        applicable = True
        if source.refine is not None:
            qs = source.refine(qs, ctx).order_by()
        if by_group:
            keys = (source.at("group_id"), source.at("batch_id"))
            grouped = qs.values(*keys).annotate(n=source.value).values_list(*keys, "n")
            for gid, bid, n in grouped:
                out[(gid, bid)] += n or 0
            continue
        grouped = (
            qs.values(source.unit_key).annotate(n=source.value).values_list(source.unit_key, "n")
        )
        for pid, n in grouped:
            out[pid] += n or 0
    return dict(out) if applicable else None


def count_figures_by_group(
    chosen: list[Figure], *, campaign: Campaign, filters: Filters, units, ctx: Context
) -> dict[str, dict | None]:
    """{figure code: {(group id, batch id): value} or None (not applicable)} for many figures
    at once: sources of one model with the same paths share one grouped query with a filtered
    aggregate each (``Count("pk", filter=…)``), so the campaign page scans each table once
    (the 2005 template's 26 sources: 13 queries)."""
    out: dict[str, dict | None] = {f.code: None for f in chosen}
    buckets: dict[tuple, list[tuple[str, Source]]] = {}
    for fig in chosen:
        for source in fig.tally.sources(fig.params, ctx):
            qs = source_queryset(source, campaign=campaign, filters=filters, units=units)
            if qs is None:
                continue
            if out[fig.code] is None:
                out[fig.code] = defaultdict(int)
            key = source.merge_key()
            if key is None:
                keys = (source.at("group_id"), source.at("batch_id"))
                refined = source.refine(qs, ctx).order_by()
                for gid, bid, n in (
                    refined.values(*keys).annotate(n=source.value).values_list(*keys, "n")
                ):
                    out[fig.code][(gid, bid)] += n or 0
                continue
            buckets.setdefault(key, []).append((fig.code, source))
    for (model, unit, phase, date), members in buckets.items():
        shape = Source(model, unit=unit, phase=phase, date=date)
        base = source_queryset(shape, campaign=campaign, filters=filters, units=units)
        keys = (shape.at("group_id"), shape.at("batch_id"))
        aggregates = {}
        for i, (_code, source) in enumerate(members):
            aggregate = source.value.copy()
            aggregate.filter = source.where if source.where else None
            aggregates[f"m{i}"] = aggregate
        rows = base.values(*keys).annotate(**aggregates).values_list(*keys, *aggregates)
        for gid, bid, *values in rows:
            for (code, _source), n in zip(members, values):
                out[code][(gid, bid)] += n or 0
    return out


def chosen_figures(campaign: Campaign) -> list[Figure]:
    return figures(campaign.template.data)


def tally_report(
    *,
    user,
    campaign: Campaign,
    filters: Filters | None = None,
    codes: list[str] | None = None,
    today: dt.date | None = None,
    per_unit: bool = True,
) -> Report:
    """The figures of the campaign for the units in the user's scope. ``per_unit=False``: the
    totals per group, batch and campaign only (the campaign page), counted grouped by group and
    batch; ``report.per_unit`` is then empty."""
    filters = filters or Filters()
    ctx = context_for(campaign, today)
    chosen = [f for f in chosen_figures(campaign) if codes is None or f.code in codes]
    scoped = units_in_scope(user, campaign, filters)
    units = [
        Unit(*row)
        for row in scoped.order_by("unit_name", "pk").values_list(
            "pk", "unit_name", "batch_id", "group_id", "current_phase"
        )
    ]
    report = Report(
        campaign=campaign,
        filters=filters,
        figures=chosen,
        units=units,
        groups=dict(campaign.groups.values_list("pk", "name")),
        batches=dict(campaign.batches.order_by("number").values_list("pk", "name")),
    )
    restrict = None if reads_all(user, campaign) else scoped
    known = {u.participation_id: u for u in units}
    want_units = per_unit
    merged = (
        {}
        if want_units
        else count_figures_by_group(
            chosen, campaign=campaign, filters=filters, units=restrict, ctx=ctx
        )
    )
    for fig in chosen:
        if not want_units:
            grouped = merged[fig.code]
            report.per_unit[fig.code] = {}
            if grouped is None:
                report.values[fig.code] = None
                continue
            groups_: dict = defaultdict(int)
            batches_: dict = defaultdict(int)
            for (gid, bid), n in grouped.items():
                groups_[gid] += n
                batches_[bid] += n
            report.by_group[fig.code] = dict(groups_)
            report.by_batch[fig.code] = dict(batches_)
            report.values[fig.code] = sum(grouped.values())
            continue
        counts = count_figure(fig, campaign=campaign, filters=filters, units=restrict, ctx=ctx)
        if counts is None:
            report.values[fig.code] = None
            report.per_unit[fig.code] = {}
            continue
        counts = {pid: n for pid, n in counts.items() if pid in known}
        groups: dict[int | None, int | Decimal] = defaultdict(int)
        batches: dict[int, int | Decimal] = defaultdict(int)
        for pid, n in counts.items():
            unit = known[pid]
            groups[unit.group_id] += n
            batches[unit.batch_id] += n
        report.per_unit[fig.code] = counts
        report.by_group[fig.code] = dict(groups)
        report.by_batch[fig.code] = dict(batches)
        report.values[fig.code] = sum(counts.values())
    return report


# --- the records behind a figure --------------------------------------------------------------


@dataclass
class RecordTable:
    title: str
    columns: list[str]
    rows: list[list[str]]
    total: int


def _names(template: dict) -> dict[str, str]:
    names = {}
    for section in ("session_kinds", "meeting_kinds", "document_kinds", "survey_instruments"):
        for item in template.get(section) or []:
            names[item["code"]] = item["name"]
    for phase in template.get("phases") or []:
        names[phase["code"]] = phase["name"]
    return names


def _choice_labels(model, path: str) -> dict | None:
    opts = model._meta
    parts = path.split("__")
    for part in parts[:-1]:
        rel = opts.get_field(part)
        opts = rel.related_model._meta
    fld = opts.get_field(parts[-1])
    return dict(fld.flatchoices) if getattr(fld, "choices", None) else None


def show(value, labels: dict | None, names: dict[str, str]) -> str:
    if value is None or value == "":
        return ""
    if labels and value in labels:
        return str(labels[value])
    if isinstance(value, dt.datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M") if value.tzinfo else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value in names:
        return names[value]
    return str(value)


def figure_records(
    figure: Figure,
    *,
    campaign: Campaign,
    participation_id: int,
    filters: Filters,
    limit: int | None = ROW_LIMIT,
    today: dt.date | None = None,
) -> list[RecordTable]:
    """The records one unit's figure counts, one table per source."""
    ctx = context_for(campaign, today)
    names = _names(campaign.template.data)
    tables = []
    for source in figure.tally.sources(figure.params, ctx):
        qs = source_queryset(source, campaign=campaign, filters=filters, units=None)
        if qs is None:
            continue
        qs = qs.filter(**{source.unit_key: participation_id})
        if source.refine is not None:
            qs = source.refine(qs, ctx)
        columns: list[Column] = list(source.columns)
        labels = [_choice_labels(qs.model, c.path) for c in columns]
        total = qs.count()
        if not total:
            continue
        rows_qs = qs.order_by("pk").values_list(*[c.path for c in columns])
        if limit:
            rows_qs = rows_qs[:limit]
        rows = [[show(v, labels[i], names) for i, v in enumerate(row)] for row in rows_qs]
        tables.append(
            RecordTable(
                title=source.title or figure.label,
                columns=[c.label for c in columns],
                rows=rows,
                total=total,
            )
        )
    return tables
