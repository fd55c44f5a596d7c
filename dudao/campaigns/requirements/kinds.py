"""One evaluator per requirement kind (template_schema.REQUIREMENT_KINDS).

Each evaluator has the signature ``(ctx, req, phase, units) -> {participation_id: result}`` and
runs a fixed number of aggregate queries over all ``units`` (the units evaluated in ``phase``).
``req`` is the requirement as stored in the template (code, name, kind, params, scope,
applies_to, step, blocking, source). Messages are for people: Chinese, with the numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

from django.apps import apps
from django.db.models import Count, Sum

from .engine import (
    Context,
    Unit,
    as_decimal,
    chinese_date,
    counted_members,
    fraction_text,
)
from .ports import STATUS_LABELS as SURVEY_STATUS_LABELS
from .ports import survey_source
from .types import Evidence, Exempted, RequirementResult, Shortfall

Results = dict[int, RequirementResult]
EVIDENCE_LIMIT = 200  # a report lists at most this many records per requirement


def make(req: dict, status: str, summary: str, **extra) -> RequirementResult:
    return RequirementResult(
        code=req["code"],
        name=req["name"],
        kind=req["kind"],
        step=req.get("step"),
        blocking=req.get("blocking", True),
        scope=req.get("scope", "per_unit"),
        status=status,
        summary=summary,
        source=req.get("source", ""),
        **extra,
    )


def _pids(units: list[Unit]) -> list[int]:
    return [u.participation_id for u in units]


def _model(label: str):
    return apps.get_model(*label.split("."))


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


# --- study records ----------------------------------------------------------------------------


def study_hours_per_member(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Seed 001: "每名党员学习培训时间不少于45个学时" (seed 004: 40; the template decides)."""
    Attendance = _model("records.Attendance")
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
    StudySession = _model("records.StudySession")
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
                f"/records/{pid}/sessions/{pk}/",
            )
        )


