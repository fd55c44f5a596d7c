"""Seed 002's democratic-life records: talk rounds, problems found, criticisms made."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count

from ..engine import Context, Results, Unit, make, register_kind
from ..ports import record_reader
from ..types import Shortfall
from .common import _per_member


@register_kind("talk_rounds")
def talk_rounds(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Seed 002: "谈心谈话…不少于3轮"."""
    Talk = record_reader().talk
    need = int(req["params"]["min_rounds"])
    talks = Talk.objects.filter(ctx.pids_q(units), phase=phase)
    if req.get("scope") == "per_person":
        have: dict[tuple[int, int], set] = defaultdict(set)
        for pid, person, rnd in talks.values_list(
            "participation_id", "initiator_id", "round_number"
        ):
            have[(pid, person)].add(rnd)
        for pid, person, rnd in talks.values_list(
            "participation_id", "participants", "round_number"
        ):
            if person is not None:
                have[(pid, person)].add(rnd)
        counts = {key: len(rounds) for key, rounds in have.items()}
        return _per_member(ctx, req, phase, units, counts, need, unit_word="轮", what="谈心谈话")
    rounds = dict(
        talks.values("participation_id")
        .annotate(n=Count("round_number", distinct=True))
        .values_list("participation_id", "n")
        .order_by()
    )
    totals = dict(
        talks.values("participation_id")
        .annotate(n=Count("pk"))
        .values_list("participation_id", "n")
        .order_by()
    )
    out: Results = {}
    for unit in units:
        pid = unit.participation_id
        have_n = rounds.get(pid, 0)
        out[pid] = make(
            req,
            "passed" if have_n >= need else "failed",
            f"已开展谈心谈话 {have_n} 轮、{totals.get(pid, 0)} 次，要求不少于 {need} 轮",
            shortfalls=[] if have_n >= need else [Shortfall(pid, unit.name, have_n, need)],
        )
    return out


def _count_rule(
    ctx: Context,
    req: dict,
    phase: str,
    units: list[Unit],
    qs,
    person_field: str,
    *,
    what: str,
    unit_word: str,
) -> Results:
    need = int(req["params"]["min_count"])
    if req.get("scope") in ("per_person", "per_member"):
        have = {
            (pid, person): n
            for pid, person, n in qs.filter(**{f"{person_field}__isnull": False})
            .values("participation_id", person_field)
            .annotate(n=Count("pk"))
            .values_list("participation_id", person_field, "n")
            .order_by()
        }
        return _per_member(ctx, req, phase, units, have, need, unit_word=unit_word, what=what)
    totals = dict(
        qs.values("participation_id")
        .annotate(n=Count("pk"))
        .values_list("participation_id", "n")
        .order_by()
    )
    out: Results = {}
    for unit in units:
        pid = unit.participation_id
        have_n = totals.get(pid, 0)
        out[pid] = make(
            req,
            "passed" if have_n >= need else "failed",
            f"{what} {have_n} {unit_word}，要求不少于 {need} {unit_word}",
            shortfalls=[] if have_n >= need else [Shortfall(pid, unit.name, have_n, need)],
        )
    return out


@register_kind("self_found_problems")
def self_found_problems(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Seed 002: "自己查找的问题不少于15条" (per team or per person: the template's scope)."""
    ProblemFound = record_reader().problem_found
    qs = ProblemFound.objects.filter(ctx.pids_q(units), phase=phase, source="self")
    return _count_rule(ctx, req, phase, units, qs, "person_id", what="自查问题", unit_word="条")


@register_kind("criticisms_per_person")
def criticisms_per_person(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Seed 002: "每人提出的批评意见不少于5条"."""
    Criticism = record_reader().criticism
    qs = Criticism.objects.filter(ctx.pids_q(units), phase=phase)
    return _count_rule(ctx, req, phase, units, qs, "critic_id", what="提出批评意见", unit_word="条")
