"""约谈 pages: record an interview and its outcome."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from dudao.core.access import NOT_FOUND
from dudao.core.errors import DomainError

from .. import actions
from ..access import (
    GROUP,
    get_interview_for_user,
    get_participation_as,
    may_interview,
    visible_problems,
)
from ..forms import InterviewForm, OutcomeForm
from ._common import _form_errors, _today

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
