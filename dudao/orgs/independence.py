"""The independence rule, in one place: nobody supervises his own unit (DOMAIN.md §2).

A person's *own units* are the unit of his party branch and the units he heads or is liaison
of. A supervision group's staff (leader and members) may not include anyone whose own units
include a unit the group supervises. Every path that could break the rule asks
:func:`find_conflicts` about the state it is about to create: granting a group role, granting a
unit head/liaison role, assigning a unit to a group (pages and the admin through the actions),
moving a person to another branch (the admin), and both Excel imports (the roster and the
campaign set-up), which report each conflict on the row that would cause it. The API has no
write endpoints; when it gets them they call the same actions.

The check is set-based (a handful of queries whatever the number of rows), so an import of a
city's roster asks it once for all rows.

The supervision data (groups, participations) belongs to ``campaigns``, which depends on
``orgs``; it is read here through ``RoleAssignment``'s relations and ``apps.get_model`` so that
``orgs`` imports nothing from ``campaigns``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model

from .models import GROUP_ROLES, Organisation, Person, Role, RoleAssignment

OWN_UNIT_ROLES = (Role.UNIT_HEAD, Role.UNIT_LIAISON)


@dataclass(frozen=True)
class Conflict:
    """``user`` would supervise ``unit`` (one of his own units) as staff of ``group``."""

    user: Hashable
    user_label: str
    unit_id: int
    unit_name: str
    group: Hashable
    group_name: str

    @property
    def message(self) -> str:
        return (
            f"{self.user_label}是“{self.unit_name}”的人员，而该单位由“{self.group_name}”督导："
            "任何人不得督导本单位"
        )


def find_conflicts(
    *,
    users: Iterable[int] = (),
    groups: Iterable[int] = (),
    person_unit: Mapping[Hashable, int | None] | None = None,
    extra_own: Iterable[tuple[Hashable, int]] = (),
    extra_staff: Iterable[tuple[Hashable, Hashable]] = (),
    assignments: Iterable[tuple[int, Hashable]] = (),
    group_campaign: Mapping[Hashable, int] | None = None,
    group_names: Mapping[Hashable, str] | None = None,
    user_labels: Mapping[Hashable, str] | None = None,
) -> list[Conflict]:
    """The conflicts in the state the database would have after the given changes.

    ``users`` / ``groups``: ids whose current state to check as well.
    ``person_unit``: a user's unit after his person moves (replaces the current one).
    ``extra_own``: (user, unit) — unit head/liaison roles about to be granted.
    ``extra_staff``: (user, group) — group roles about to be granted.
    ``assignments``: (unit, group) — the unit about to be supervised by the group (it leaves
    its current group in that group's campaign).
    Users and groups are database ids, or any other key for ones that do not exist yet (a
    group named in an import), with ``group_campaign`` / ``group_names`` / ``user_labels``
    describing those.
    """
    SupervisionGroup = apps.get_model("campaigns", "SupervisionGroup")
    Participation = apps.get_model("campaigns", "Participation")
    person_unit = dict(person_unit or {})
    extra_own = list(extra_own)
    extra_staff = list(extra_staff)
    assignments = list(assignments)
    group_campaign = dict(group_campaign or {})
    group_names = dict(group_names or {})
    user_labels = dict(user_labels or {})

    user_keys = set(users) | set(person_unit) | {u for u, _ in extra_own}
    user_keys |= {u for u, _ in extra_staff}
    group_keys = set(groups) | {g for _, g in extra_staff} | {g for _, g in assignments}
    db_user_ids = {u for u in user_keys if isinstance(u, int)}

    # Staff: the groups of the users concerned, and everyone in the groups concerned.
    staff: dict[Hashable, set[Hashable]] = defaultdict(set)
    db_groups = {g for g in group_keys if isinstance(g, int)}
    for user_id, group_id in (
        RoleAssignment.objects.filter(role__in=GROUP_ROLES)
        .filter(_user_or_group(db_user_ids, db_groups))
        .values_list("user_id", "group_id")
    ):
        staff[group_id].add(user_id)
        user_keys.add(user_id)
        group_keys.add(group_id)
    for user, group in extra_staff:
        staff[group].add(user)
    db_user_ids = {u for u in user_keys if isinstance(u, int)}
    db_groups = {g for g in group_keys if isinstance(g, int)}

    # Own units of every user concerned.
    own: dict[Hashable, set[int]] = defaultdict(set)
    for user_id, unit_id in Person.objects.filter(
        user_id__in=db_user_ids, unit__isnull=False
    ).values_list("user_id", "unit_id"):
        if user_id not in person_unit:
            own[user_id].add(unit_id)
    for user, unit_id in person_unit.items():
        if unit_id:
            own[user].add(unit_id)
    for user_id, org_id in RoleAssignment.objects.filter(
        user_id__in=db_user_ids, role__in=OWN_UNIT_ROLES
    ).values_list("user_id", "organisation_id"):
        own[user_id].add(org_id)
    for user, unit_id in extra_own:
        own[user].add(unit_id)

    # Units each group concerned supervises, after the reassignments.
    for gid, cid, name in SupervisionGroup.objects.filter(pk__in=db_groups).values_list(
        "id", "campaign_id", "name"
    ):
        group_campaign.setdefault(gid, cid)
        group_names.setdefault(gid, name)
    moved = {(unit_id, group_campaign.get(group)) for unit_id, group in assignments}
    supervised: dict[Hashable, set[int]] = defaultdict(set)
    for gid, unit_id, cid in Participation.objects.filter(group_id__in=db_groups).values_list(
        "group_id", "unit_id", "campaign_id"
    ):
        if (unit_id, cid) not in moved:
            supervised[gid].add(unit_id)
    for unit_id, group in assignments:
        supervised[group].add(unit_id)

    found: list[tuple[Hashable, int, Hashable]] = []
    for group, members in staff.items():
        for user in members:
            for unit_id in sorted(own.get(user, set()) & supervised.get(group, set())):
                found.append((user, unit_id, group))
    if not found:
        return []
    unit_names = dict(
        Organisation.objects.filter(pk__in={u for _, u, _ in found}).values_list("id", "name")
    )
    missing = {u for u, _, _ in found if isinstance(u, int) and u not in user_labels}
    for user in get_user_model().objects.filter(pk__in=missing).select_related("person"):
        person = getattr(user, "person", None)
        user_labels[user.pk] = (
            user.get_full_name() or (person.name if person else "") or user.get_username()
        )
    return [
        Conflict(
            user=user,
            user_label=user_labels.get(user, str(user)),
            unit_id=unit_id,
            unit_name=unit_names.get(unit_id, ""),
            group=group,
            group_name=group_names.get(group, str(group)),
        )
        for user, unit_id, group in found
    ]


def _user_or_group(user_ids: set[int], group_ids: set[int]):
    from django.db.models import Q

    return Q(user_id__in=user_ids) | Q(group_id__in=group_ids)
