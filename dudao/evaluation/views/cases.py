"""Organisational handling: opening a case, its page, its steps and a referral to discipline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.core.errors import DomainError

from .. import actions, rules
from ..access import case_permits, get_case_for_user
from ._common import _date, _evaluation_for


@login_required
@require_POST
def open_case(request, evaluation_id):
    ev = _evaluation_for(request.user, evaluation_id)
    try:
        case = actions.open_case(actor=request.user, evaluation=ev)
    except DomainError as exc:
        if exc.code == "forbidden":
            return HttpResponse(exc.message, status=403)
        messages.error(request, exc.message)
        return redirect("evaluation:ballot", ev.ballot_id)
    return redirect("evaluation:case", case.pk)


@login_required
def case(request, case_id):
    c = get_case_for_user(request.user, case_id)
    template = c.participation.campaign.template
    step = rules.step(template, c.current_step) if c.current_step else None
    names = {s.code: s.name for s in rules.steps(template)}
    outcome_names = {o[0]: o[1] for s in rules.steps(template) for o in s.outcomes}
    permits = case_permits(request.user, c)
    steps = list(c.steps.prefetch_related("documents"))
    for s in steps:
        s.step_name = names.get(s.step, s.step)
        s.outcome_name = outcome_names.get(s.outcome, s.outcome)
    return render(
        request,
        "evaluation/case.html",
        {
            "c": c,
            "step": step,
            "steps": steps,
            "procedure": rules.steps(template),
            "outcome_name": outcome_names.get(c.outcome, ""),
            "permits": permits,
            "allowed": set(permits.allowed_actions()),
            "step_refusal": permits.reason("record_step"),
            "referrals": c.referrals.all(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def case_step(request, case_id):
    c = get_case_for_user(request.user, case_id)
    try:
        actions.record_step(
            actor=request.user,
            case=c,
            step=request.POST.get("step", ""),
            outcome=request.POST.get("outcome", ""),
            decided_by_name=request.POST.get("decided_by_name", ""),
            decided_on=_date(request.POST.get("decided_on"), "决定日期"),
            statement=request.POST.get("statement", ""),
            note=request.POST.get("note", ""),
            files=request.FILES.getlist("files"),
            expected_version=request.POST.get("version") or None,
        )
        messages.success(request, "已记录处理步骤。")
    except DomainError as exc:
        if exc.code == "forbidden":
            return HttpResponse(exc.message, status=403)
        messages.error(request, exc.message)
    return redirect("evaluation:case", c.pk)


@login_required
@require_POST
def case_refer(request, case_id):
    c = get_case_for_user(request.user, case_id)
    try:
        actions.refer_to_discipline(
            actor=request.user, case=c, body=request.POST.get("body", ""),
            referred_on=_date(request.POST.get("referred_on"), "移送日期"),
            note=request.POST.get("note", ""),
        )  # fmt: skip
        messages.success(request, "已记录移送纪检机关。")
    except DomainError as exc:
        if exc.code == "forbidden":
            return HttpResponse(exc.message, status=403)
        messages.error(request, exc.message)
    return redirect("evaluation:case", c.pk)
