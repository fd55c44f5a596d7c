"""Self-analysis tests: a unit's test rounds and settling a closed round."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dudao.core.access import get_in_scope_or_404
from dudao.core.errors import DomainError
from dudao.surveys.models import RoundStatus, SurveyRound
from dudao.surveys.selectors import AUDIENCE_LABELS

from .. import actions, rules
from ..access import GROUP, OFFICE, UNIT, get_participation_as, participation_caps
from ..models import SelfAnalysisResult
from ._common import VIEWERS


@login_required
def self_analysis(request, participation_id):
    p = get_participation_as(request.user, participation_id, *VIEWERS)
    spec = rules.self_analysis_spec(p.campaign.template)
    results = list(
        SelfAnalysisResult.objects.filter(participation=p)
        .select_related("person")
        .order_by("person__name")
    )
    for r in results:
        r.audience_label = AUDIENCE_LABELS.get(r.audience, "")
    pending = []
    if spec:
        settled = {r.round_id for r in results}
        pending = [
            r
            for r in SurveyRound.objects.filter(
                participation=p, instrument=spec["instrument"], subject_person__isnull=False
            )
            .exclude(status=RoundStatus.PREPARING)
            .select_related("subject_person")
            .order_by("subject_person__name")
            if r.pk not in settled
        ]
    caps = participation_caps(request.user, p)
    return render(
        request,
        "evaluation/self_analysis.html",
        {"p": p, "spec": spec, "results": results, "pending": pending,
         "may_settle": bool(caps & {UNIT, GROUP, OFFICE})},
    )  # fmt: skip


@login_required
@require_POST
def settle(request, round_id):
    round_ = get_in_scope_or_404(
        SurveyRound.objects.filter(subject_person__isnull=False).select_related("participation"),
        round_id,
    )
    p = get_participation_as(request.user, round_.participation_id, *VIEWERS)
    try:
        if round_.status == RoundStatus.OPEN:
            result = actions.close_self_analysis_test(actor=request.user, round_=round_)
        else:
            result = actions.settle_self_analysis(actor=request.user, round_=round_)
        messages.success(
            request, f"{result.person.name}：{result.get_status_display()}。{result.detail}"
        )
    except DomainError as exc:
        if exc.code == "forbidden":
            return HttpResponse(exc.message, status=403)
        messages.error(request, exc.message)
    return redirect("evaluation:self_analysis", p.pk)
