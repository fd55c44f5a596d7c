"""Who may see what: every fetch of an organisation, person, unit, group or participation goes
through here. Anything outside a user's scope answers 404 (``Http404``), so ids never leak.

A user's scope is the union of the scopes of all roles assigned to him (DOMAIN.md §1):

| role | sees |
|---|---|
| office, leading group | everything in the campaign (the campaign root's subtree) |
| group leader / member | the units assigned to the group, and their subtrees |
| inspector | the departments assigned to the inspection group, and their subtrees |
| unit head / liaison | the unit's subtree |
| branch secretary | the branch's subtree and its members |
| member | himself |

Only the office (and superusers) write campaign set-up and rosters; the leading group reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from dudao.core.access import get_in_scope_or_404

from .models import CAMPAIGN_ROLES, GROUP_ROLES, Organisation, Person, Role, RoleAssignment

NOTHING = Q(pk__in=[])


def _any(qs: list[Q]) -> Q:
    return reduce(or_, qs) if qs else NOTHING


@dataclass
class Scope:
    user_id: int | None
    is_superuser: bool = False
    office_campaigns: set[int] = field(default_factory=set)
    leading_campaigns: set[int] = field(default_factory=set)
    campaign_roots: dict[int, str] = field(default_factory=dict)  # campaign id -> root path
    led_groups: set[int] = field(default_factory=set)
    member_groups: set[int] = field(default_factory=set)
    group_campaigns: dict[int, int] = field(default_factory=dict)  # group id -> campaign id
    inspection: dict[int, tuple[int, list[str]]] = field(
        default_factory=dict
    )  # ig -> (campaign, paths)
    head_units: set[int] = field(default_factory=set)
    liaison_units: set[int] = field(default_factory=set)
    branch_paths: dict[int, str] = field(default_factory=dict)
    roles: set[str] = field(default_factory=set)

    # --- derived sets ------------------------------------------------------------------
    @property
    def groups(self) -> set[int]:
        return self.led_groups | self.member_groups

    @property
    def units(self) -> set[int]:
        return self.head_units | self.liaison_units

    @property
    def read_all_campaigns(self) -> set[int]:
        return self.office_campaigns | self.leading_campaigns

    @property
    def is_member_only(self) -> bool:
        return not self.roles and not self.is_superuser

    # --- querysets' filters ------------------------------------------------------------
    def participation_q(self) -> Q:
        if self.is_superuser:
            return Q()
        parts = []
        if self.read_all_campaigns:
            parts.append(Q(campaign_id__in=self.read_all_campaigns))
        if self.groups:
            parts.append(Q(group_id__in=self.groups))
        for campaign_id, paths in self.inspection.values():
            parts.extend(Q(campaign_id=campaign_id, unit__path__startswith=p) for p in paths)
        if self.units:
            parts.append(Q(unit_id__in=self.units))
        return _any(parts)

    def organisation_q(self) -> Q:
        if self.is_superuser:
            return Q()
        parts = [Q(path__startswith=p) for p in self.campaign_roots.values()]
        if self.groups:
            parts.append(Q(unit__participations__group_id__in=self.groups))
        for _campaign_id, paths in self.inspection.values():
            parts.extend(Q(path__startswith=p) for p in paths)
        if self.units:
            parts.append(Q(unit_id__in=self.units))
        parts.extend(Q(path__startswith=p) for p in self.branch_paths.values())
        return _any(parts)

    def person_q(self) -> Q:
        if self.is_superuser:
            return Q()
        parts = [Q(branch__path__startswith=p) for p in self.campaign_roots.values()]
        if self.groups:
            parts.append(Q(unit__participations__group_id__in=self.groups))
        for _campaign_id, paths in self.inspection.values():
            parts.extend(Q(branch__path__startswith=p) for p in paths)
        if self.units:
            parts.append(Q(unit_id__in=self.units))
        parts.extend(Q(branch__path__startswith=p) for p in self.branch_paths.values())
        if self.user_id is not None:
            parts.append(Q(user_id=self.user_id))
        return _any(parts)

    def campaign_ids(self) -> set[int] | None:
        """Campaigns the user takes any part in; None means all (superuser)."""
        if self.is_superuser:
            return None
        ids = set(self.read_all_campaigns) | set(self.group_campaigns.values())
        ids |= {campaign for campaign, _paths in self.inspection.values()}
        return ids

    def can_manage_campaign(self, campaign_id: int) -> bool:
        return self.is_superuser or campaign_id in self.office_campaigns

    def can_import_roster(self) -> bool:
        return self.is_superuser or bool(self.office_campaigns)


def scope_for(user) -> Scope:
    """The user's scope, computed once per request (two queries) and cached on the user."""
    if user is None or not user.is_authenticated:
        return Scope(user_id=None)
    cached = getattr(user, "_dudao_scope", None)
    if cached is not None:
        return cached
    scope = Scope(user_id=user.pk, is_superuser=user.is_superuser)
    assignments = list(
        RoleAssignment.objects.filter(user=user).select_related(
            "campaign__root", "organisation", "group", "inspection_group"
        )
    )
    inspection_ids = []
    for a in assignments:
        scope.roles.add(a.role)
        if a.role in CAMPAIGN_ROLES:
            (scope.office_campaigns if a.role == Role.OFFICE else scope.leading_campaigns).add(
                a.campaign_id
            )
            scope.campaign_roots[a.campaign_id] = a.campaign.root.path
        elif a.role in GROUP_ROLES:
            (scope.led_groups if a.role == Role.GROUP_LEADER else scope.member_groups).add(
                a.group_id
            )
            scope.group_campaigns[a.group_id] = a.group.campaign_id
        elif a.role == Role.INSPECTOR:
            inspection_ids.append(a.inspection_group_id)
            scope.inspection[a.inspection_group_id] = (a.inspection_group.campaign_id, [])
        elif a.role == Role.UNIT_HEAD:
            scope.head_units.add(a.organisation_id)
        elif a.role == Role.UNIT_LIAISON:
            scope.liaison_units.add(a.organisation_id)
        elif a.role == Role.BRANCH_SECRETARY:
            scope.branch_paths[a.organisation_id] = a.organisation.path
    if inspection_ids:
        through = Organisation.inspection_groups.through
        for row in through.objects.filter(inspectiongroup_id__in=inspection_ids).values(
            "inspectiongroup_id", "organisation__path"
        ):
            scope.inspection[row["inspectiongroup_id"]][1].append(row["organisation__path"])
    user._dudao_scope = scope
    return scope


# --- scoped querysets ------------------------------------------------------------------------


def visible_organisations(user) -> QuerySet[Organisation]:
    q = scope_for(user).organisation_q()
    qs = Organisation.objects.all()
    # The group clause joins through participations; distinct keeps one row per organisation.
    return qs.filter(q).distinct() if scope_for(user).groups else qs.filter(q)


def visible_people(user) -> QuerySet[Person]:
    q = scope_for(user).person_q()
    qs = Person.objects.all()
    return qs.filter(q).distinct() if scope_for(user).groups else qs.filter(q)


# --- permission-checked fetches --------------------------------------------------------------


def get_organisation_for_user(user, org_id) -> Organisation:
    return get_in_scope_or_404(visible_organisations(user), org_id)


def get_unit_for_user(user, unit_id) -> Organisation:
    return get_in_scope_or_404(visible_organisations(user).filter(kind="unit"), unit_id)


def get_person_for_user(user, person_id) -> Person:
    return get_in_scope_or_404(visible_people(user).select_related("branch", "unit"), person_id)
