"""Visit pages: log a visit, one visit and its photos, a unit's supervision page."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from dudao.campaigns.access import get_participation_for_user
from dudao.core.access import NOT_FOUND, get_in_scope_or_404
from dudao.core.errors import DomainError

from .. import actions, selectors
from ..access import (
    GROUP,
    INSPECTOR,
    UNIT,
    caps,
    get_participation_as,
    get_visit_for_user,
    may_interview,
    may_log_visit,
    may_record_problem,
    may_spot_check,
    visible_interviews,
    visible_problems,
    visible_visits,
)
from ..forms import DrawForm, VisitForm
from ..models import VisitPhoto
from ._common import _form_errors, _today

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
