"""Word and PDF documents (bulletin, phase summary, final report) and the charts' exports."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from dudao.core.access import NOT_FOUND
from dudao.core.xlsx import Sheet

from . import charts, documents, selectors
from .access import get_campaign_for_reader, may_print_office_documents
from .views import _setup, _who, _xlsx

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else dt.date.today()
    except ValueError:
        return dt.date.today()


@login_required
def document(request, campaign_id, kind, fmt):
    campaign = get_campaign_for_reader(request.user, campaign_id)
    if kind not in documents.KINDS or fmt not in ("docx", "pdf"):
        raise Http404(NOT_FOUND)
    if not may_print_office_documents(request.user, campaign):
        raise Http404(NOT_FOUND)
    phases = {p["code"] for p in campaign.template.phases}
    phase = request.GET.get("phase", "")
    if kind == "summary" and phase not in phases:
        phase = campaign.template.phases[0]["code"]
    ctx = documents.context(
        kind,
        user=request.user,
        campaign=campaign,
        day=_day(request.GET.get("date", "")),
        phase=phase,
    )
    if fmt == "docx":
        body, mime = documents.docx_bytes(kind, ctx), DOCX_MIME
    else:
        body, mime = documents.pdf_bytes(kind, ctx), "application/pdf"
    response = HttpResponse(body, content_type=mime)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{kind}.{fmt}"
    return response


@login_required
def chart_export(request, campaign_id, key):
    campaign, _form, filters = _setup(request, campaign_id)
    if key not in charts.CHARTS:
        raise Http404(NOT_FOUND)
    report = selectors.tally_report(user=request.user, campaign=campaign, filters=filters, codes=[])
    (chart,) = charts.dashboard(request.user, campaign, report, only=key)
    sheet = Sheet(f"{campaign} {chart['title']}", chart["header"], chart["rows"])
    return _xlsx(key, [sheet], audience=f"{_who(request)}（{campaign}）")
