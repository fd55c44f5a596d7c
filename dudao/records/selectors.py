"""Reads of a unit's records: lists and the phase tally (seed 003's figures). Each function runs
a fixed number of queries whatever the number of records or members."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from dudao.campaigns.models import Participation
from dudao.orgs.models import Person

from . import kinds
from .models import (
    Activity,
    ActivityKind,
    Attendance,
    Criticism,
    Exemption,
    KnowledgeTest,
    Meeting,
    ProblemFound,
    RecordCorrection,
    StudySession,
    Talk,
    TestResult,
)

STUDY_NOTE = "study_note"


def members(participation: Participation) -> QuerySet[Person]:
    """Every member of the unit, branch by branch."""
    return (
        Person.objects.filter(unit_id=participation.unit_id)
        .select_related("branch")
        .order_by("branch__path", "code")
    )


def branch_members(participation: Participation, branch) -> QuerySet[Person]:
    return members(participation).filter(branch__path__startswith=branch.path)


def sessions(participation: Participation, phase: str, *, branch_ids=None) -> QuerySet:
    qs = (
        StudySession.objects.filter(participation=participation, phase=phase)
        .select_related("branch")
        .annotate(n_attendance=Count("attendances"))
        .order_by("-date", "-start_time", "-pk")
    )
    if branch_ids is not None:
        qs = qs.filter(Q(branch__isnull=True) | Q(branch_id__in=branch_ids))
    return qs


def meetings(participation: Participation, phase: str, *, branch_ids=None) -> QuerySet:
    qs = (
        Meeting.objects.filter(participation=participation, phase=phase)
        .select_related("speaker_person")
        .prefetch_related("branches")
        .order_by("-date", "-pk")
    )
    if branch_ids is not None:
        qs = qs.filter(Q(branches__isnull=True) | Q(branches__in=branch_ids)).distinct()
    return qs


def tests(participation: Participation, phase: str) -> QuerySet:
    return (
        KnowledgeTest.objects.filter(participation=participation, phase=phase)
        .annotate(
            n_scored=Count("results", filter=Q(results__score__isnull=False)),
            n_absent=Count("results", filter=Q(results__score__isnull=True)),
        )
        .order_by("-date", "-pk")
    )


def activities(participation: Participation, phase: str) -> QuerySet:
    return (
        Activity.objects.filter(participation=participation, phase=phase)
        .select_related("person")
        .order_by("-date", "-pk")
    )


def exemptions(participation: Participation, phase: str) -> QuerySet:
    """Active first, then withdrawn ones (kept for the archive)."""
    return (
        Exemption.objects.filter(participation=participation, phase=phase)
        .select_related("person__branch", "created_by", "withdrawn_by")
        .order_by("withdrawn_at", "person__code", "requirement")
    )


def talks(participation: Participation, phase: str) -> QuerySet:
    return (
        Talk.objects.filter(participation=participation, phase=phase)
        .select_related("initiator")
        .prefetch_related("participants")
        .order_by("round_number", "-date", "-pk")
    )


def problems(participation: Participation, phase: str) -> QuerySet:
    return (
        ProblemFound.objects.filter(participation=participation, phase=phase)
        .select_related("person")
        .order_by("-pk")
    )


def criticisms(participation: Participation, phase: str) -> QuerySet:
    return (
        Criticism.objects.filter(participation=participation, phase=phase)
        .select_related("critic", "target", "meeting")
        .order_by("-pk")
    )


@dataclass
class MemberHours:
    person: Person
    hours: Decimal
    sessions: int
    notes: int = 0


def member_hours(participation: Participation, phase: str) -> list[MemberHours]:
    """Per member of the unit: hours credited this phase and sessions attended (zero for
    members who attended nothing). Two queries."""
    totals = {
        row["person_id"]: row
        for row in Attendance.objects.filter(participation=participation, phase=phase)
        .values("person_id")
        .annotate(hours=Sum("hours"), sessions=Count("id"))
    }
    out = []
    for person in members(participation):
        row = totals.get(person.pk)
        out.append(
            MemberHours(
                person=person,
                hours=row["hours"] if row else Decimal("0"),
                sessions=row["sessions"] if row else 0,
            )
        )
    return out


def study_note_counts(participation: Participation, phase: str) -> dict[int, int]:
    """{person id: study notes this phase} from the reviews app (drafts not counted)."""
    try:
        from dudao.reviews.models import Document, DocumentStatus
    except ImportError:  # pragma: no cover - the reviews app is always installed
        return {}
    return dict(
        Document.objects.filter(
            participation=participation, phase=phase, kind=STUDY_NOTE, author__isnull=False
        )
        .exclude(status=DocumentStatus.DRAFT)
        .values_list("author_id")
        .annotate(n=Count("id"))
    )


@dataclass
class Tally:
    """The figures seed 003 reports for a phase: "局共组织学习12场次共392人次参加…"."""

    phase: str
    phase_name: str
    members: int = 0
    sessions: int = 0
    session_hours: Decimal = Decimal("0")
    by_kind: list[tuple[str, str, int, Decimal]] = field(default_factory=list)
    person_attendances: int = 0
    off_hours_sessions: int = 0
    hours_min: Decimal = Decimal("0")
    hours_avg: Decimal = Decimal("0")
    hours_max: Decimal = Decimal("0")
    meetings_by_kind: list[tuple[str, str, int]] = field(default_factory=list)
    study_notes: int = 0
    members_with_notes: int = 0
    good_deeds: int = 0
    other_activities: int = 0
    tests: int = 0
    tested: int = 0
    absent: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)
    untested: int = 0
    exemptions: int = 0
    exempted_members: int = 0
    talks: int = 0
    problems: int = 0
    criticisms: int = 0


def tally(participation: Participation, phase: str) -> Tally:
    campaign = participation.campaign
    t = Tally(phase=phase, phase_name=kinds.phase_name(campaign, phase))
    session_names = kinds.session_kinds(campaign)
    rows = (
        StudySession.objects.filter(participation=participation, phase=phase)
        .values("kind")
        .annotate(n=Count("id"), hours=Sum("hours"), off=Count("id", filter=Q(off_hours=True)))
    )
    by_kind = {r["kind"]: r for r in rows}
    for code, name in session_names.items():
        if code in by_kind:
            r = by_kind.pop(code)
            t.by_kind.append((code, name, r["n"], r["hours"]))
    for code, r in by_kind.items():  # kinds the template no longer names
        t.by_kind.append((code, code, r["n"], r["hours"]))
    t.sessions = sum(n for _c, _n, n, _h in t.by_kind)
    t.session_hours = sum((h for *_x, h in t.by_kind), Decimal("0"))
    t.off_hours_sessions = sum(r["off"] for r in rows)

    hours = member_hours(participation, phase)
    t.members = len(hours)
    t.person_attendances = sum(m.sessions for m in hours)
    if hours:
        values = [m.hours for m in hours]
        t.hours_min, t.hours_max = min(values), max(values)
        t.hours_avg = (sum(values, Decimal("0")) / len(values)).quantize(Decimal("0.1"))

    meeting_names = kinds.meeting_kinds(campaign)
    meeting_counts = Counter(
        dict(
            Meeting.objects.filter(participation=participation, phase=phase)
            .values_list("kind")
            .annotate(n=Count("id"))
        )
    )
    t.meetings_by_kind = [
        (code, meeting_names.get(code, code), n) for code, n in sorted(meeting_counts.items())
    ]

    notes = study_note_counts(participation, phase)
    t.study_notes = sum(notes.values())
    t.members_with_notes = len(notes)

    acts = dict(
        Activity.objects.filter(participation=participation, phase=phase)
        .values_list("kind")
        .annotate(n=Sum("count"))
    )
    t.good_deeds = acts.pop(ActivityKind.GOOD_DEED, 0) or 0
    t.other_activities = sum(v or 0 for v in acts.values())

    t.tests = KnowledgeTest.objects.filter(participation=participation, phase=phase).count()
    results = TestResult.objects.filter(
        test__participation=participation, test__phase=phase
    ).select_related("person")
    scored, absent = set(), {}
    for r in results:
        if r.score is not None:
            scored.add(r.person_id)
        else:
            absent[r.person_id] = (r.person.name, r.absence_reason)
    t.tested = len(scored)
    t.absent = [v for pk, v in absent.items() if pk not in scored]
    t.untested = t.members - t.tested if t.tests else 0

    ex = Exemption.objects.filter(
        participation=participation, phase=phase, withdrawn_at__isnull=True
    )
    t.exemptions = ex.count()
    t.exempted_members = ex.values("person_id").distinct().count()
    t.talks = Talk.objects.filter(participation=participation, phase=phase).count()
    t.problems = ProblemFound.objects.filter(participation=participation, phase=phase).count()
    t.criticisms = Criticism.objects.filter(participation=participation, phase=phase).count()
    return t


def own_records(participation: Participation, person: Person):
    """A member's own attendance and scores, every phase."""
    attendance = (
        Attendance.objects.filter(participation=participation, person=person)
        .select_related("session")
        .order_by("session__date")
    )
    results = (
        TestResult.objects.filter(test__participation=participation, person=person)
        .select_related("test")
        .order_by("test__date")
    )
    totals = dict(
        Attendance.objects.filter(participation=participation, person=person)
        .values_list("phase")
        .annotate(h=Sum("hours"))
    )
    return attendance, results, totals


def corrections_for(participation_ids) -> dict[int, list[RecordCorrection]]:
    """{participation id: its corrections of frozen records, newest first} — what the
    transition pages flag as "批准后改动" beside an approval, in one query for any number of
    units. Each correction names its phase (``phase``), the record (``kind``, ``record_id``,
    ``record_label``), what changed (``changes``), why (``reason``), who and when."""
    out: dict[int, list[RecordCorrection]] = {}
    rows = (
        RecordCorrection.objects.filter(participation_id__in=list(participation_ids))
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )
    for c in rows:
        out.setdefault(c.participation_id, []).append(c)
    return out
