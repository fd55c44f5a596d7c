"""Requirement kinds of the later campaigns (2019 主题教育): research topics taken and reported
by each leadership member (领题调研), the problem list (检视问题清单) and special rectification of
named areas (专项整治). Registered with the engine like every other family; ``(ctx, req, phase, units) ->
{participation_id: result}``, a fixed number of queries.

Research topics are documents (the reviews app): a leader's document of the kind in any state is
a topic taken, an approved one (or a submitted one where the kind needs no review) is a topic
reported. Problem lists and rectification areas are read through ``ports_rectification``.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from django.db.models import Count

from ..engine import Context, Results, Unit, counted_members, fraction_text, make, register_kind
from ..ports_rectification import AREA_STATUS_LABELS, AREA_STATUS_ORDER, rectification_source
from ..types import Evidence, Shortfall
from .common import EVIDENCE_LIMIT, _exempted_list
from .documents import _counting_statuses, _documents


@register_kind("research_topics")
def research_topics(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """2019: "每位班子成员…领题调研…形成调研报告". Every counted person (usually the leadership
    members: ``applies_to.leadership_only``) has reported on ``min_topics`` topics."""
    params = req["params"]
    kind = params["document_kind"]
    need = int(params.get("min_topics", 1))
    docs = _documents().objects.filter(ctx.pids_q(units), phase=phase, kind=kind)
    counting = set(_counting_statuses(ctx, kind))
    taken: dict[tuple[int, int], int] = defaultdict(int)
    reported: dict[tuple[int, int], int] = defaultdict(int)
    for pid, author, status, n in (
        docs.filter(author__isnull=False)
        .values("participation_id", "author_id", "status")
        .annotate(n=Count("pk"))
        .values_list("participation_id", "author_id", "status", "n")
        .order_by()
    ):
        taken[(pid, author)] += n
        if status in counting:
            reported[(pid, author)] += n
    counted, exempted = counted_members(ctx, req, phase, units)
    names = ctx.names
    out: Results = {}
    for unit in units:
        pid = unit.participation_id
        members = counted[pid]
        shortfalls = []
        for m in members:
            done = reported.get((pid, m.id), 0)
            if done < need:
                got = taken.get((pid, m.id), 0)
                note = "尚未领题" if not got else f"已领题 {got} 个，尚未全部形成报告"
                shortfalls.append(Shortfall(m.id, m.name, done, need, note))
        n_taken = sum(1 for m in members if taken.get((pid, m.id)))
        summary = (
            f"应领题 {len(members)} 人，已领题 {n_taken} 人，"
            f"已报告 {len(members) - len(shortfalls)} 人"
        )
        if not members:
            summary = "本单位没有应领题的人员"
        ex = _exempted_list(names, exempted[pid])
        if ex:
            summary += f"；{len(ex)} 人已登记免于此项"
        out[pid] = make(
            req, "failed" if shortfalls else "passed", summary, shortfalls=shortfalls, exempted=ex
        )
    if ctx.detail:
        for pid, pk, title, author in docs.values_list(
            "participation_id", "pk", "title", "author__name"
        ).order_by("author__name", "pk")[:EVIDENCE_LIMIT]:
            if pid in out:
                out[pid].evidence.append(Evidence(f"{author}：{title}", None, ("document", pk)))
    return out


@register_kind("problem_list_items")
def problem_list_items(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """The unit's problem list has ``min_items`` items, and ``done_share`` of them rectified."""
    params = req["params"]
    need = int(params.get("min_items", 1))
    share = params.get("done_share")
    facts = rectification_source().problem_lists(
        campaign_id=ctx.campaign.pk,
        phase=phase,
        participation_ids=[u.participation_id for u in units],
    )
    out: Results = {}
    for unit in units:
        pid = unit.participation_id
        f = facts.get(pid)
        if f is None:
            out[pid] = make(req, "failed", "尚未建立问题清单")
            continue
        ok = f.items >= need
        summary = f"问题清单 {f.items} 条，已整改 {f.done} 条，要求不少于 {need} 条"
        shortfalls = [] if ok else [Shortfall(pid, unit.name, f.items, need, "清单条目不足")]
        if share is not None:
            wanted = Fraction(share)
            done_ok = f.items > 0 and Fraction(f.done, f.items) >= wanted
            summary += f"，整改完成比例要求不低于 {fraction_text(wanted)}"
            if not done_ok:
                ok = False
                shortfalls.append(Shortfall(pid, unit.name, f.done, f.items, "整改完成比例不足"))
        evidence = [Evidence("问题清单", None, url=f.url)] if f.url and ctx.detail else []
        out[pid] = make(
            req, "passed" if ok else "failed", summary, shortfalls=shortfalls, evidence=evidence
        )
    return out


@register_kind("rectification_areas")
def rectification_areas(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Every named area (专项整治) of the template has reached ``done_status`` in the unit."""
    params = req["params"]
    areas = params["areas"]
    wanted = AREA_STATUS_ORDER.index(params.get("done_status", "done"))
    statuses = rectification_source().area_statuses(
        campaign_id=ctx.campaign.pk,
        phase=phase,
        areas=[a["code"] for a in areas],
        participation_ids=[u.participation_id for u in units],
    )
    out: Results = {}
    for unit in units:
        pid = unit.participation_id
        have = statuses.get(pid, {})
        shortfalls = []
        for area in areas:
            status = have.get(area["code"], "not_started")
            if AREA_STATUS_ORDER.index(status) < wanted:
                shortfalls.append(
                    Shortfall(
                        area["code"],
                        area["name"],
                        AREA_STATUS_LABELS[status],
                        AREA_STATUS_LABELS[AREA_STATUS_ORDER[wanted]],
                    )
                )
        summary = f"专项整治 {len(areas)} 项，已达到 {len(areas) - len(shortfalls)} 项"
        out[pid] = make(req, "failed" if shortfalls else "passed", summary, shortfalls=shortfalls)
    return out
