"""Weekly report pages: a group's reports, one report (narrative, submit), its .docx, a
campaign's week."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dudao.campaigns.access import get_campaign_for_user, get_group_for_user
from dudao.core.access import NOT_FOUND
from dudao.core.errors import DomainError
from dudao.orgs.access import scope_for

from .. import actions, weekly
from ..access import get_report_for_user, report_permits, visible_reports
from ..docx_export import render_report_docx
from ..forms import NarrativeForm
from ._common import _form_errors, _today

# --- weekly reports ----------------------------------------------------------------------------


@login_required
def group_reports(request, group_id):
    group = get_group_for_user(request.user, group_id)
    reports = visible_reports(request.user).filter(group=group).order_by("-week_start")[:60]
    return render(request, "supervision/reports.html", {"group": group, "reports": reports})


@login_required
def report_detail(request, report_id):
    report = get_report_for_user(request.user, report_id)
    permits = report_permits(request.user, report)
    form = NarrativeForm(
        request.POST or None, initial={"narrative": report.narrative, "version": report.version}
    )
    if request.method == "POST":
        if not permits.may("edit") and not permits.refused_by_state("edit"):
            raise Http404(NOT_FOUND)
        if form.is_valid():
            try:
                if request.POST.get("action") == "submit":
                    actions.submit_report(
                        actor=request.user,
                        report=report,
                        narrative=form.cleaned_data["narrative"],
                        expected_version=form.cleaned_data["version"],
                    )
                    messages.success(request, "周报已报送活动办。")
                else:
                    actions.save_narrative(
                        actor=request.user,
                        report=report,
                        narrative=form.cleaned_data["narrative"],
                        expected_version=form.cleaned_data["version"],
                    )
                    messages.success(request, "已保存。")
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                return redirect("supervision:report", report.pk)
        else:
            messages.error(request, _form_errors(form))
    return render(
        request,
        "supervision/report.html",
        {
            "report": report,
            "permits": permits,
            "form": form,
            "figures": weekly.figure_rows(report),
            "week_end": report.week_start + dt.timedelta(days=6),
        },
    )


@login_required
def report_docx(request, report_id):
    report = get_report_for_user(request.user, report_id)
    response = HttpResponse(
        render_report_docx(report),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''weekly-report.docx"
    return response


@login_required
def campaign_week(request, campaign_id):
    """The office's view: every group's report for the week side by side, and the compiled
    campaign figures."""
    campaign = get_campaign_for_user(request.user, campaign_id)
    scope = scope_for(request.user)
    if not (scope.is_superuser or campaign.pk in scope.read_all_campaigns):
        raise Http404(NOT_FOUND)
    try:
        week = dt.date.fromisoformat(request.GET.get("week", "")[:10])
    except ValueError:
        week = _today()
    week = weekly.week_start_of(week)
    if request.method == "POST":
        if not scope.can_manage_campaign(campaign.pk):
            raise Http404(NOT_FOUND)
        outcome = actions.compile_reports(actor=request.user, campaign=campaign, week_start=week)
        messages.success(
            request,
            f"已汇总：新建 {outcome['created']} 份，更新 {outcome['refreshed']} 份，"
            f"已报送未改 {outcome['kept']} 份。",
        )
        return redirect(
            f"{reverse('supervision:week', args=[campaign.pk])}?week={week.isoformat()}"
        )
    reports = list(
        visible_reports(request.user)
        .filter(campaign=campaign, week_start=week)
        .select_related("group")
        .order_by("group__code")
    )
    columns = [r.group for r in reports]
    table = [
        (label, [int(r.figures.get(code, 0)) for r in reports]) for code, label in weekly.FIGURES
    ]
    return render(
        request,
        "supervision/week.html",
        {
            "campaign": campaign,
            "week": week,
            "week_end": week + dt.timedelta(days=6),
            "prev": week - dt.timedelta(days=7),
            "next": week + dt.timedelta(days=7),
            "reports": reports,
            "columns": columns,
            "table": table,
            "totals": weekly.campaign_totals(reports),
            "submitted": sum(1 for r in reports if r.status == "submitted"),
            "may_compile": scope.can_manage_campaign(campaign.pk),
        },
    )
