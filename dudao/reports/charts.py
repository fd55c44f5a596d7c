"""The dashboard's charts (issue 14, item 2), each with the table drawn beside it and exported
to Excel: units per phase, transitions over time, survey results per group, rectification
lights, weekly activity. Each chart is a small dict (categories, series) that the static script
``static/reports/charts.js`` hands to ECharts; the same dict fills the table and the export.
Set-based: a fixed number of grouped queries, whatever the number of units."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection
from django.db.models import CharField, Count, F, Func, Value
from django.utils import timezone

from dudao.records.models import Meeting, StudySession
from dudao.transitions.models import ApplicationStatus, TransitionApplication

from .registry import get_tally
from .rules import Figure
from .selectors import (
    Filters,
    Report,
    context_for,
    count_figure,
    count_figures_by_group,
    reads_all,
    units_in_scope,
)

CHARTS = {
    "phases": "各阶段单位数",
    "transitions": "批准转段（按周）",
    "surveys": "各督导组测评结果",
    "lights": "整改事项红黄绿灯",
    "activity": "每周学习和会议",
}


def _scoped(user, campaign, filters, report: Report):
    """Units restriction for the figures: None for readers of the whole campaign."""
    return None if reads_all(user, campaign) else units_in_scope(user, campaign, filters)


def _by_group(grouped: dict | None) -> dict:
    """{(group, batch): n} -> {group: n}."""
    out: dict = defaultdict(int)
    for (gid, _bid), n in (grouped or {}).items():
        out[gid] += n
    return out


def _counted_by_report(report: Report, key: str) -> dict | None:
    """{group: n} of the tally ``key`` as the report already counted it (a figure of the
    template that is the tally with no parameters), or None. 测评通过 weighs every closed
    round's counts: a city's page counted it twice, once for the table and once for the chart
    (0.5 s each at 10,000 units)."""
    for fig in report.figures:
        if fig.tally.key == key and not fig.params and fig.code in report.by_group:
            return report.by_group[fig.code]
    return None


def _group_names(report: Report) -> list[tuple]:
    present = {u.group_id for u in report.units}
    ordered = [(gid, name) for gid, name in sorted(report.groups.items(), key=lambda g: g[1])]
    rows = [(gid, name) for gid, name in ordered if gid in present]
    if None in present:
        rows.append((None, "未分配督导组"))
    return rows


def _per_local_day(qs, field: str) -> list[tuple[dt.date, int]]:
    """(local day, rows) of ``qs`` by the datetime ``field``, grouped in SQL, into weeks by the
    caller (SQLite's week truncation is a Python function called per row: 1 s over 70,000
    rows). PostgreSQL converts to the local day itself. On SQLite even the day is such a
    function (≈ 60 ms over 10,000 approvals), so there the rows are grouped by their stored
    UTC minute with SQLite's own strftime, and each minute becomes its local day here: exact
    in every time zone (offsets are whole minutes), and at most one row per distinct minute."""
    if connection.vendor != "sqlite":
        return list(
            qs.values(f"{field}__date").annotate(n=Count("pk")).values_list(f"{field}__date", "n")
        )
    minute = Func(Value("%Y-%m-%d %H:%M"), F(field), function="strftime", output_field=CharField())
    per_day: dict[dt.date, int] = defaultdict(int)
    for stamp, n in qs.annotate(m=minute).values("m").annotate(n=Count("pk")).values_list("m", "n"):
        if stamp is None:
            continue
        utc = dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M").replace(tzinfo=dt.UTC)
        per_day[timezone.localtime(utc).date()] += n
    return sorted(per_day.items())


def _weeks(rows) -> list[str]:
    return sorted({w for w in rows})


def _week(day: dt.date) -> str:
    """The Monday of the day's week, as the charts' category."""
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def dashboard(user, campaign, report: Report, only: str | None = None) -> list[dict]:
    filters: Filters = report.filters
    ctx = context_for(campaign)
    restrict = _scoped(user, campaign, filters, report)
    template = campaign.template
    out = []

    def want(key):
        return only is None or only == key

    if want("phases"):
        per_phase: dict[str, int] = defaultdict(int)
        for u in report.units:
            per_phase[u.current_phase] += 1
        cats = [p["name"] for p in template.phases if per_phase.get(p["code"])]
        values = [per_phase[p["code"]] for p in template.phases if per_phase.get(p["code"])]
        extra = sum(
            n for code, n in per_phase.items() if code not in {p["code"] for p in template.phases}
        )
        if extra:
            cats.append("已结束或未开始")
            values.append(extra)
        out.append(_chart("phases", "bar", cats, [("单位数", values)], "阶段"))

    if want("transitions"):
        qs = TransitionApplication.objects.filter(
            campaign=campaign, status=ApplicationStatus.APPROVED, office_decided_at__isnull=False
        )
        if restrict is not None:
            qs = qs.filter(participation__in=restrict.values("pk"))
        if filters.batch_id:
            qs = qs.filter(participation__batch_id=filters.batch_id)
        if filters.group_id:
            qs = qs.filter(participation__group_id=filters.group_id)
        counts: dict[str, int] = defaultdict(int)
        for day, n in _per_local_day(qs.order_by(), "office_decided_at"):
            counts[_week(day)] += n
        weeks = _weeks(counts)
        out.append(
            _chart(
                "transitions",
                "line",
                weeks,
                [("批准转段", [counts[w] for w in weeks])],
                "周（起始日）",
            )
        )

    if want("surveys"):
        names = _group_names(report)
        series = []
        for key, label in (("surveys_run", "开展测评"), ("surveys_passed", "测评通过")):
            grouped = _counted_by_report(report, key)
            if grouped is None:
                per_unit = count_figure(
                    Figure(key, label, get_tally(key), {}),
                    campaign=campaign,
                    filters=filters,
                    units=restrict,
                    ctx=ctx,
                    by_group=True,
                )
                grouped = _by_group(per_unit)
            series.append((label, [grouped.get(gid, 0) for gid, _ in names]))
        out.append(_chart("surveys", "bar", [n for _, n in names], series, "督导组"))

    if want("lights"):
        names = _group_names(report)
        series = []
        tally = get_tally("rectification_items")
        lights = (("red", "红灯（逾期）"), ("yellow", "黄灯（临期）"), ("green", "绿灯"))
        # The three lights are three filtered counts of one query over the items.
        counted = count_figures_by_group(
            [Figure(f"rect_{light}", label, tally, {"lights": [light]}) for light, label in lights],
            campaign=campaign,
            filters=Filters(batch_id=filters.batch_id, group_id=filters.group_id),
            units=restrict,
            ctx=ctx,
        )
        for light, label in lights:
            grouped = _by_group(counted[f"rect_{light}"])
            series.append((label, [grouped.get(gid, 0) for gid, _ in names]))
        chart = _chart("lights", "stack", [n for _, n in names], series, "督导组")
        chart["colors"] = ["#c0392b", "#d4a017", "#2e8b57"]
        out.append(chart)

    if want("activity"):
        per_week: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for model, label in ((StudySession, "学习"), (Meeting, "会议")):
            qs = model.objects.filter(participation__campaign=campaign)
            if restrict is not None:
                qs = qs.filter(participation__in=restrict.values("pk"))
            if filters.batch_id:
                qs = qs.filter(participation__batch_id=filters.batch_id)
            if filters.group_id:
                qs = qs.filter(participation__group_id=filters.group_id)
            if filters.date_from:
                qs = qs.filter(date__gte=filters.date_from)
            if filters.date_to:
                qs = qs.filter(date__lte=filters.date_to)
            for day, n in (
                qs.order_by().values("date").annotate(n=Count("pk")).values_list("date", "n")
            ):
                per_week[_week(day)][label] += n
        weeks = sorted(per_week)[-26:]
        out.append(
            _chart(
                "activity",
                "line",
                weeks,
                [(label, [per_week[w][label] for w in weeks]) for label in ("学习", "会议")],
                "周（起始日）",
            )
        )
    return out


def _chart(key: str, kind: str, categories: list, series: list[tuple], axis: str) -> dict:
    return {
        "key": key,
        "json_id": f"chart-{key}",
        "title": CHARTS[key],
        "kind": kind,
        "axis": axis,
        "categories": [str(c) for c in categories],
        "series": [{"name": name, "data": list(values)} for name, values in series],
        "header": [axis, *[name for name, _ in series]],
        "rows": [[str(c), *[values[i] for _, values in series]] for i, c in enumerate(categories)],
    }
