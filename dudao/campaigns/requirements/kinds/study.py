"""Study records: hours per member, days of a session kind, session length, off-hours sessions."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Sum

from ..engine import Context, Results, Unit, as_decimal, chinese_date, make, register_kind
from ..ports import record_reader
from ..types import Evidence, Shortfall
from .common import EVIDENCE_LIMIT, _branch_names_for, _num, _per_member


@register_kind("study_hours_per_member")
def study_hours_per_member(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Seed 001: "每名党员学习培训时间不少于45个学时" (seed 004: 40; the template decides)."""
    Attendance = record_reader().attendance
    params = req["params"]
    need = as_decimal(params["min_hours"])
    qs = Attendance.objects.filter(ctx.pids_q(units), phase=phase)
    if params.get("counted_kinds"):
        qs = qs.filter(kind__in=params["counted_kinds"])
    have = {
        (pid, person): total
        for pid, person, total in qs.values("participation_id", "person_id")
        .annotate(total=Sum("hours"))
        .values_list("participation_id", "person_id", "total")
        .order_by()
    }
    out = _per_member(ctx, req, phase, units, have, need, unit_word="学时", what="")
    if ctx.detail:
        _attach_sessions(ctx, req, phase, units, out, kinds=params.get("counted_kinds") or None)
    return out


def _attach_sessions(ctx, req, phase, units, out: Results, *, kinds=None, only=None) -> None:
    StudySession = record_reader().study_session
    qs = StudySession.objects.filter(ctx.pids_q(units), phase=phase)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if only is not None:
        qs = qs.filter(only)
    rows = qs.annotate(n=Count("attendances")).values_list(
        "participation_id", "pk", "date", "kind", "hours", "topic", "n"
    )
    for pid, pk, date, kind, hours, topic, n in rows.order_by("date", "pk")[
        : EVIDENCE_LIMIT * len(units)
    ]:
        out[pid].evidence.append(
            Evidence(
                f"{ctx.kind_name('session_kinds', kind)} {_num(hours)} 学时《{topic}》，出勤 {n} 人",
                date,
                ("study_session", pid, pk),
            )
        )


@register_kind("session_kind_days")
def session_kind_days(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Seed 001: "集中学习培训不少于3天…中心组辅导学习不少于1天". A day counts when the unit
    held a session of that kind on that date."""
    StudySession = record_reader().study_session
    params = req["params"]
    kind = params["session_kind"]
    need = as_decimal(params["min_days"])
    kind_name = ctx.kind_name("session_kinds", kind)
    base = StudySession.objects.filter(ctx.pids_q(units), phase=phase, kind=kind)
    out: Results = {}
    if req.get("scope") == "per_branch":
        # Unit-wide sessions count for every branch; a branch's own sessions for that branch.
        dates: dict[tuple[int, int | None], set] = defaultdict(set)
        for pid, branch_id, date in base.values_list("participation_id", "branch_id", "date"):
            dates[(pid, branch_id)].add(date)
        members = ctx.members_of(units)
        names = _branch_names_for({m.branch_id for u in units for m in members.get(u.unit_id, [])})
        for unit in units:
            pid = unit.participation_id
            branches = sorted({m.branch_id for m in members.get(unit.unit_id, [])})
            shortfalls = []
            for branch in branches:
                days = len(dates[(pid, None)] | dates[(pid, branch)])
                if days < need:
                    shortfalls.append(Shortfall(branch, names.get(branch, str(branch)), days, need))
            out[pid] = make(
                req,
                "failed" if shortfalls or not branches else "passed",
                f"{len(branches)} 个支部中 {len(branches) - len(shortfalls)} 个支部{kind_name}达到 {_num(need)} 天",
                shortfalls=shortfalls,
            )
    else:
        days = dict(
            base.values("participation_id")
            .annotate(days=Count("date", distinct=True))
            .values_list("participation_id", "days")
            .order_by()
        )
        for unit in units:
            pid = unit.participation_id
            have = days.get(pid, 0)
            shortfalls = [] if have >= need else [Shortfall(pid, unit.name, have, need)]
            out[pid] = make(
                req,
                "passed" if have >= need else "failed",
                f"{kind_name}已安排 {have} 天，要求不少于 {_num(need)} 天",
                shortfalls=shortfalls,
            )
    if ctx.detail:
        _attach_sessions(ctx, req, phase, units, out, kinds=[kind])
    return out


@register_kind("session_min_hours")
def session_min_hours(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Seed 001: "其他学习讨论每次2个学时以上". Every session not of an excepted kind lasts at
    least ``min_hours``; the short ones are listed."""
    StudySession = record_reader().study_session
    params = req["params"]
    need = as_decimal(params["min_hours"])
    qs = StudySession.objects.filter(ctx.pids_q(units), phase=phase).exclude(
        kind__in=params.get("except_kinds") or []
    )
    totals = dict(
        qs.values("participation_id")
        .annotate(n=Count("pk"))
        .values_list("participation_id", "n")
        .order_by()
    )
    short_rows = qs.filter(hours__lt=need).values_list(
        "participation_id", "pk", "date", "kind", "hours", "topic"
    )
    shortfalls: dict[int, list[Shortfall]] = defaultdict(list)
    for pid, pk, date, kind, hours, topic in short_rows.order_by("date", "pk"):
        shortfalls[pid].append(
            Shortfall(
                pk,
                f"{chinese_date(date)} {ctx.kind_name('session_kinds', kind)}《{topic}》",
                hours,
                need,
            )
        )
    out: Results = {}
    for unit in units:
        pid = unit.participation_id
        bad = shortfalls.get(pid, [])
        n = totals.get(pid, 0)
        out[pid] = make(
            req,
            "failed" if bad else "passed",
            f"应计 {n} 次学习讨论，{len(bad)} 次不足 {_num(need)} 学时"
            if n
            else "尚无应计的学习讨论记录",
            shortfalls=bad,
        )
    return out


@register_kind("sessions_outside_working_hours")
def sessions_outside_working_hours(ctx: Context, req: dict, phase: str, units: list[Unit]):
    """Seed 001: concentrated study "一般应安排在周末或其他非工作时间"."""
    StudySession = record_reader().study_session
    kind = req["params"]["session_kind"]
    kind_name = ctx.kind_name("session_kinds", kind)
    qs = StudySession.objects.filter(ctx.pids_q(units), phase=phase, kind=kind)
    totals = dict(
        qs.values("participation_id")
        .annotate(n=Count("pk"))
        .values_list("participation_id", "n")
        .order_by()
    )
    bad: dict[int, list[Shortfall]] = defaultdict(list)
    for pid, pk, date, topic in (
        qs.filter(off_hours=False)
        .values_list("participation_id", "pk", "date", "topic")
        .order_by("date", "pk")
    ):
        bad[pid].append(Shortfall(pk, f"{chinese_date(date)}《{topic}》", "工作时间", "非工作时间"))
    out: Results = {}
    for unit in units:
        pid = unit.participation_id
        n = totals.get(pid, 0)
        b = bad.get(pid, [])
        out[pid] = make(
            req,
            "failed" if b else "passed",
            f"{kind_name} {n} 次，其中 {len(b)} 次安排在工作时间" if n else f"尚无{kind_name}记录",
            shortfalls=b,
        )
    return out
