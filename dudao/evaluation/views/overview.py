"""The way in: the user's ballots and cases, a campaign's counts per unit, a unit's page and
its talk matrix."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from dudao.campaigns.access import get_campaign_for_user, visible_campaigns, visible_participations
from dudao.orgs.models import Organisation, OrgKind

from .. import rules, selectors, talks
from ..access import get_participation_as, participation_caps, visible_ballots, visible_cases
from ._common import VIEWERS


@login_required
def home(request):
    """The ballots and cases the user sees (a branch secretary's way in)."""
    ballots = (
        visible_ballots(request.user)
        .select_related("branch", "participation")
        .order_by("participation__unit_name", "branch__name")[:200]
    )
    cases = selectors.cases_for(visible_cases(request.user))[:200]
    campaigns = visible_campaigns(request.user).order_by("-pk")[:20]
    return render(
        request,
        "evaluation/home.html",
        {"ballots": ballots, "cases": cases, "campaigns": campaigns},
    )


@login_required
def campaign(request, campaign_id):
    """Counts per unit and group the user sees (issue 12 §10), with links to each unit."""
    c = get_campaign_for_user(request.user, campaign_id)
    parts = list(
        visible_participations(request.user, c)
        .select_related("group")
        .order_by("group__name", "unit_name")[:2000]
    )
    counts = selectors.unit_counts(parts)
    rows = [(p, counts[p.pk]) for p in parts]
    totals = {
        k: sum(getattr(u, k) for _p, u in rows)
        for k in ("members", "decided", "unqualified", "cases", "cases_open")
    }
    return render(request, "evaluation/campaign.html", {"c": c, "rows": rows, "totals": totals})


@login_required
def unit(request, participation_id):
    p = get_participation_as(request.user, participation_id, *VIEWERS)
    caps = participation_caps(request.user, p)
    template = p.campaign.template
    counts = selectors.unit_counts([p])[p.pk]
    branches = Organisation.objects.filter(unit_id=p.unit_id, kind=OrgKind.BRANCH).order_by("name")
    ballots = {b.branch_id: b for b in visible_ballots(request.user).filter(participation=p)}
    return render(
        request,
        "evaluation/unit.html",
        {
            "p": p,
            "caps": caps,
            "counts": counts,
            "branches": [(b, ballots.get(b.pk)) for b in branches],
            "has_grades": bool(rules.grades(template)),
            "has_talks": bool(rules.talk_spec(template)),
            "has_tests": bool(rules.self_analysis_spec(template)),
            "cases": selectors.cases_for(visible_cases(request.user).filter(participation=p)),
        },
    )


@login_required
def talk_matrix(request, participation_id):
    p = get_participation_as(request.user, participation_id, *VIEWERS)
    matrix = talks.matrix_for(p)
    rows = []
    if matrix is not None:
        for pair in matrix.pairs:
            rows.append(
                {
                    "pair": pair,
                    "kind": rules.PAIR_LABELS.get(pair.kind, ""),
                    "cells": [r in pair.done_rounds for r in range(1, matrix.rounds + 1)],
                }
            )
    return render(
        request,
        "evaluation/talks.html",
        {"p": p, "matrix": matrix, "rows": rows,
         "round_numbers": range(1, matrix.rounds + 1) if matrix else []},
    )  # fmt: skip
