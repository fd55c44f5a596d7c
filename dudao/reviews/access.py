"""Permission-checked fetches of the reviews app, built on ``dudao.core.access``: anything
outside the user's scope, or malformed, answers 404.

| who | sees documents |
|---|---|
| office, leading group | every document of the campaign |
| group leader / member | the documents of the units the group supervises |
| unit head / liaison | the unit's documents |
| branch secretary | personal documents of the branch's members (he reviews them) |
| member | his own personal documents |
| anyone else (inspectors included) | nothing |

A campaign's review pages are open to whoever takes a part in its documents: office and leading
group, supervision groups, unit heads and liaisons, members and branch secretaries of
participating units.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from dudao.campaigns.models import Campaign
from dudao.core.access import NOT_FOUND, get_in_scope_or_404, parse_id
from dudao.orgs.access import scope_for, visible_people
from dudao.orgs.models import Organisation, Person

from .models import Document, DocumentVersion, ReviewComment
from .selectors import visible_documents


def submittable(user, campaign) -> tuple[list, list]:
    """Participations the user may submit for (as unit staff, member or branch secretary) and
    the people he may submit personal material for (the page's form and the API ask it)."""
    scope = scope_for(user)
    parts = campaign.participations.all()
    if not scope.is_superuser:
        parts = parts.filter(unit_id__in=set(scope.units) | own_unit_ids(user))
    parts = list(parts.order_by("unit_name"))
    people = list(
        visible_people(user)
        .filter(unit_id__in=[p.unit_id for p in parts])
        .select_related("branch")
        .order_by("branch__name", "name")[:500]
    )
    return parts, people


def may_submit(user, campaign) -> bool:
    """Whether the user may submit any document in the campaign (the list page's button):
    the participations of ``submittable`` exist."""
    scope = scope_for(user)
    parts = campaign.participations.all()
    if not scope.is_superuser:
        parts = parts.filter(unit_id__in=set(scope.units) | own_unit_ids(user))
    return parts.exists()


def own_unit_ids(user) -> set[int]:
    """Units the user belongs to as a member or a branch secretary (roles without a campaign)."""
    ids = set(
        Person.objects.filter(user=user, unit__isnull=False).values_list("unit_id", flat=True)
    )
    paths = scope_for(user).branch_paths
    if paths:
        ids |= set(Organisation.objects.filter(pk__in=paths).values_list("unit_id", flat=True))
    return ids


def review_campaigns(user):
    """Campaigns in which the user may see documents."""
    scope = scope_for(user)
    qs = Campaign.objects.all()
    if not scope.is_superuser:
        q = Q(pk__in=scope.read_all_campaigns | set(scope.group_campaigns.values()))
        units = set(scope.units) | own_unit_ids(user)
        if units:
            q |= Q(participations__unit_id__in=units)
        qs = qs.filter(q).distinct()
    return qs


def get_campaign_for_reviews(user, campaign_id) -> Campaign:
    return get_in_scope_or_404(review_campaigns(user).select_related("template"), campaign_id)


def get_document_for_user(user, pk) -> Document:
    return get_in_scope_or_404(
        visible_documents(user).select_related(
            "campaign__template", "participation__group", "author", "created_by"
        ),
        pk,
    )


def get_version(document: Document, number) -> DocumentVersion:
    version = document.versions.filter(number=parse_id(number)).first()
    if version is None:
        raise Http404(NOT_FOUND)
    return version


def get_comment(document: Document, comment_id) -> ReviewComment:
    return get_in_scope_or_404(document.comments.all(), comment_id)
