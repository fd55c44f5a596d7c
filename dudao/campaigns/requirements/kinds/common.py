"""Helpers shared by the evaluators of every family."""

from __future__ import annotations

from decimal import Decimal

from dudao.orgs.models import Organisation

from ..engine import Context, Results, Unit, as_decimal, counted_members, make
from ..types import Exempted, Shortfall

EVIDENCE_LIMIT = 200  # a report lists at most this many records per requirement


def _pids(units: list[Unit]) -> list[int]:
    return [u.participation_id for u in units]


def _exempted_list(members_by_id: dict, exempted: dict[int, str]) -> list[Exempted]:
    return [
        Exempted(pid, members_by_id.get(pid, str(pid)), reason)
        for pid, reason in sorted(exempted.items())
    ]


def _num(value) -> str:
    """45 → "45", 44.5 → "44.5" (Chinese reports write hours without trailing zeros)."""
    d = as_decimal(value).normalize()
    return format(d, "f")


def _per_member(
    ctx: Context,
    req: dict,
    phase: str,
    units: list[Unit],
    have: dict[tuple[int, int], Decimal | int],
    need: Decimal | int,
    *,
    unit_word: str,
    what: str,
) -> Results:
    """Common shape of "every counted member has at least ``need``": failing members named with
    what they have and their shortfall, exempted members listed with the reason."""
    counted, exempted = counted_members(ctx, req, phase, units)
    ctx.members_of(units)
    names = ctx.names
    out: Results = {}
    for unit in units:
        pid = unit.participation_id
        members = counted[pid]
        shortfalls = [
            Shortfall(m.id, m.name, have.get((pid, m.id), 0), need)
            for m in members
            if have.get((pid, m.id), 0) < need
        ]
        ok = len(members) - len(shortfalls)
        ex = _exempted_list(names, exempted[pid])
        summary = f"应达到 {len(members)} 人，已达到 {ok} 人"
        if shortfalls:
            summary += f"，{len(shortfalls)} 人未达到{what} {_num(need)} {unit_word}"
        if ex:
            summary += f"；{len(ex)} 人已登记免于此项"
        if not members and not ex:
            summary = "本单位没有应计人员"
        out[pid] = make(
            req,
            "failed" if shortfalls else "passed",
            summary,
            shortfalls=shortfalls,
            exempted=ex,
        )
    return out


def _branch_names_for(ids: set[int]) -> dict[int, str]:
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
