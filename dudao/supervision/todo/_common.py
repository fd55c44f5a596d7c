"""Helpers shared by the to-do providers: the empty query, the user's campaigns and their
templates' document kinds (cached per request), today, and registering a provider."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from dudao.campaigns.models import Campaign, Participation
from dudao.core.todo import Provider, register
from dudao.orgs.access import scope_for
from dudao.orgs.models import Organisation, Person

NOTHING = Q(pk__in=[])
PERSONAL = ("member", "leadership_member")


def _any(parts: list[Q]) -> Q:
    return reduce(or_, parts) if parts else NOTHING


def _today() -> dt.date:
    return timezone.localdate()


def _campaigns_of(user):
    """The campaigns the user takes any part in (one query with the templates)."""
    scope = scope_for(user)
    ids = scope.campaign_ids()
    if ids is None:
        return Campaign.objects.all()
    # EXISTS per campaign, not a join over its participations with DISTINCT: the join read
    # every unit of a 10,000-unit campaign on every page (≈ 30 ms of the header's to-do count).
    unit_q = Q(unit_id__in=Person.objects.filter(user_id=user.pk).values("unit_id"))
    if scope.units:
        unit_q |= Q(unit_id__in=scope.units)
    if scope.branch_paths:
        branch_units = Organisation.objects.filter(pk__in=list(scope.branch_paths)).values(
            "unit_id"
        )
        unit_q |= Q(unit_id__in=branch_units)
    takes_part = Participation.objects.filter(unit_q, campaign_id=OuterRef("pk"))
    return Campaign.objects.filter(Q(pk__in=ids) | Q(Exists(takes_part)))


def _kinds(user) -> dict[int, dict[str, tuple[str, str]]]:
    """``{campaign_id: {kind code: (submitted_by, reviewed_by)}}`` from every campaign's
    template; one query per request (cached on the user like the scope)."""
    cached = getattr(user, "_dudao_todo_kinds", None)
    if cached is None:
        cached = {}
        user._dudao_todo_templates = {}
        for c in _campaigns_of(user).select_related("template"):
            user._dudao_todo_templates[c.pk] = c.template
            cached[c.pk] = {
                k["code"]: (k.get("submitted_by", ""), k.get("reviewed_by", ""))
                for k in (c.template.data.get("document_kinds") or [])
            }
        user._dudao_todo_kinds = cached
    return cached


def _template(user, campaign_id):
    """The campaign's template, loaded once per request: rows are fetched without it (a
    template's data is large; decoding it per row would dominate the page)."""
    _kinds(user)
    found = user._dudao_todo_templates.get(campaign_id)
    if found is None:
        found = Campaign.objects.select_related("template").get(pk=campaign_id).template
        user._dudao_todo_templates[campaign_id] = found
    return found


def _provider(code, section, query, items, order):
    register(
        Provider(
            code=code,
            section=section,
            count=lambda user: query(user).count() if user.is_authenticated else 0,
            items=items,
            order=order,
        )
    )
