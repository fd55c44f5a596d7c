"""Supervision pages. Thin: fetch through ``access`` (404 outside scope) → the permits function,
a selector or an action → render, or a message and a redirect. Forms work without JavaScript
and on a phone (390 px)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.campaigns.access import (
    get_campaign_for_user,
    get_group_for_user,
    get_participation_for_user,
)
from dudao.campaigns.models import Campaign, InspectionGroup, SupervisionGroup
from dudao.core.access import NOT_FOUND, get_in_scope_or_404, id_or_none
from dudao.core.errors import DomainError
from dudao.core.todo import todo_sections
from dudao.orgs.access import scope_for

from . import actions, rules, selectors, weekly
from .access import (
    GROUP,
    INSPECTOR,
    UNIT,
    caps,
    get_interview_for_user,
    get_participation_as,
    get_problem_for_user,
    get_report_for_user,
    get_spot_check_for_user,
    get_visit_for_user,
    may_interview,
    may_log_visit,
    may_record_problem,
    may_spot_check,
    problem_permits,
    report_permits,
    visible_interviews,
    visible_problems,
    visible_reports,
    visible_visits,
)
from .docx_export import render_report_docx
from .forms import (
    AnswerForm,
    CheckResultForm,
    DrawForm,
    InterviewForm,
    NarrativeForm,
    OutcomeForm,
    PreferencesForm,
    ProblemForm,
    VerifyForm,
    VisitForm,
)
from .models import Notification, VisitPhoto
from .notify import preferences


def _form_errors(form) -> str:
    parts = []
    for key, errors in form.errors.items():
        label = form.fields[key].label if key in form.fields else ""
        parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return "；".join(parts)


def _today():
    return timezone.localdate()


def _link(url_name: str, args) -> str:
    try:
        return reverse(url_name, args=list(args))
    except NoReverseMatch:
        return ""


# --- the workbench and the to-do list ---------------------------------------------------------


@login_required
def home(request):
    """The group's workbench: its units with the buttons of the field (log a visit, record a
    problem, spot-check), and the problems followed."""
    scope = scope_for(request.user)
    units = selectors.workbench_units(request.user)
    problems = selectors.with_lights(
        list(
            visible_problems(request.user)
            .select_related("participation__campaign__template")
            .exclude(status="solved")
            .order_by("deadline")[:100]
        ),
        _today(),
    )
    return render(
        request,
        "supervision/home.html",
        {
            "units": units,
            "problems": problems,
            "groups": SupervisionGroup.objects.filter(pk__in=scope.groups).order_by("code"),
            "office_campaigns": Campaign.objects.filter(pk__in=scope.read_all_campaigns),
            "experience_campaigns": Campaign.objects.filter(
                pk__in=scope.read_all_campaigns | set(scope.group_campaigns.values())
            ),
            "inspection_groups": InspectionGroup.objects.filter(
                Q(pk__in=list(scope.inspection)) | Q(campaign_id__in=scope.read_all_campaigns)
            ).order_by("code"),
        },
    )


@login_required
def todo(request):
    sections = [
        (title, [(t, _link(t.url_name, t.url_args)) for t in items])
        for title, items in todo_sections(request.user)
    ]
    notices = list(Notification.objects.filter(user=request.user, read_at__isnull=True)[:20])
    return render(
        request,
        "supervision/todo.html",
        {
            # This page lists every item already: the navigation's number need not count again.
            "dudao_todo_count": sum(len(items) for _title, items in sections),
            "sections": sections,
            "notices": [(n, _link(n.url_name, [n.url_arg]) if n.url_arg else "") for n in notices],
        },
    )


@login_required
def notifications(request):
    if request.method == "POST":
        actions.mark_notifications_read(actor=request.user)
        messages.success(request, "已全部标为已读。")
        return redirect("supervision:notifications")
    notices = Notification.objects.filter(user=request.user)[:200]
    return render(
        request,
        "supervision/notifications.html",
        {"notices": [(n, _link(n.url_name, [n.url_arg]) if n.url_arg else "") for n in notices]},
    )


@login_required
def preferences_page(request):
    prefs = preferences(request.user)
    form = PreferencesForm(request.POST or None, prefs=prefs)
    if request.method == "POST" and form.is_valid():
        actions.set_preferences(
            actor=request.user,
            choices={
                e: (form.cleaned_data[f"app_{e}"], form.cleaned_data[f"mail_{e}"]) for e in prefs
            },
        )
        messages.success(request, "通知设置已保存。")
        return redirect("supervision:preferences")
    rows = [(prefs[e].get_event_display(), form[f"app_{e}"], form[f"mail_{e}"]) for e in prefs]
    return render(
        request,
        "supervision/preferences.html",
        {"form": form, "rows": rows, "has_email": bool(request.user.email)},
    )


# --- visits ------------------------------------------------------------------------------------


@login_required
def visit_new(request, participation_id):
    p = get_participation_as(request.user, participation_id, GROUP, INSPECTOR)
    if not may_log_visit(request.user, p):
        raise Http404(NOT_FOUND)
    form = VisitForm(
        request.POST or None,
        request.FILES or None,
        # A fresh token per rendered form: sending this page twice records one visit.
        initial={"happened_on": _today(), "client_token": secrets.token_urlsafe(16)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit, created = actions.log_visit(
                actor=request.user,
                participation=p,
                kind=data["kind"],
                happened_on=data["happened_on"],
                spoke=data["spoke"],
                people_count=data["people_count"] or 0,
                people_kinds=data["people_kinds"],
                notes=data["notes"],
                photos=data["photos"] or [],
                client_token=data["client_token"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, "已记录。" if created else "这份记录此前已收到，没有重复记录。"
            )
            return redirect(
                f"{reverse('supervision:visit', args=[visit.pk])}?sent={visit.client_token}"
            )
    elif request.method == "POST":
        messages.error(request, _form_errors(form))
    return render(request, "supervision/visit_new.html", {"p": p, "form": form})


@login_required
def visit_detail(request, visit_id):
    visit = get_visit_for_user(request.user, visit_id)
    return render(
        request,
        "supervision/visit.html",
        {
            "visit": visit,
            "p": visit.participation,
            "photos": visit.photos.all(),
            "problems": visit.problems.all(),
            "may_record": may_record_problem(request.user, visit.participation),
            "sent_token": request.GET.get("sent", "")[:64],
        },
    )


@login_required
def photo(request, photo_id):
    found = get_in_scope_or_404(
        VisitPhoto.objects.filter(visit__in=visible_visits(request.user)), photo_id
    )
    return FileResponse(found.file.open("rb"), filename=found.original_name, as_attachment=False)


@login_required
def unit_page(request, participation_id):
    # Everyone whose scope holds the unit: office, leading group, its group, the unit itself.
    p = get_participation_for_user(request.user, participation_id)
    have = caps(request.user, p)
    problems = selectors.with_lights(
        list(visible_problems(request.user).filter(participation=p).order_by("-created_at")[:200]),
        _today(),
        template=p.campaign.template,
    )
    return render(
        request,
        "supervision/unit.html",
        {
            "p": p,
            "visits": visible_visits(request.user).filter(participation=p)[:100],
            "problems": problems,
            "checks": selectors.unit_checks(request.user, p),
            "interviews": visible_interviews(request.user).filter(participation=p)[:50],
            "may_interview": may_interview(request.user, p),
            "may_log": may_log_visit(request.user, p),
            "may_record": may_record_problem(request.user, p),
            "may_check": may_spot_check(request.user, p),
            "may_inspect": INSPECTOR in have,
            "is_unit": UNIT in have,
            "draw_form": DrawForm(),
        },
    )


# --- problems ----------------------------------------------------------------------------------


@login_required
def problem_new(request, participation_id):
    p = get_participation_as(request.user, participation_id, GROUP)
    template = p.campaign.template
    visit = None
    visit_id = id_or_none(request.GET.get("visit") or request.POST.get("visit"))
    if visit_id:
        visit = get_visit_for_user(request.user, visit_id)
        if visit.participation_id != p.pk:
            raise Http404(NOT_FOUND)
    form = ProblemForm(request.POST or None, initial={"client_token": secrets.token_urlsafe(16)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            problem = actions.record_problem(
                actor=request.user,
                participation=p,
                description=data["description"],
                requirement=data["requirement"],
                deadline=data["deadline"],
                visit=visit,
                client_token=data["client_token"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if problem.status == "draft":
                messages.success(request, "已登记，待组长签发后发给单位。")
            else:
                messages.success(request, "已发给单位，请单位在时限内答复。")
            return redirect("supervision:problem", problem.pk)
    elif request.method == "POST":
        messages.error(request, _form_errors(form))
    return render(
        request,
        "supervision/problem_new.html",
        {
            "p": p,
            "form": form,
            "visit": visit,
            "default_days": rules.spec_of(template)["problem_default_days"],
            "decider": rules.DECIDER_LABELS[rules.decider(template, "send_problem")],
        },
    )


@login_required
def problem_detail(request, problem_id):
    problem = get_problem_for_user(request.user, problem_id)
    selectors.with_lights([problem], _today())
    return render(
        request,
        "supervision/problem.html",
        {
            "problem": problem,
            "p": problem.participation,
            "permits": problem_permits(request.user, problem),
            "steps": problem.steps.select_related("actor"),
            "answer_form": AnswerForm(initial={"version": problem.version}),
            "verify_form": VerifyForm(initial={"version": problem.version}),
        },
    )


@login_required
@require_POST
def problem_send(request, problem_id):
    problem = get_problem_for_user(request.user, problem_id)
    try:
        actions.send_problem(
            actor=request.user,
            problem=problem,
            expected_version=id_or_none(request.POST.get("version")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已签发给单位。")
    return redirect("supervision:problem", problem.pk)


@login_required
@require_POST
def problem_answer(request, problem_id):
    problem = get_problem_for_user(request.user, problem_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("supervision:problem", problem.pk)
    try:
        actions.answer_problem(
            actor=request.user,
            problem=problem,
            answer=form.cleaned_data["answer"],
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "答复已送督导组核实。")
    return redirect("supervision:problem", problem.pk)


@login_required
@require_POST
def problem_verify(request, problem_id):
    problem = get_problem_for_user(request.user, problem_id)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("supervision:problem", problem.pk)
    solved = form.cleaned_data["decision"] == "solved"
    try:
        actions.verify_problem(
            actor=request.user,
            problem=problem,
            solved=solved,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已核实解决。" if solved else "已退回单位，并写明了理由。")
    return redirect("supervision:problem", problem.pk)


# --- spot-checks -------------------------------------------------------------------------------


@login_required
@require_POST
def spot_check_draw(request, participation_id):
    p = get_participation_as(request.user, participation_id, GROUP)
    form = DrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("supervision:unit", p.pk)
    kind = form.cleaned_data["claim_kind"]
    try:
        checks = actions.draw_spot_checks(
            actor=request.user,
            participation=p,
            claim_kind=kind,
            candidates=selectors.claim_candidates(p, kind),
            count=form.cleaned_data["count"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已随机抽取 {len(checks)} 项，抽取记录已保存。")
    return redirect("supervision:unit", p.pk)


@login_required
def spot_check_detail(request, check_id):
    check = get_spot_check_for_user(request.user, check_id)
    form = CheckResultForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.record_spot_check(
                    actor=request.user,
                    check=check,
                    confirmed=form.cleaned_data["result"] == "confirmed",
                    method=form.cleaned_data["method"],
                    finding=form.cleaned_data["finding"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "核实结果已记录。")
                return redirect("supervision:spot_check", check.pk)
        else:
            messages.error(request, _form_errors(form))
    return render(
        request,
        "supervision/spot_check.html",
        {
            "check": check,
            "p": check.participation,
            "form": form,
            "may_check": may_spot_check(request.user, check.participation)
            and check.result == "pending",
        },
    )


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


# --- 约谈 ----------------------------------------------------------------------------------------


@login_required
def interview_new(request, participation_id):
    p = get_participation_as(request.user, participation_id, GROUP)
    problems = visible_problems(request.user).filter(participation=p).exclude(status="draft")
    form = InterviewForm(request.POST or None, problems=problems, initial={"held_on": _today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            interview = actions.record_interview(
                actor=request.user,
                participation=p,
                interviewee=data["interviewee"],
                held_on=data["held_on"],
                reason=data["reason"],
                said=data["said"],
                promised=data["promised"],
                follow_up_on=data["follow_up_on"],
                problems=data["problems"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "约谈已记录。")
            return redirect("supervision:interview", interview.pk)
    elif request.method == "POST":
        messages.error(request, _form_errors(form))
    return render(request, "supervision/interview_new.html", {"p": p, "form": form})


@login_required
def interview_detail(request, interview_id):
    interview = get_interview_for_user(request.user, interview_id)
    may = may_interview(request.user, interview.participation)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST":
        if not may:
            raise Http404(NOT_FOUND)
        if form.is_valid():
            try:
                actions.record_interview_outcome(
                    actor=request.user, interview=interview, outcome=form.cleaned_data["outcome"]
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "跟踪结果已记录。")
                return redirect("supervision:interview", interview.pk)
        else:
            messages.error(request, _form_errors(form))
    return render(
        request,
        "supervision/interview.html",
        {
            "interview": interview,
            "p": interview.participation,
            "problems": interview.problems.all(),
            "form": form,
            "may_outcome": may and interview.outcome_recorded_at is None,
        },
    )
