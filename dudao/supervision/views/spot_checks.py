"""Spot-check pages: draw claims to check, record a check's result."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dudao.core.errors import DomainError

from .. import actions, selectors
from ..access import GROUP, get_participation_as, get_spot_check_for_user, may_spot_check
from ..forms import CheckResultForm, DrawForm
from ._common import _form_errors

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
