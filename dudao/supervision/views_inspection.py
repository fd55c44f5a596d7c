"""Roving inspection's pages (issue 13 §6): a unit's inspection page (its regulations from the
registry, earlier batches first, with the check form; mechanisms; exchanges of views), the
inspection group's reports to the leading group (compile, narrative, submit, Word). Thin:
fetch through ``access`` → an action in ``inspection``."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.core.access import NOT_FOUND, id_or_none
from dudao.core.errors import DomainError
from dudao.rectification.models import Regulation

from . import inspection
from .access import (
    get_inspection_group_for_user,
    get_inspection_report_for_user,
    get_inspection_unit_for_user,
    get_visit_for_user,
    inspection_report_permits,
    may_inspect,
    visible_exchanges,
    visible_inspection_checks,
    visible_inspection_reports,
)
from .docx_export import render_inspection_docx
from .forms import ExchangeForm, InspectionCheckForm, InspectionCompileForm, InspectionNarrativeForm


def _form_errors(form) -> str:
    parts = []
    for key, errors in form.errors.items():
        label = form.fields[key].label if key in form.fields else ""
        parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return "；".join(parts)


def _regulations(p):
    """The unit's regulations in the registry, across the campaign's batches (an earlier
    batch's first: those are the long-term mechanisms to check)."""
    return list(
        Regulation.objects.filter(
            participation__campaign_id=p.campaign_id, participation__unit_id=p.unit_id
        )
        .select_related("participation__batch", "checked_by")
        .order_by("participation__batch__start_date", "adopted_on", "pk")
    )


@login_required
def inspection_unit(request, participation_id):
    p = get_inspection_unit_for_user(request.user, participation_id)
    regulations = _regulations(p)
    today = timezone.localdate()
    return render(
        request,
        "supervision/inspection_unit.html",
        {
            "p": p,
            "regulations": regulations,
            "checks": visible_inspection_checks(request.user)
            .filter(participation=p)
            .select_related("regulation", "checked_by")[:200],
            "exchanges": visible_exchanges(request.user).filter(participation=p)[:100],
            "may_inspect": may_inspect(request.user, p),
            "check_form": InspectionCheckForm(
                regulations=regulations, initial={"checked_on": today}
            ),
            "exchange_form": ExchangeForm(initial={"held_on": today}),
        },
    )


@login_required
@require_POST
def inspection_check(request, participation_id):
    p = get_inspection_unit_for_user(request.user, participation_id)
    if not may_inspect(request.user, p):
        raise Http404(NOT_FOUND)
    regulations = {r.pk: r for r in _regulations(p)}
    form = InspectionCheckForm(request.POST, regulations=regulations.values())
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("supervision:inspection_unit", p.pk)
    d = form.cleaned_data
    visit = None
    visit_id = id_or_none(request.POST.get("visit"))
    if visit_id:
        visit = get_visit_for_user(request.user, visit_id)
    try:
        inspection.check_in_force(
            actor=request.user,
            participation=p,
            regulation=regulations.get(d["regulation"]) if d["regulation"] else None,
            mechanism=d["mechanism"],
            in_force=d["in_force"],
            method=d["method"],
            note=d["note"],
            checked_on=d["checked_on"],
            visit=visit,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "检查结果已记录。")
    return redirect("supervision:inspection_unit", p.pk)


@login_required
@require_POST
def inspection_exchange(request, participation_id):
    p = get_inspection_unit_for_user(request.user, participation_id)
    if not may_inspect(request.user, p):
        raise Http404(NOT_FOUND)
    form = ExchangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("supervision:inspection_unit", p.pk)
    try:
        inspection.record_exchange(actor=request.user, participation=p, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "交换意见情况已记录。")
    return redirect("supervision:inspection_unit", p.pk)


@login_required
def inspection_reports(request, group_id):
    group = get_inspection_group_for_user(request.user, group_id)
    today = timezone.localdate()
    form = InspectionCompileForm(
        request.POST or None,
        initial={"period_start": today - dt.timedelta(days=today.weekday()), "period_end": today},
    )
    member = request.user.is_superuser or group.pk in inspection._groups_of(request.user)
    if request.method == "POST":
        if not member:
            raise Http404(NOT_FOUND)
        if form.is_valid():
            try:
                report, created = inspection.compile_inspection_report(
                    actor=request.user, inspection_group=group, **form.cleaned_data
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "已汇总检查报告。" if created else "已按最新记录更新。")
                return redirect("supervision:inspection_report", report.pk)
        else:
            messages.error(request, _form_errors(form))
    return render(
        request,
        "supervision/inspection_reports.html",
        {
            "group": group,
            "reports": visible_inspection_reports(request.user).filter(inspection_group=group)[:60],
            "form": form,
            "may_compile": member,
            "departments": group.departments.order_by("path"),
        },
    )


@login_required
def inspection_report(request, report_id):
    report = get_inspection_report_for_user(request.user, report_id)
    permits = inspection_report_permits(request.user, report)
    form = InspectionNarrativeForm(
        request.POST or None, initial={"narrative": report.narrative, "version": report.version}
    )
    if request.method == "POST" and request.POST.get("action") == "acknowledge":
        if not permits.may("acknowledge") and not permits.refused_by_state("acknowledge"):
            raise Http404(NOT_FOUND)
        try:
            inspection.acknowledge_inspection_report(
                actor=request.user,
                report=report,
                expected_version=id_or_none(request.POST.get("version")),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已阅，已告知巡回检查组。")
            return redirect("supervision:inspection_report", report.pk)
    elif request.method == "POST":
        if not permits.may("edit") and not permits.refused_by_state("edit"):
            raise Http404(NOT_FOUND)
        if form.is_valid():
            try:
                inspection.save_inspection_report(
                    actor=request.user,
                    report=report,
                    narrative=form.cleaned_data["narrative"],
                    submit=request.POST.get("action") == "submit",
                    expected_version=form.cleaned_data["version"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    "已报送领导小组。" if request.POST.get("action") == "submit" else "已保存。",
                )
                return redirect("supervision:inspection_report", report.pk)
        else:
            messages.error(request, _form_errors(form))
    return render(
        request,
        "supervision/inspection_report.html",
        {
            "report": report,
            "permits": permits,
            "form": form,
            "figures": inspection.figure_rows(report),
        },
    )


@login_required
def inspection_report_docx(request, report_id):
    report = get_inspection_report_for_user(request.user, report_id)
    response = HttpResponse(
        render_inspection_docx(report),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''inspection-report.docx"
    return response
