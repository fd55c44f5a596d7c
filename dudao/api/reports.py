"""Reports (统计): the tallies, a figure's units and its records."""

from __future__ import annotations

from django.http import Http404
from ninja import Schema

from dudao.campaigns import access as campaign_access
from dudao.core.access import NOT_FOUND, clean_query_text

from .base import api

# --- reports (统计) -----------------------------------------------------------------------------


class FigureOut(Schema):
    code: str
    label: str
    section: str
    unit_of_measure: str
    # None: the figure does not apply under the filters (no phase or no date).
    value: float | None
    by_group: dict[str, float]
    by_batch: dict[str, float]


class TalliesOut(Schema):
    campaign_id: int
    units: int
    groups: dict[str, str]
    batches: dict[str, str]
    figures: list[FigureOut]


def _num(value):
    return None if value is None else float(value)


def _report_filters(request, campaign):
    from dudao.reports.forms import FilterForm

    groups = list(campaign_access.visible_groups(request.user).filter(campaign=campaign))
    form = FilterForm(request.GET, campaign=campaign, groups=groups)
    filters = form.filters()
    if filters.group_id and filters.group_id not in {g.pk for g in groups}:
        raise Http404(NOT_FOUND)
    return filters


@api.get(
    "/reports/campaigns/{campaign_id}/tallies",
    response=TalliesOut,
    summary="活动的统计项合计、各督导组和各批次数（筛选同页面：batch、group、phase、from、to）",
    url_name="report_tallies",
)
def report_tallies(request, campaign_id: int):
    from dudao.reports import cache as report_cache
    from dudao.reports.access import get_campaign_for_reader

    campaign = get_campaign_for_reader(request.user, campaign_id)
    report, _charts = report_cache.campaign_page(
        request.user, campaign, _report_filters(request, campaign)
    )
    return TalliesOut(
        campaign_id=campaign.pk,
        units=len(report.units),
        groups={str(k): v for k, v in report.groups.items()},
        batches={str(k): v for k, v in report.batches.items()},
        figures=[
            FigureOut(
                code=f.code,
                label=f.label,
                section=f.section,
                unit_of_measure=f.unit_of_measure,
                value=_num(report.values.get(f.code)),
                by_group={
                    str(k) if k is not None else "none": float(v)
                    for k, v in report.by_group.get(f.code, {}).items()
                },
                by_batch={str(k): float(v) for k, v in report.by_batch.get(f.code, {}).items()},
            )
            for f in report.figures
        ],
    )


class FigureUnitOut(Schema):
    participation_id: int
    unit_name: str
    group_id: int | None
    batch_id: int
    value: float | None


def _report_figure(campaign, code: str):
    from dudao.reports.rules import figure as find_figure

    fig = find_figure(campaign.template.data, clean_query_text(code))
    if fig is None:
        raise Http404(NOT_FOUND)
    return fig


@api.get(
    "/reports/campaigns/{campaign_id}/tallies/{code}/units",
    response=list[FigureUnitOut],
    summary="一个统计项下钻到各单位（筛选同上）",
    url_name="report_figure_units",
)
def report_figure_units(request, campaign_id: int, code: str):
    from dudao.reports import selectors as report_selectors
    from dudao.reports.access import get_campaign_for_reader

    campaign = get_campaign_for_reader(request.user, campaign_id)
    fig = _report_figure(campaign, code)
    report = report_selectors.tally_report(
        user=request.user,
        campaign=campaign,
        filters=_report_filters(request, campaign),
        codes=[fig.code],
    )
    return [
        FigureUnitOut(
            participation_id=u.participation_id,
            unit_name=u.name,
            group_id=u.group_id,
            batch_id=u.batch_id,
            value=_num(report.unit_value(fig.code, u.participation_id)),
        )
        for u in report.units
    ]


class RecordTableOut(Schema):
    title: str
    columns: list[str]
    rows: list[list[str]]
    total: int


@api.get(
    "/reports/campaigns/{campaign_id}/tallies/{code}/units/{participation_id}",
    response=list[RecordTableOut],
    summary="一个单位计入该统计项的记录（每种登记方式一表，每表最多 500 行）",
    url_name="report_figure_records",
)
def report_figure_records(request, campaign_id: int, code: str, participation_id: int):
    from dudao.reports import selectors as report_selectors
    from dudao.reports.access import get_campaign_for_reader, get_campaign_participation

    campaign = get_campaign_for_reader(request.user, campaign_id)
    fig = _report_figure(campaign, code)
    p = get_campaign_participation(request.user, campaign, participation_id)
    tables = report_selectors.figure_records(
        fig,
        campaign=campaign,
        participation_id=p.pk,
        filters=_report_filters(request, campaign),
    )
    return [
        RecordTableOut(title=t.title, columns=t.columns, rows=t.rows, total=t.total) for t in tables
    ]
