"""Meetings held (mobilisation, party lectures, branch meetings), per unit or per branch."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count

from ..engine import Context, Results, Unit, make, register_kind
from ..ports import record_reader
from ..types import Evidence, Shortfall
from .common import EVIDENCE_LIMIT, _branch_names_for


@register_kind("meeting_held")
def meeting_held(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """A meeting of a kind held (optionally with a speaker of a given role: seed 001 "单位主要
    负责同志亲自作动员报告", "为党员上党课").

    A party lecture may be recorded as a meeting or as a study session of the same kind code
    (the 2005 template lists 党课 among the study forms too): both count, so a unit need not
    enter it twice. ``per_branch``: every branch with members is covered by a meeting of the
    kind that names it (small branches may merge, seed 001)."""
    reader = record_reader()
    Meeting = reader.meeting
    StudySession = reader.study_session
    params = req["params"]
    kind = params["meeting_kind"]
    role = params.get("speaker_role")
    need = int(params.get("min_count", 1))
    meetings = Meeting.objects.filter(ctx.pids_q(units), phase=phase, kind=kind)
    sessions = StudySession.objects.filter(ctx.pids_q(units), phase=phase, kind=kind)
    if role:
        meetings = meetings.filter(speaker_role=role)
        sessions = sessions.filter(speaker_role=role)
    count_sessions = ctx.is_session_kind(kind)
    kind_name = ctx.kind_name("meeting_kinds", kind)
    if kind_name == kind:
        kind_name = ctx.kind_name("session_kinds", kind)
    role_text = f"（由{reader.speaker_roles.get(role, role)}主讲）" if role else ""
    out: Results = {}
    if req.get("scope") == "per_branch":
        covered: dict[int, set[int]] = defaultdict(set)
        for pid, branch_id in meetings.values_list("participation_id", "branches"):
            if branch_id is not None:
                covered[pid].add(branch_id)
        members = ctx.members_of(units)
        all_branches = {m.branch_id for u in units for m in members.get(u.unit_id, [])}
        names = _branch_names_for(all_branches)
        for unit in units:
            pid = unit.participation_id
            branches = sorted({m.branch_id for m in members.get(unit.unit_id, [])})
            missing = [b for b in branches if b not in covered.get(pid, set())]
            out[pid] = make(
                req,
                "failed" if missing or not branches else "passed",
                f"{len(branches)} 个支部中 {len(branches) - len(missing)} 个已召开{kind_name}",
                shortfalls=[Shortfall(b, names.get(b, str(b)), 0, 1) for b in missing],
            )
    else:
        counts: dict[int, int] = defaultdict(int)
        for pid, n in (
            meetings.values("participation_id")
            .annotate(n=Count("pk"))
            .values_list("participation_id", "n")
            .order_by()
        ):
            counts[pid] += n
        if count_sessions:
            for pid, n in (
                sessions.values("participation_id")
                .annotate(n=Count("pk"))
                .values_list("participation_id", "n")
                .order_by()
            ):
                counts[pid] += n
        for unit in units:
            pid = unit.participation_id
            have = counts.get(pid, 0)
            out[pid] = make(
                req,
                "passed" if have >= need else "failed",
                f"已召开{kind_name}{role_text} {have} 次"
                if have
                else f"尚未召开{kind_name}{role_text}",
                shortfalls=[] if have >= need else [Shortfall(pid, unit.name, have, need)],
            )
    if ctx.detail:
        for pid, pk, date, title, speaker in meetings.values_list(
            "participation_id", "pk", "date", "title", "speaker"
        ).order_by("date", "pk")[:EVIDENCE_LIMIT]:
            label = f"《{title}》" + (f"，{speaker}主讲" if speaker else "")
            out[pid].evidence.append(Evidence(label, date, ("meeting", pid, pk)))
        if count_sessions:
            for pid, pk, date, topic, speaker in sessions.values_list(
                "participation_id", "pk", "date", "topic", "speaker"
            ).order_by("date", "pk")[:EVIDENCE_LIMIT]:
                label = f"《{topic}》" + (f"，{speaker}主讲" if speaker else "")
                out[pid].evidence.append(Evidence(label, date, ("study_session", pid, pk)))
    return out
