"""四必谈 coverage (issue 12 §5; seed 002): who must talk with whom, per round, and who did.

The required pairs of a unit come from the template's ``evaluation.talk_pairs.pairs``:

- ``head_with_team``: the unit head (the person of the unit-head account) with each other
  leadership-team member;
- ``team_with_each_other``: every two leadership-team members;
- ``team_with_branch_secretaries``: each team member with each branch secretary of the unit;
- ``team_with_division_heads``: each team member with the head of each division (内设机构,
  ``Division``) he is in charge of (分管部门负责人).

A talk record (``records.Talk``: an initiator and participants, a round) covers the pair of the
initiator and each participant; a 多对多 talk covers every two of its people. A pair is done in
round N when a talk of round N covers it. Everything is read for many units at once in a fixed
number of queries (``coverage``), whatever the number of units, people or talks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from dudao.orgs.models import Person, Role, RoleAssignment
from dudao.records.models import Talk, TalkForm

from . import rules
from .models import Division


@dataclass
class Pair:
    kind: str
    a: int
    b: int
    a_name: str
    b_name: str
    done_rounds: set[int] = field(default_factory=set)

    @property
    def key(self) -> tuple[int, int]:
        return (min(self.a, self.b), max(self.a, self.b))

    @property
    def label(self) -> str:
        return f"{self.a_name}—{self.b_name}"


@dataclass
class Matrix:
    participation_id: int
    rounds: int
    pairs: list[Pair]

    def missing(self) -> list[tuple[Pair, int]]:
        return [
            (p, r) for p in self.pairs for r in range(1, self.rounds + 1) if r not in p.done_rounds
        ]

    def done_count(self) -> int:
        return sum(1 for p in self.pairs for r in range(1, self.rounds + 1) if r in p.done_rounds)

    @property
    def cells(self) -> int:
        return len(self.pairs) * self.rounds

    def missing_text(self, limit: int = 10) -> str:
        miss = self.missing()
        shown = "；".join(f"{p.label}（第{r}轮）" for p, r in miss[:limit])
        more = f" 等 {len(miss)} 处" if len(miss) > limit else ""
        return shown + more


def _covered(talk_people: dict[int, tuple[int, str, set[int]]]) -> dict[int, dict]:
    """{participation: {(a, b): {rounds}}} from {talk: (participation, round, form, people)}."""
    out: dict[int, dict] = defaultdict(lambda: defaultdict(set))
    for pid, rnd, form, initiator, others in talk_people.values():
        if form == TalkForm.MANY_TO_MANY:
            people = sorted({initiator, *others})
            for a, b in combinations(people, 2):
                out[pid][(a, b)].add(rnd)
        else:
            for other in others:
                if other != initiator:
                    out[pid][(min(initiator, other), max(initiator, other))].add(rnd)
    return out


def _add(pairs: dict, names: dict, kind: str, a: int, b: int) -> None:
    if a == b:
        return
    key = (min(a, b), max(a, b))
    if key not in pairs:
        pairs[key] = Pair(kind, a, b, names.get(a, "?"), names.get(b, "?"))


def coverage(participations, template) -> dict[int, Matrix]:
    """The matrix of each participation (objects with ``pk``/``unit_id``), in five queries (six
    when the template asks for division heads)."""
    spec = rules.talk_spec(template)
    if not spec or not participations:
        return {}
    kinds = list(spec["pairs"])
    rounds = int(spec["rounds"])
    by_unit = {p.unit_id: p.pk for p in participations}
    pids = list(by_unit.values())
    people = list(
        Person.objects.filter(unit_id__in=list(by_unit), is_party_member=True)
        .values_list("pk", "name", "unit_id", "is_leadership", "user_id")
        .order_by("pk")
    )
    names = {pk: name for pk, name, *_ in people}
    team: dict[int, list[int]] = defaultdict(list)
    user_person = {}
    for pk, _name, unit_id, leader, user_id in people:
        if leader:
            team[unit_id].append(pk)
        if user_id:
            user_person[user_id] = (pk, unit_id)
    heads: dict[int, set[int]] = defaultdict(set)
    secretaries: dict[int, list[int]] = defaultdict(list)
    for role, org_unit, user_id in RoleAssignment.objects.filter(
        role__in=[Role.UNIT_HEAD, Role.BRANCH_SECRETARY],
        organisation__unit_id__in=list(by_unit),
    ).values_list("role", "organisation__unit_id", "user_id"):
        person = user_person.get(user_id)
        if person is None or person[1] != org_unit:
            continue
        if role == Role.UNIT_HEAD:
            heads[org_unit].add(person[0])
        elif person[0] not in secretaries[org_unit]:
            secretaries[org_unit].append(person[0])
    talks = {
        pk: (pid, rnd, form, initiator, set())
        for pk, pid, rnd, form, initiator in Talk.objects.filter(
            participation_id__in=pids
        ).values_list("pk", "participation_id", "round_number", "form", "initiator_id")
    }
    through = Talk.participants.through
    for talk_id, person_id in through.objects.filter(talk__participation_id__in=pids).values_list(
        "talk_id", "person_id"
    ):
        talks[talk_id][4].add(person_id)
    covered = _covered(talks)
    division_pairs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    if "team_with_division_heads" in kinds:
        for unit_id, head_id, head_name, charge_id in (
            Division.objects.filter(
                unit_id__in=list(by_unit), head__isnull=False, in_charge__isnull=False
            )
            .order_by("unit_id", "name", "pk")
            .values_list("unit_id", "head_id", "head__name", "in_charge_id")
        ):
            names.setdefault(head_id, head_name)  # a division head need not be a party member
            division_pairs[unit_id].append((charge_id, head_id))
    out: dict[int, Matrix] = {}
    for unit_id, pid in by_unit.items():
        pairs: dict[tuple[int, int], Pair] = {}

        members = team.get(unit_id, [])
        unit_heads = heads.get(unit_id, set())
        for kind in kinds:
            if kind == "head_with_team":
                for h in sorted(unit_heads):
                    for m in members:
                        _add(pairs, names, kind, h, m)
            elif kind == "team_with_each_other":
                for a, b in combinations(members, 2):
                    _add(pairs, names, kind, a, b)
            elif kind == "team_with_branch_secretaries":
                for m in members:
                    for s in secretaries.get(unit_id, []):
                        _add(pairs, names, kind, m, s)
            elif kind == "team_with_division_heads":
                for m, h in division_pairs.get(unit_id, []):
                    if m in members:
                        _add(pairs, names, kind, m, h)
        done = covered.get(pid, {})
        for key, pair in pairs.items():
            pair.done_rounds = {r for r in done.get(key, set()) if 1 <= r <= rounds}
        out[pid] = Matrix(pid, rounds, list(pairs.values()))
    return out


def matrix_for(participation) -> Matrix | None:
    return coverage([participation], participation.campaign.template).get(participation.pk)
