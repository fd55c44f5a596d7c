"""Knowledge tests: the share of counted members tested."""

from __future__ import annotations

from fractions import Fraction

from django.db.models import Count

from ..engine import Context, Results, Unit, counted_members, fraction_text, make, register_kind
from ..ports import record_reader
from ..types import Shortfall
from .common import _exempted_list


@register_kind("test_participation")
def test_participation(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Seed 001: "阶段结束时…进行党的先进性基本知识检测"; seed 003: 29 members, 28 tested,
    1 away. Passes when tested / counted ≥ share; members exempted (away) are not counted."""
    reader = record_reader()
    KnowledgeTest = reader.knowledge_test
    TestResult = reader.test_result
    share = Fraction(str(req["params"].get("share", "1")))
    held = dict(
        KnowledgeTest.objects.filter(ctx.pids_q(units), phase=phase)
        .values("participation_id")
        .annotate(n=Count("pk"))
        .values_list("participation_id", "n")
        .order_by()
    )
    tested: set[tuple[int, int]] = set()
    absent: dict[tuple[int, int], str] = {}
    for pid, person, score, reason in TestResult.objects.filter(
        ctx.pids_q(units, "test__participation_id"), test__phase=phase
    ).values_list("test__participation_id", "person_id", "score", "absence_reason"):
        if score is not None:
            tested.add((pid, person))
        else:
            absent[(pid, person)] = reason
    counted, exempted = counted_members(ctx, req, phase, units)
    ctx.members_of(units)
    names = ctx.names
    out: Results = {}
    for unit in units:
        pid = unit.participation_id
        members = counted[pid]
        ex = _exempted_list(names, exempted[pid])
        if not held.get(pid):
            out[pid] = make(req, "failed", "尚未组织知识检测", exempted=ex)
            continue
        missing = [m for m in members if (pid, m.id) not in tested]
        n_tested = len(members) - len(missing)
        ratio = Fraction(n_tested, len(members)) if members else Fraction(1)
        shortfalls = [
            Shortfall(
                m.id,
                m.name,
                "未参加",
                "参加",
                f"缺考原因：{absent[(pid, m.id)]}（未登记免于检测）"
                if (pid, m.id) in absent
                else "无检测成绩，也未登记免于检测",
            )
            for m in missing
        ]
        summary = f"应参加 {len(members)} 人，实参加 {n_tested} 人（{fraction_text(ratio)}）"
        if share < 1:
            summary += f"，要求不低于 {fraction_text(share)}"
        if ex:
            summary += f"；{len(ex)} 人已登记免于检测"
        out[pid] = make(
            req,
            "passed" if ratio >= share else "failed",
            summary,
            shortfalls=shortfalls,
            exempted=ex,
        )
    return out
