"""Problem pages: record, view, send, answer and verify a problem."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dudao.core.access import NOT_FOUND, id_or_none
from dudao.core.errors import DomainError

from .. import actions, rules, selectors
from ..access import (
    GROUP,
    get_participation_as,
    get_problem_for_user,
    get_visit_for_user,
    problem_permits,
)
from ..forms import AnswerForm, ProblemForm, VerifyForm
from ._common import _form_errors, _today

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
