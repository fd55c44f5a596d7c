"""Reads over the organisation tree and people; fixed query counts."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, QuerySet

from .models import Organisation, Person, PersonCategory


def subtree(org: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(path__startswith=org.path)


def members_of(org: Organisation) -> QuerySet[Person]:
    if org.kind == "unit":
        return Person.objects.filter(unit_id=org.pk)
    # Branch ids first (indexed prefix match), then people by their indexed branch_id:
    # a join on path would scan every person.
    return Person.objects.filter(branch_id__in=subtree(org).values("id"))


def subtree_with_counts(org: Organisation) -> list[tuple[Organisation, int]]:
    nodes = list(subtree(org).exclude(pk=org.pk).order_by("path"))
    counts = dict(
        members_of(org)
        .values_list("branch_id")
        .annotate(n=Count("id"))
        .values_list("branch_id", "n")
    )
    return [(node, counts.get(node.pk, 0)) for node in nodes]


def category_counts(people: QuerySet[Person]) -> list[tuple[str, int]]:
    rows = dict(people.values_list("category").annotate(n=Count("id")).values_list("category", "n"))
    return [(label, rows.get(value, 0)) for value, label in PersonCategory.choices]


def member_page(org: Organisation, *, branch=None, category="", q="", page=1, per_page=50):
    people = members_of(org).select_related("branch").order_by("-is_leadership", "code")
    if branch:
        people = people.filter(branch_id=branch)
    if category:
        people = people.filter(category=category)
    if q:
        people = people.filter(name__contains=q)
    return Paginator(people, per_page).get_page(page)
