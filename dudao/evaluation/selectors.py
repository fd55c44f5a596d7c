"""Set-based reads of 分析评议: ballot results per member, and counts per unit, group and
campaign (issue 12 §10) in a fixed number of queries whatever the number of units."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from dudao.campaigns.models import Participation
from dudao.orgs.models import Person

from . import rules
from .models import (
    Ballot,
    BallotCode,
    BallotMember,
    BallotStatus,
    CaseStatus,
    EvaluationStatus,
    GradeTally,
    HandlingCase,
    MemberEvaluation,
    PaperGradeCount,
)


@dataclass
class MemberResult:
    person_id: int
    name: str
    counts: list[tuple[str, str, int]]  # (grade code, grade name, votes)
    total: int
    evaluation: MemberEvaluation | None = None

    def share(self, code: str) -> str:
        n = next((c for g, _name, c in self.counts if g == code), 0)
        return f"{n / self.total * 100:.1f}%" if self.total else "—"


def ballot_results(ballot: Ballot) -> list[MemberResult]:
    """Votes per member and grade (online plus paper). Empty while the ballot is open: no
    live counts (DESIGN.md "Anonymity")."""
    template = ballot.participation.campaign.template
    scale = rules.grades(template)
    members = list(
        BallotMember.objects.filter(ballot=ballot).values_list("person_id", "person__name")
    )
    evaluations = {
        e.person_id: e
        for e in MemberEvaluation.objects.filter(ballot=ballot).select_related("case")
    }
    for e in evaluations.values():
        e.ballot = ballot  # one ballot object for the permits of every member (no query each)
    if ballot.status != BallotStatus.CLOSED:
        return [MemberResult(pk, name, [], 0, evaluations.get(pk)) for pk, name in members]
    cells: dict[tuple[int, str], int] = defaultdict(int)
    for model in (GradeTally, PaperGradeCount):
        for row in (
            model.objects.filter(ballot=ballot)
            .values("person_id", "grade")
            .annotate(n=Sum("count"))
            .order_by()
        ):
            cells[(row["person_id"], row["grade"])] += row["n"] or 0
    out = []
    for pk, name in members:
        counts = [(code, gname, cells.get((pk, code), 0)) for code, gname in scale]
        out.append(MemberResult(pk, name, counts, sum(c for *_x, c in counts), evaluations.get(pk)))
    return out


def ballot_turnout(ballot: Ballot) -> dict:
    """Codes issued; used only once closed."""
    issued = BallotCode.objects.filter(ballot=ballot).count()
    used = (
        BallotCode.objects.filter(ballot=ballot, used=True).count()
        if ballot.status == BallotStatus.CLOSED
        else None
    )
    return {"issued": issued, "used": used, "paper": ballot.paper_votes}


@dataclass
class UnitCounts:
    participation_id: int
    unit_name: str
    group_id: int | None
    members: int = 0
    decided: int = 0
    unqualified: int = 0
    cases: int = 0
    cases_open: int = 0

    @property
    def not_evaluated(self) -> int:
        return max(0, self.members - self.decided)

    @property
    def cases_missing(self) -> int:
        return max(0, self.unqualified - self.cases)


def unit_counts(participations) -> dict[int, UnitCounts]:
    """Members, members with a decided grade, unqualified members and their cases, per unit, in
    four queries."""
    parts = list(participations)
    by_unit = {p.unit_id: p.pk for p in parts}
    out = {p.pk: UnitCounts(p.pk, p.unit_name, p.group_id) for p in parts}
    for row in (
        Person.objects.filter(unit_id__in=list(by_unit), is_party_member=True)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        out[by_unit[row["unit_id"]]].members = row["n"]
    for row in (
        MemberEvaluation.objects.filter(
            ballot__participation_id__in=list(out), status=EvaluationStatus.DECIDED
        )
        .values("ballot__participation_id")
        .annotate(
            n=Count("person_id", distinct=True),
            bad=Count("person_id", filter=Q(decided_grade=rules.UNQUALIFIED), distinct=True),
        )
        .order_by()
    ):
        c = out[row["ballot__participation_id"]]
        c.decided, c.unqualified = row["n"], row["bad"]
    for row in (
        HandlingCase.objects.filter(participation_id__in=list(out))
        .values("participation_id")
        .annotate(n=Count("pk"), open=Count("pk", filter=Q(status=CaseStatus.OPEN)))
        .order_by()
    ):
        c = out[row["participation_id"]]
        c.cases, c.cases_open = row["n"], row["open"]
    return out


def campaign_counts(campaign) -> dict:
    """Per unit, per group and for the whole campaign."""
    parts = list(
        Participation.objects.filter(campaign=campaign).only(
            "pk", "unit_id", "unit_name", "group_id"
        )
    )
    units = unit_counts(parts)
    groups: dict[int | None, dict] = defaultdict(lambda: defaultdict(int))
    total: dict[str, int] = defaultdict(int)
    for c in units.values():
        for key in ("members", "decided", "unqualified", "cases", "cases_open"):
            groups[c.group_id][key] += getattr(c, key)
            total[key] += getattr(c, key)
    return {"units": units, "groups": dict(groups), "total": dict(total)}


def cases_for(queryset):
    return queryset.select_related("person", "branch", "participation").order_by(
        "status", "deadline", "pk"
    )
