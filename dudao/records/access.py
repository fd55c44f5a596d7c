"""Who may read and write a unit's records. Every page fetches its participation and records
through here; anything outside the user's rights answers 404 (never 403), so ids never leak.

| who | reads | writes |
|---|---|---|
| unit head, unit liaison of the unit | everything | everything |
| branch secretary of a branch in the unit | the hub, sessions and meetings | sessions and meetings of his branch |
| supervision group (leader, members) of the unit | everything | nothing |
| office, leading group of the campaign | everything | nothing |
| a party member of the unit | his own attendance and scores | nothing |

The supervision group never writes: seeds 000/004 "到位不越位…指导不包办" — it checks the
records, it does not keep them. Inspection groups are not among the readers (issue 3).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404

from dudao.campaigns.models import Participation
from dudao.core.errors import AccessDenied
from dudao.orgs.access import scope_for
from dudao.orgs.models import Organisation, Person

NOT_FOUND = "页面不存在或您无权查看"


@dataclass
class Rights:
    """What one user may do with one participation's records."""

    participation: Participation
    read_all: bool = False  # every record page
    write_all: bool = False  # unit head / liaison
    branches: list[Organisation] = field(default_factory=list)  # secretary's branches in the unit
    person: Person | None = None  # the user's own person, when he belongs to the unit

    @property
    def read_sessions(self) -> bool:
        """Sessions and meetings lists, and the hub."""
        return self.read_all or bool(self.branches)

    @property
    def write_sessions(self) -> bool:
        return self.write_all or bool(self.branches)

    @property
    def branch_ids(self) -> set[int]:
        return {b.pk for b in self.branches}

    def may_write_branch(self, branch_id: int | None) -> bool:
        """A secretary writes only records of his own branch; the unit writes any."""
        if self.write_all:
            return True
        return branch_id is not None and branch_id in self.branch_ids


def rights_for(user, participation: Participation) -> Rights:
    scope = scope_for(user)
    rights = Rights(participation=participation)
    if user is None or not user.is_authenticated:
        return rights
    unit_id = participation.unit_id
    if unit_id in scope.units:
        rights.read_all = rights.write_all = True
    if scope.is_superuser:
        rights.read_all = True  # data maintenance reads; it does not keep a unit's records
    if participation.campaign_id in scope.read_all_campaigns:
        rights.read_all = True
    if participation.group_id is not None and participation.group_id in scope.groups:
        rights.read_all = True
    if scope.branch_paths:
        unit_path = participation.unit.path
        rights.branches = list(
            Organisation.objects.filter(
                pk__in=[pk for pk, path in scope.branch_paths.items() if path.startswith(unit_path)]
            ).order_by("path")
        )
    rights.person = Person.objects.filter(user=user, unit_id=unit_id).first()
    return rights


def _participation_or_404(participation_id) -> Participation:
    try:
        pk = int(participation_id)
    except (TypeError, ValueError):
        raise Http404(NOT_FOUND) from None
    participation = (
        Participation.objects.select_related("campaign__template", "unit", "group", "batch")
        .filter(pk=pk)
        .first()
    )
    if participation is None:
        raise Http404(NOT_FOUND)
    return participation


def get_rights(user, participation_id, need: str = "read") -> Rights:
    """The participation and the user's rights on its records, or 404 when ``need`` is not met.

    ``need``: read (every page), write (unit pages), sessions (hub, sessions, meetings),
    write_sessions (new/edit sessions and meetings), own (the member's own page).
    """
    rights = rights_for(user, _participation_or_404(participation_id))
    allowed = {
        "read": rights.read_all,
        "write": rights.write_all,
        "sessions": rights.read_sessions,
        "write_sessions": rights.write_sessions,
        "own": rights.person is not None or rights.read_all,
    }[need]
    if not allowed:
        raise Http404(NOT_FOUND)
    return rights


def get_record_or_404(rights: Rights, model, record_id, *, write_branch: bool = False):
    """A record of this participation; for a secretary, only his branch's sessions/meetings."""
    try:
        pk = int(record_id)
    except (TypeError, ValueError):
        raise Http404(NOT_FOUND) from None
    record = model.objects.filter(pk=pk, participation=rights.participation).first()
    if record is None:
        raise Http404(NOT_FOUND)
    if not rights.read_all:
        branch_id = getattr(record, "branch_id", None)
        branches = {b.pk for b in record.branches.all()} if hasattr(record, "branches") else set()
        if branch_id is None and not branches and not write_branch:
            return record  # unit-wide sessions are visible to every secretary of the unit
        if not ({branch_id} | branches) & rights.branch_ids:
            raise Http404(NOT_FOUND)
    return record


def check_writer(actor, participation: Participation, *, branch_ids: set[int] | None = None):
    """Actions call this too (pages, imports and commands share them): the unit writes its own
    records; a branch secretary writes sessions and meetings of his branch only
    (``branch_ids`` given); nobody else — least of all its supervision group."""
    if actor is None:
        return  # system jobs (demo data, migrations of old data)
    scope = scope_for(actor)
    if scope.is_superuser or participation.unit_id in scope.units:
        return
    if branch_ids:
        rights = rights_for(actor, participation)
        if branch_ids <= rights.branch_ids:
            return
    if participation.group_id is not None and participation.group_id in scope.groups:
        raise AccessDenied("督导组指导不包办，不代单位录入记录；请由单位联络员录入。")
    raise AccessDenied("您不能录入本单位的记录（单位主要负责人、联络员可以录入）。")
