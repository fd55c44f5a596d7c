"""Report pages (issue 14): the campaign's figures with filters and charts, the drill-down from
a figure to groups, units and the records behind it, and their Excel exports. Thin: fetch
through ``access`` (404 outside scope), a selector, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from dudao.campaigns.access import visible_groups
from dudao.core.access import NOT_FOUND
from dudao.core.xlsx import Sheet, stream_sheets
from dudao.imports.excel import XLSX_MIME

from . import cache, selectors
from .access import (
    get_campaign_for_reader,
    get_campaign_group,
    get_campaign_participation,
    may_print_office_documents,
    reporting_campaigns,
)
from .forms import FilterForm
from .printing import tally_sheets
from .rules import figure as find_figure


def _xlsx(name: str, sheets: list[Sheet], *, audience: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        stream_sheets(sheets, audience=audience), content_type=XLSX_MIME
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}.xlsx"
    return response


def _who(request) -> str:
    return request.user.get_full_name() or request.user.get_username()


def _setup(request, campaign_id):
    campaign = get_campaign_for_reader(request.user, campaign_id)
    groups = list(visible_groups(request.user).filter(campaign=campaign).order_by("code"))
    form = FilterForm(request.GET, campaign=campaign, groups=groups)
    filters = form.filters()
    if filters.group_id and filters.group_id not in {g.pk for g in groups}:
        raise Http404(NOT_FOUND)
    return campaign, form, filters


def _figure(campaign, code):
    fig = find_figure(campaign.template.data, code)
    if fig is None:
        raise Http404(NOT_FOUND)
    return fig


def _scope_label(report) -> str:
    f = report.filters
    parts = [str(report.campaign)]
    if f.batch_id:
        parts.append(report.batches.get(f.batch_id, ""))
    if f.group_id:
        parts.append(report.groups.get(f.group_id, ""))
    if f.phase:
        parts.append(report.campaign.template.phase_name(f.phase))
    if f.date_from or f.date_to:
        parts.append(
            f"{f.date_from.isoformat() if f.date_from else '开始'}至"
            f"{f.date_to.isoformat() if f.date_to else '今'}"
        )
    return "　".join(p for p in parts if p)


def _sections(report):
    out: dict[str, list] = {}
    for fig in report.figures:
        out.setdefault(fig.section, []).append(
            {
                "fig": fig,
                "value": report.values.get(fig.code),
                # (batch name, value): the name labels the cell on a phone, where the table
                # becomes one card per figure.
                "batches": [
                    (name, report.by_batch.get(fig.code, {}).get(b, 0))
                    for b, name in report.batches.items()
                ],
            }
        )
    return list(out.items())


@login_required
def home(request):
    campaigns = list(reporting_campaigns(request.user))
    return render(request, "reports/home.html", {"title": "统计报表", "campaigns": campaigns})


@login_required
def campaign_report(request, campaign_id):
    campaign, form, filters = _setup(request, campaign_id)
    report, drawn = cache.campaign_page(request.user, campaign, filters)
    return render(
        request,
        "reports/campaign.html",
        {
            "title": f"{campaign} 统计报表",
            "campaign": campaign,
            "form": form,
            "report": report,
            "sections": _sections(report),
            "query": urlencode(filters.query()),
            "scope_label": _scope_label(report),
            "charts": drawn,
            "office": may_print_office_documents(request.user, campaign),
        },
    )


@login_required
def campaign_export(request, campaign_id):
    """Every figure per unit, one row a unit (the campaign report's table), on the first sheet;
    then the same rows with the figures section by section, on sheets that print at full size
    on landscape A4 (:mod:`dudao.reports.printing`)."""
    campaign, _form, filters = _setup(request, campaign_id)
    report = selectors.tally_report(user=request.user, campaign=campaign, filters=filters)
    sheets = tally_sheets(report, title=f"{_scope_label(report)} 统计表")
    return _xlsx("tallies", sheets, audience=f"{_who(request)}（{campaign}）")


@login_required
def figure_report(request, campaign_id, code):
    campaign, form, filters = _setup(request, campaign_id)
    fig = _figure(campaign, code)
    report = selectors.tally_report(
        user=request.user, campaign=campaign, filters=filters, codes=[fig.code]
    )
    units = report.group_units()
    groups = [
        (
            gid,
            report.groups.get(gid, "未分配督导组"),
            units[gid],
            report.by_group.get(code, {}).get(gid, 0),
        )
        for gid in sorted(units, key=lambda g: (g is None, report.groups.get(g, "")))
    ]
    batch_units = report.batch_units()
    batches = [
        (bid, name, batch_units.get(bid, 0), report.by_batch.get(code, {}).get(bid, 0))
        for bid, name in report.batches.items()
        if bid in batch_units
    ]
    return render(
        request,
        "reports/figure.html",
        {
            "title": f"{fig.label}",
            "campaign": campaign,
            "form": form,
            "fig": fig,
            "report": report,
            "value": report.values.get(code),
            "groups": groups,
            "batches": batches,
            "query": filters.query(),
            "scope_label": _scope_label(report),
        },
    )


@login_required
def figure_units(request, campaign_id, code):
    """The units behind a figure (of a group, a batch, or all in scope)."""
    campaign, form, filters = _setup(request, campaign_id)
    fig = _figure(campaign, code)
    group = (
        get_campaign_group(request.user, campaign, filters.group_id) if filters.group_id else None
    )
    report = selectors.tally_report(
        user=request.user, campaign=campaign, filters=filters, codes=[fig.code]
    )
    rows = [
        (u, report.groups.get(u.group_id, ""), report.unit_value(code, u.participation_id))
        for u in report.units
    ]
    rows.sort(key=lambda r: (-(r[2] or 0), r[0].name))
    return render(
        request,
        "reports/units.html",
        {
            "title": f"{fig.label}：{group.name if group else '各单位'}",
            "campaign": campaign,
            "form": form,
            "fig": fig,
            "report": report,
            "group": group,
            "rows": rows,
            "value": report.values.get(code),
            "query": urlencode(filters.query()),
            "scope_label": _scope_label(report),
        },
    )


@login_required
def figure_unit(request, campaign_id, code, participation_id):
    campaign, form, filters = _setup(request, campaign_id)
    fig = _figure(campaign, code)
    participation = get_campaign_participation(request.user, campaign, participation_id)
    tables = selectors.figure_records(
        fig, campaign=campaign, participation_id=participation.pk, filters=filters
    )
    return render(
        request,
        "reports/records.html",
        {
            "title": f"{participation.unit_name}：{fig.label}",
            "campaign": campaign,
            "form": form,
            "fig": fig,
            "participation": participation,
            "tables": tables,
            "query": urlencode(filters.query()),
        },
    )


@login_required
def figure_unit_export(request, campaign_id, code, participation_id):
    campaign, _form, filters = _setup(request, campaign_id)
    fig = _figure(campaign, code)
    participation = get_campaign_participation(request.user, campaign, participation_id)
    tables = selectors.figure_records(
        fig, campaign=campaign, participation_id=participation.pk, filters=filters, limit=None
    )
    width = max((len(t.columns) for t in tables), default=0)
    header = ["登记方式", *[f"第{i + 1}栏" for i in range(width)]] if len(tables) > 1 else None

    def rows():
        for t in tables:
            if header:
                yield (t.title, *t.columns)
            yield from ((t.title, *r) if header else tuple(r) for r in t.rows)

    sheet = Sheet(
        f"{participation.unit_name} {fig.label} 明细",
        header or (tables[0].columns if tables else ["（无记录）"]),
        rows(),
    )
    return _xlsx("records", [sheet], audience=f"{_who(request)}（{campaign}）")
