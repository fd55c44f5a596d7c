"""Transition pages. Thin: fetch through ``access`` (404 outside scope or without the role the
page is for) → selector or action → render, or a message and a redirect. Forms work without
JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dudao.campaigns.requirements import evaluate_campaign, evaluate_unit
from dudao.campaigns.terms import terms_of
from dudao.core.access import get_in_scope_or_404
from dudao.core.errors import DomainError
from dudao.orgs.access import scope_for
from dudao.records.models import Meeting

from . import actions, rules, selectors
from .access import (
    GROUP,
    UNIT,
    capabilities,
    get_application_for_user,
    get_campaign_dashboard_for_user,
    get_extension_for_user,
    get_group_dashboard_for_user,
    get_participation,
    get_participation_as,
    transition_permits,
)
from .forms import (
    ApplyForm,
    ApproveForm,
    DecideExtensionForm,
    ExtensionForm,
    ForwardForm,
    MeetingForm,
    RemedialForm,
    SendBackForm,
)
from .models import ApplicationStatus


def _permits_or_403(user, obj, action):
    """The permits on an object the user may see; 403 with the reason when he does not hold the
    role for ``action``. A refusal by state goes on to the action, which says who decided first."""
    permits = transition_permits(user, obj)
    if not permits.may(action) and not permits.refused_by_state(action):
        raise PermissionDenied(permits.reason(action))
    return permits


def _group_decider_refusals(caps, permits, app) -> list[str]:
    """For a group member the template keeps a decision from (issue 13 §9): why the button is
    not offered, while the application waits at the group."""
    if GROUP not in caps or app.status != ApplicationStatus.SUBMITTED:
        return []
    return list(
        dict.fromkeys(
            permits.reason(a)
            for a in ("forward", "remedial")
            if not permits.may(a) and not permits.refused_by_state(a)
        )
    )


def _evaluate_unit(participation, phase=None):
    return evaluate_unit(participation, phase=phase)


def _form_errors(form) -> str:
    parts = []
    for key, errors in form.errors.items():
        label = form.fields[key].label if key in form.fields else ""
        parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return "；".join(parts)


# --- read pages -------------------------------------------------------------------------------


@login_required
def unit_report(request, participation_id):
    """One unit's requirement report for its current phase (the page the benchmark times:
    a fixed number of queries whatever the number of members)."""
    p = get_participation(request.user, participation_id)
    report = _evaluate_unit(p)
    return render(
        request,
        "transitions/report.html",
        {
            "p": p,
            "report": report,
            "schedule": selectors.schedule_for(p),
            "caps": capabilities(request.user, p),
            "permits": transition_permits(request.user, p),
        },
    )


@login_required
def timeline(request, participation_id):
    p = get_participation(request.user, participation_id)
    return render(
        request,
        "transitions/timeline.html",
        {
            "p": p,
            "t": selectors.timeline(p),
            "caps": capabilities(request.user, p),
            "permits": transition_permits(request.user, p),
        },
    )


@login_required
def unit_page(request, participation_id):
    """The unit's own page: its report, its application (or the form to apply), a remedial
    order to work on, and the summary-and-mobilisation meeting to record."""
    p = get_participation_as(request.user, participation_id, UNIT)
    open_app = selectors.open_application(p)
    ended = selectors.participation_end(p)
    meeting_app, meetings = selectors.awaiting_meeting(p)
    permits = transition_permits(request.user, p)
    return render(
        request,
        "transitions/unit.html",
        {
            "p": p,
            "report": _evaluate_unit(p),
            "schedule": selectors.schedule_for(p),
            "open_app": open_app,
            "remedial": selectors.open_remedial(p),
            "history": [
                (a, p.campaign.template.phase_name(a.from_phase))
                for a in selectors.applications_of(p)
            ],
            "ended": ended,
            "form": ApplyForm() if permits.may("apply") else None,
            "permits": permits,
            "next_phase": rules.next_phase(p.campaign.template, p.current_phase),
            "meeting_app": meeting_app,
            "meeting_form": MeetingForm(meetings=meetings) if meetings else None,
        },
    )


@login_required
def application_detail(request, application_id):
    app = get_application_for_user(request.user, application_id)
    p = app.participation
    caps = capabilities(request.user, p)
    permits = transition_permits(request.user, app)
    live = _evaluate_unit(p, phase=app.from_phase) if app.is_open else None
    template = p.campaign.template
    names = rules.requirement_names(template, app.from_phase)
    failing = {r.code for r in live.blocking_failures} if live else set()
    can_group = permits.may("forward")
    can_office = permits.may("approve")
    version = {"version": app.version}
    return render(
        request,
        "transitions/application.html",
        {
            "app": app,
            "p": p,
            "caps": caps,
            "permits": permits,
            # Why a decision the user could take is not offered now (e.g. already forwarded).
            "refusals": (permits.state_reasons() + _group_decider_refusals(caps, permits, app))
            if app.is_open
            else [],
            "live": live,
            "remedial": getattr(app, "remedial_order", None)
            if app.status == ApplicationStatus.REMEDIAL
            else None,
            "from_name": template.phase_name(app.from_phase),
            "to_name": template.phase_name(app.to_phase)
            if app.to_phase
            else terms_of(template)["end"],
            "waiting": selectors.waiting_days(app) if app.is_open else None,
            "too_long": selectors.waits_too_long(app),
            "wait_limit": rules.wait_days_limit(),
            "forward_form": ForwardForm(initial=version) if can_group else None,
            "remedial_form": RemedialForm(
                initial={**version, "requirements": sorted(failing)},
                requirement_choices=list(names.items()),
            )
            if permits.may("remedial")
            else None,
            "approve_form": ApproveForm(initial=version) if can_office else None,
            "send_back_form": SendBackForm(initial=version) if permits.may("send_back") else None,
        },
    )


@login_required
def group_dashboard(request, group_id):
    group = get_group_dashboard_for_user(request.user, group_id)
    rows = selectors.group_units(group)
    return render(
        request,
        "transitions/group.html",
        {
            "group": group,
            "rows": rows,
            "ready_count": sum(1 for r in rows if r.report and r.report.ready),
            "overdue_count": sum(1 for r in rows if r.schedule.overdue()),
            "queue": selectors.group_queue(group),
            "wait_limit": rules.wait_days_limit(),
            "is_group": group.pk in scope_for(request.user).groups,
        },
    )


@login_required
def campaign_dashboard(request, campaign_id):
    """The office's dashboard: units per phase, the queue with waiting time, extension
    proposals, overdue units, and the units failing each requirement (one engine call)."""
    campaign = get_campaign_dashboard_for_user(request.user, campaign_id)
    scope = scope_for(request.user)
    is_office = scope.is_superuser or campaign.pk in scope.office_campaigns
    reports = evaluate_campaign(campaign)
    failing, evaluated = selectors.failing_by_requirement(campaign, reports)
    overdue_count, overdue = selectors.overdue_units(campaign)
    extensions = list(selectors.pending_extensions(campaign))
    return render(
        request,
        "transitions/campaign.html",
        {
            "campaign": campaign,
            "bars": selectors.units_per_phase(campaign),
            "queue": selectors.office_queue(campaign),
            "stats": selectors.queue_stats(campaign),
            "wait_limit": rules.wait_days_limit(),
            "failing": failing,
            "evaluated": dict(evaluated),
            "overdue_count": overdue_count,
            "overdue": overdue,
            "extensions": [
                (
                    e,
                    DecideExtensionForm(initial={"version": e.version}) if is_office else None,
                    campaign.template.phase_name(e.phase),
                )
                for e in extensions
            ],
            "is_office": is_office,
            "corrected": selectors.corrections_after_approval(campaign),
        },
    )


@login_required
def extension_page(request, participation_id):
    """The group proposes to extend the unit's current phase (GET shows the form)."""
    p = get_participation_as(request.user, participation_id, GROUP)
    form = ExtensionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.propose_extension(
                    actor=request.user,
                    participation=p,
                    days=form.cleaned_data["days"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "已提出延长建议，等待活动办决定。")
                return redirect("transitions:timeline", p.pk)
        else:
            messages.error(request, _form_errors(form))
    spec = rules.phase_spec(p.campaign.template, p.current_phase) or {}
    return render(
        request,
        "transitions/extension.html",
        {
            "p": p,
            "form": form,
            "schedule": selectors.schedule_for(p),
            "extendable": spec.get("extendable", True),
        },
    )


# --- decisions (POST only) --------------------------------------------------------------------


@login_required
@require_POST
def apply(request, participation_id):
    p = get_participation(request.user, participation_id)
    _permits_or_403(request.user, p, "apply")
    form = ApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            app = actions.apply_for_transition(
                actor=request.user, participation=p, summary=form.cleaned_data["summary"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"转段申请已提交（第{app.attempt}次），等待督导组审核。")
    return redirect("transitions:unit", p.pk)


def _application_for(request, application_id, action):
    app = get_application_for_user(request.user, application_id)
    _permits_or_403(request.user, app, action)
    return app


def _decide(request, app, form, call, success: str):
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            call(form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, success)
    return redirect("transitions:application", app.pk)


@login_required
@require_POST
def forward(request, application_id):
    app = _application_for(request, application_id, "forward")
    return _decide(
        request,
        app,
        ForwardForm(request.POST),
        lambda d: actions.forward_application(
            actor=request.user,
            application=app,
            comment=d["comment"],
            expected_version=d["version"],
        ),
        "已转报活动办。",
    )


@login_required
@require_POST
def remedial(request, application_id):
    app = _application_for(request, application_id, "remedial")
    names = rules.requirement_names(app.participation.campaign.template, app.from_phase)
    return _decide(
        request,
        app,
        RemedialForm(request.POST, requirement_choices=list(names.items())),
        lambda d: actions.order_remedial_work(
            actor=request.user,
            application=app,
            reason=d["reason"],
            work=d["work"],
            deadline=d["deadline"],
            requirement_codes=d["requirements"],
            expected_version=d["version"],
        ),
        "已责令补课，单位补课后可再次申请。",
    )


@login_required
@require_POST
def approve(request, application_id):
    app = _application_for(request, application_id, "approve")
    return _decide(
        request,
        app,
        ApproveForm(request.POST),
        lambda d: actions.approve_transition(
            actor=request.user,
            application=app,
            comment=d["comment"],
            expected_version=d["version"],
        ),
        "已批准转段。" if app.to_phase else "已批准结束集中教育。",
    )


@login_required
@require_POST
def send_back(request, application_id):
    app = _application_for(request, application_id, "send_back")
    return _decide(
        request,
        app,
        SendBackForm(request.POST),
        lambda d: actions.send_back_application(
            actor=request.user,
            application=app,
            reason=d["reason"],
            expected_version=d["version"],
        ),
        "已退回该申请。",
    )


@login_required
@require_POST
def record_meeting(request, application_id):

    app = _application_for(request, application_id, "record_meeting")
    p = app.participation
    meetings = Meeting.objects.filter(participation=p, phase=app.to_phase)
    form = MeetingForm(request.POST, meetings=meetings)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            actions.record_transition_meeting(
                actor=request.user,
                application=app,
                meeting=get_in_scope_or_404(meetings, form.cleaned_data["meeting"]),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已登记小结和转段动员会。")
    return redirect("transitions:unit", p.pk)


@login_required
@require_POST
def decide_extension(request, extension_id):
    ext = get_extension_for_user(request.user, extension_id)
    _permits_or_403(request.user, ext, "decide_extension")
    form = DecideExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            actions.decide_extension(
                actor=request.user,
                extension=ext,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已作出决定。")
    return redirect("transitions:campaign", ext.participation.campaign_id)