def session_kind_days(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Seed 001: "集中学习培训不少于3天…中心组辅导学习不少于1天". A day counts when the unit
    held a session of that kind on that date."""
    StudySession = _model("records.StudySession")
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


def _branch_names_for(ids: set[int]) -> dict[int, str]:
    Organisation = _model("orgs.Organisation")
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))


def session_min_hours(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Seed 001: "其他学习讨论每次2个学时以上". Every session not of an excepted kind lasts at
    least ``min_hours``; the short ones are listed."""
    StudySession = _model("records.StudySession")
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


def sessions_outside_working_hours(ctx: Context, req: dict, phase: str, units: list[Unit]):
    """Seed 001: concentrated study "一般应安排在周末或其他非工作时间"."""
    StudySession = _model("records.StudySession")
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


# --- meetings ---------------------------------------------------------------------------------


def meeting_held(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """A meeting of a kind held (optionally with a speaker of a given role: seed 001 "单位主要
    负责同志亲自作动员报告", "为党员上党课").

    A party lecture may be recorded as a meeting or as a study session of the same kind code
    (the 2005 template lists 党课 among the study forms too): both count, so a unit need not
    enter it twice. ``per_branch``: every branch with members is covered by a meeting of the
    kind that names it (small branches may merge, seed 001)."""
    Meeting = _model("records.Meeting")
    StudySession = _model("records.StudySession")
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
    role_text = f"（由{_role_label(role)}主讲）" if role else ""
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
            out[pid].evidence.append(Evidence(label, date, f"/records/{pid}/meetings/{pk}/"))
        if count_sessions:
            for pid, pk, date, topic, speaker in sessions.values_list(
                "participation_id", "pk", "date", "topic", "speaker"
            ).order_by("date", "pk")[:EVIDENCE_LIMIT]:
                label = f"《{topic}》" + (f"，{speaker}主讲" if speaker else "")
                out[pid].evidence.append(Evidence(label, date, f"/records/{pid}/sessions/{pk}/"))
    return out


def _role_label(role: str | None) -> str:
    from dudao.records.models import SpeakerRole

    return dict(SpeakerRole.choices).get(role, role or "")


# --- tests ------------------------------------------------------------------------------------


def test_participation(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Seed 001: "阶段结束时…进行党的先进性基本知识检测"; seed 003: 29 members, 28 tested,
    1 away. Passes when tested / counted ≥ share; members exempted (away) are not counted."""
    KnowledgeTest = _model("records.KnowledgeTest")
    TestResult = _model("records.TestResult")
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


# --- documents (the reviews app) --------------------------------------------------------------


def _documents():
    return _model("reviews.Document")


def _counting_statuses(ctx: Context, kind: str) -> list[str]:
    """A document counts when approved; a kind the template does not review (min rounds 0,
    e.g. study notes in 2005) counts once submitted."""
    if int(ctx.document_kind(kind).get("min_review_rounds", 1)) == 0:
        return ["submitted", "approved"]
    return ["approved"]


def documents_per_member(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Seed 001: "每位党员至少撰写一篇学习心得体会"."""
    params = req["params"]
    kind = params["document_kind"]
    need = int(params.get("min_count", 1))
    docs = _documents().objects.filter(
        ctx.pids_q(units),
        phase=phase,
        kind=kind,
        status__in=_counting_statuses(ctx, kind),
        author__isnull=False,
    )
    have = {
        (pid, author): n
        for pid, author, n in docs.values("participation_id", "author_id")
        .annotate(n=Count("pk"))
        .values_list("participation_id", "author_id", "n")
        .order_by()
    }
    kind_name = ctx.document_kind(kind)["name"]
    out = _per_member(ctx, req, phase, units, have, need, unit_word="篇", what=kind_name)
    if ctx.detail:
        for pid, pk, title, author in docs.values_list(
            "participation_id", "pk", "title", "author__name"
        ).order_by("author__name", "pk")[:EVIDENCE_LIMIT]:
            out[pid].evidence.append(Evidence(f"{author}：{title}", None, f"/reviews/{pk}/"))
    return out


_STATUS_TEXT = {
    "draft": "草稿",
    "submitted": "已提交待审核",
    "returned": "退回修改",
    "rejected": "推倒重来",
    "approved": "审核通过",
}


def document_approved(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """A document of the kind approved by its reviewer (seed 004: the plan reviewed by the
    group). ``per_person`` / ``per_member``: every counted person has one approved."""
    kind = req["params"]["document_kind"]
    kind_name = ctx.document_kind(kind)["name"]
    docs = _documents().objects.filter(ctx.pids_q(units), phase=phase, kind=kind)
    if req.get("scope") in ("per_person", "per_member"):
        approved = {
            (pid, author): 1
            for pid, author in docs.filter(status="approved", author__isnull=False)
            .values_list("participation_id", "author_id")
            .distinct()
        }
        return _per_member(ctx, req, phase, units, approved, 1, unit_word="份", what=kind_name)
    latest: dict[int, tuple] = {}
    for pid, pk, status, title in (
        docs.filter(author__isnull=True)
        .values_list("participation_id", "pk", "status", "title")
        .order_by("pk")
    ):
        if latest.get(pid, (None, None, None))[1] != "approved":
            latest[pid] = (pk, status, title)
    out: Results = {}
    for unit in units:
        pid = unit.participation_id
        if pid not in latest:
            out[pid] = make(req, "failed", f"尚未提交{kind_name}")
            continue
        pk, status, title = latest[pid]
        evidence = [
            Evidence(f"《{title}》{_STATUS_TEXT.get(status, status)}", None, f"/reviews/{pk}/")
        ]
        out[pid] = make(
            req,
            "passed" if status == "approved" else "failed",
            f"{kind_name}：{_STATUS_TEXT.get(status, status)}",
            evidence=evidence if ctx.detail else [],
            shortfalls=[]
            if status == "approved"
            else [Shortfall(pk, title or kind_name, _STATUS_TEXT.get(status, status), "审核通过")],
        )
    return out


def review_rounds_min(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Seed 002: "对照检查材料…班子至少审核3稿，个人至少2稿". The rounds of review a document
    went through (returned, rejected and approved decisions all count)."""
    params = req["params"]
    kind = params["document_kind"]
    need = int(params.get("min_rounds") or ctx.document_kind(kind).get("min_review_rounds", 1))
    kind_name = ctx.document_kind(kind)["name"]
    docs = _documents().objects.filter(ctx.pids_q(units), phase=phase, kind=kind)
    rows = (
        docs.annotate(n_rounds=Count("rounds"))
        .values_list("participation_id", "author_id", "n_rounds")
        .order_by()
    )
    if req.get("scope") in ("per_person", "per_member"):
        have: dict[tuple[int, int], int] = {}
        for pid, author, rounds in rows:
            if author is not None:
                have[(pid, author)] = max(have.get((pid, author), 0), rounds)
        return _per_member(ctx, req, phase, units, have, need, unit_word="稿", what=kind_name)
    best: dict[int, int] = {}
    for pid, author, rounds in rows:
        if author is None:
            best[pid] = max(best.get(pid, 0), rounds)
    out: Results = {}
    for unit in units:
        pid = unit.participation_id
        have_n = best.get(pid, 0)
        out[pid] = make(
            req,
            "passed" if have_n >= need else "failed",
            f"{kind_name}已审核 {have_n} 稿，要求不少于 {need} 稿",
            shortfalls=[] if have_n >= need else [Shortfall(pid, kind_name, have_n, need)],
        )
    return out


# --- surveys (through the port the surveys app fills) -----------------------------------------


def _survey(ctx: Context, req: dict, phase: str, units: list[Unit], *, decide: bool) -> Results:
    code = req["params"]["instrument"]
    instrument = ctx.instrument(code)
    source = survey_source()
    pids = _pids(units)
    out: Results = {}
    if instrument.get("subject") == "member":
        outcomes = source.member_outcomes(
            campaign_id=ctx.campaign.pk, instrument=code, participation_ids=pids
        )
        counted, exempted = counted_members(ctx, req, phase, units)
        for unit in units:
            pid = unit.participation_id
            per_person = outcomes.get(pid, {})
            failing, waiting = [], []
            for m in counted[pid]:
                o = per_person.get(m.id)
                if o is None or o.status in ("open", "not_held", "too_few"):
                    status = o.status if o else "not_held"
                    waiting.append(Shortfall(m.id, m.name, SURVEY_STATUS_LABELS[status], "已测评"))
                elif o.status == "failed" and decide:
                    failing.append(
                        Shortfall(m.id, m.name, o.detail or "未达到", "达到", "需重新撰写")
                    )
            status = "failed" if failing else ("pending" if waiting else "passed")
            out[pid] = make(
                req,
                status,
                f"应测评 {len(counted[pid])} 人，未达到 {len(failing)} 人，待测评 {len(waiting)} 人",
                shortfalls=failing + waiting,
            )
        return out
    outcomes = source.unit_outcomes(
        campaign_id=ctx.campaign.pk, instrument=code, participation_ids=pids
    )
    for unit in units:
        pid = unit.participation_id
        o = outcomes.get(pid)
        name = instrument.get("name", code)
        if o is None or o.status in ("not_held", "open", "too_few"):
            label = SURVEY_STATUS_LABELS[o.status if o else "not_held"]
            out[pid] = make(
                req,
                "pending",
                f"{name}：{label}",
                shortfalls=[Shortfall(pid, name, label, "已测评")],
            )
            continue
        if decide:
            status = "passed" if o.status == "passed" else "failed"
        else:
            status = "passed"  # survey_held only reports: held and closed is enough
        round_text = f"（第 {o.round_number} 轮）" if o.round_number > 1 else ""
        out[pid] = make(
            req,
            status,
            f"{name}{round_text}：{SURVEY_STATUS_LABELS[o.status]}。{o.detail}".rstrip("。"),
            evidence=[Evidence(f"{name}{round_text}，有效答卷 {o.answers} 份", None, o.url)],
            shortfalls=[] if status == "passed" else [Shortfall(pid, name, o.detail, "达到阈值")],
        )
    return out


def survey_threshold(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Seed 004: "群众满意度不到三分之二的，要进行补课" (the rule and threshold are the
    instrument's, in the template)."""
    return _survey(ctx, req, phase, units, decide=True)


def survey_held(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    return _survey(ctx, req, phase, units, decide=False)


# --- talks, problems, criticisms (seed 002) ---------------------------------------------------


def talk_rounds(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Seed 002: "谈心谈话…不少于3轮"."""
    Talk = _model("records.Talk")
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


def self_found_problems(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Seed 002: "自己查找的问题不少于15条" (per team or per person: the template's scope)."""
    ProblemFound = _model("records.ProblemFound")
    qs = ProblemFound.objects.filter(ctx.pids_q(units), phase=phase, source="self")
    return _count_rule(ctx, req, phase, units, qs, "person_id", what="自查问题", unit_word="条")


def criticisms_per_person(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Seed 002: "每人提出的批评意见不少于5条"."""
    Criticism = _model("records.Criticism")
    qs = Criticism.objects.filter(ctx.pids_q(units), phase=phase)
    return _count_rule(ctx, req, phase, units, qs, "critic_id", what="提出批评意见", unit_word="条")


EVALUATORS: dict[str, Callable[[Context, dict, str, list[Unit]], Results]] = {
    "study_hours_per_member": study_hours_per_member,
    "session_kind_days": session_kind_days,
    "session_min_hours": session_min_hours,
    "sessions_outside_working_hours": sessions_outside_working_hours,
    "documents_per_member": documents_per_member,
    "meeting_held": meeting_held,
    "test_participation": test_participation,
    "document_approved": document_approved,
    "review_rounds_min": review_rounds_min,
    "survey_threshold": survey_threshold,
    "survey_held": survey_held,
    "talk_rounds": talk_rounds,
    "self_found_problems": self_found_problems,
    "criticisms_per_person": criticisms_per_person,
}

__all__ = ["EVALUATORS", "make"]

# Kinds of later campaigns live in their own module (imported last: it builds on the helpers above).
from .kinds_research import EVALUATORS as _LATER_KINDS  # noqa: E402

EVALUATORS.update(_LATER_KINDS)
