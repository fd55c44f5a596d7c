"""The demo campaign under way: what every unit has done in the phases it has passed and in the
one it is in, dated between its batch's start and today.

Each unit has a timeline (:func:`plan_timeline`): its batch started on a set day, the unit
moves through the template's phases at its own pace, and the phase that contains today is its
current one. A passed phase holds a complete record (every blocking requirement met, because
the office approved the transition after the group checked it); the current phase holds what
would have happened by today, so early units have little and late ones are applying. A few
units in every phase fall short (members short of hours, a missing self-analysis, a failing
survey) and some of those are in remedial work.

Everything is written set-based (``bulk.Rows``) inside the seed's transaction, with one audit
event per submission and decision, dated when it happened. Applications are written last,
with the requirement report the decider saw, computed by the requirements engine itself; a
forward the engine would refuse is left waiting at the group instead.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from dudao.campaigns.models import Participation
from dudao.core.models import AuditEvent
from dudao.opinions import similarity as opinion_similarity
from dudao.opinions.models import Feedback as OpinionFeedback
from dudao.opinions.models import Opinion, OpinionBand, OpinionCategoryMark
from dudao.orgs.models import Person, Role, RoleAssignment
from dudao.records.kinds import is_off_hours
from dudao.records.models import (
    Activity,
    Attendance,
    Criticism,
    Exemption,
    KnowledgeTest,
    Meeting,
    ProblemFound,
    SpeakerRole,
    StudySession,
    Talk,
    TestResult,
)
from dudao.rectification.models import Item, LookBackEntry, Regulation
from dudao.reviews.models import (
    CommentCheck,
    Document,
    DocumentMilestone,
    DocumentVersion,
    ReviewComment,
    ReviewRound,
)
from dudao.surveys.codes import ALPHABET, LENGTH
from dudao.surveys.models import (
    PaperBallotSheet,
    PaperCount,
    SampledPerson,
    SurveyCode,
    SurveyRound,
    Tally,
)
from dudao.transitions.models import (
    ParticipationEnd,
    PhaseExtension,
    PhasePeriod,
    RemedialOrder,
    TransitionApplication,
)

from . import texts
from .bulk import AuditChain, Rosters, Tables, analyze, clock, defer_indexes
from .reports import seed_reports
from .supervision import seed_supervision

# Days before today each batch started (seed 001: three batches by unit type, about six months
# each; here they overlap so that the demo shows all of them at work). The first batch started
# with the campaign.
BATCH_START_DAYS_AGO = {1: 130, 2: 80, 3: 32}
# Shares of passed phases whose transition had a history (seed 001: 责令补课; the office
# sending an application back).
REMEDIAL_SHARE = 0.10
SENT_BACK_SHARE = 0.05
EXTENDED_SHARE = 0.06
# Units of the current phase whose records fall short somewhere.
SHORT_SHARE = 0.12
SHARDS_OPEN = 32  # surveys.actions.UNIT_SHARDS, for rounds still taking answers


@dataclass
class Span:
    code: str
    duration: int  # the template's days
    start: dt.date
    end: dt.date | None  # None: the current phase
    story: str = "plain"  # passed phases: "plain", "remedial", "sent_back"
    extension: int = 0  # approved extension days (passed phases)


@dataclass
class Timeline:
    spans: list[Span]
    ended: bool = False

    @property
    def current(self) -> Span:
        return self.spans[-1]


def plan_timeline(
    rnd: random.Random, batch_start: dt.date, phases: list[tuple[str, int]], today: dt.date
) -> Timeline:
    """The unit's phases from its batch start to today, at the unit's own pace."""
    start = batch_start + dt.timedelta(days=rnd.randint(0, 5))
    pace = rnd.uniform(0.85, 1.2)
    spans: list[Span] = []
    for code, duration in phases:
        length = max(10, round(duration * pace))
        r = rnd.random()
        # Seed 001's 补课 is mostly about the analysis phase's effectiveness survey.
        remedial = REMEDIAL_SHARE * (1.5 if code == "analysis" else 1.0)
        story = "remedial" if r < remedial else "plain"
        if remedial <= r < remedial + SENT_BACK_SHARE:
            story = "sent_back"
        extension = 0
        if story == "remedial":
            length += rnd.randint(8, 14)
        elif story == "sent_back":
            length += rnd.randint(4, 8)
        if rnd.random() < EXTENDED_SHARE:
            extension = rnd.choice([7, 10, 15])
            length += extension // 2
        end = start + dt.timedelta(days=length)
        if end >= today:
            spans.append(Span(code, duration, start, None))
            return Timeline(spans)
        spans.append(Span(code, duration, start, end, story, extension))
        start = end
    return Timeline(spans, ended=True)


# --- the units --------------------------------------------------------------------------------


@dataclass
class M:
    id: int
    name: str
    branch_id: int
    category: str
    leader: bool


@dataclass
class U:
    part_id: int
    unit_id: int
    name: str
    kind: str  # the plan's kind ("village", "city_organ", …)
    group_id: int | None
    members: list[M]
    branches: list[int]
    timeline: Timeline
    liaison: tuple[int, str] = (0, "")
    secretaries: dict[int, tuple[int, str]] = field(default_factory=dict)
    away: set[int] = field(default_factory=set)
    frail: set[int] = field(default_factory=set)  # retired members excused from study (ill, old)

    @property
    def head(self) -> M:
        return self.members[0]

    @property
    def leaders(self) -> list[M]:
        return [m for m in self.members if m.leader] or self.members[:1]

    def counted(self, *, away: bool = False) -> list[M]:
        """Members a per-member requirement counts once exemptions are recorded."""
        return [
            m for m in self.members if (away or m.id not in self.away) and m.id not in self.frail
        ]


def _moment(day: dt.date, hour: int, minute: int, now: dt.datetime) -> dt.datetime:
    # A city asks for millions of these and they repeat (a day, an hour, a minute): built once
    # each, in the current time zone as timezone.make_aware would.
    key = (day, hour, minute, now)
    at = _MOMENTS.get(key)
    if at is None:
        local = dt.datetime(day.year, day.month, day.day, hour, minute,
                            tzinfo=timezone.get_current_timezone())  # fmt: skip
        at = _MOMENTS[key] = min(local, now - dt.timedelta(minutes=5))
    return at


_MOMENTS: dict[tuple, dt.datetime] = {}


class Writer:
    """Everything the units did, as rows, plus the audit events of each unit in time order."""

    def __init__(self, *, campaign, template: dict, rnd: random.Random, today, now, office, out):
        self.c = campaign
        self.t = template
        self.rnd = rnd
        self.today = today
        self.now = now
        self.office = office  # (user id, label)
        self.out = out
        self.phase_names = {p["code"]: p["name"] for p in template["phases"]}
        self.kinds = {k["code"]: k for k in template["document_kinds"]}
        # The document the template names as the look-back's result (reviewed like any other).
        self.look_back_doc = (template.get("rectification") or {}).get("look_back_document")
        self.checklists = template.get("checklists", {})
        self.instruments = {i["code"]: i for i in template["survey_instruments"]}
        tb = self.tables = Tables()
        self.session = tb.table(StudySession)
        self.attendance = tb.table(
            Attendance, ["id", "session", "person", "participation", "phase", "kind", "hours"]
        )
        # Sessions the whole unit attends: their attendance is written by the database from
        # the member table, less who was absent (bulk.Rosters).
        self.rosters = Rosters(self.attendance, Person)
        self.meeting = tb.table(Meeting)
        self.meeting_branches = tb.table(Meeting.branches.through)
        self.test = tb.table(KnowledgeTest)
        self.result = tb.table(TestResult, ["id", "test", "person", "score", "absence_reason"])
        self.activity = tb.table(Activity)
        self.exemption = tb.table(Exemption)
        self.rect_item = tb.table(Item)
        self.regulation = tb.table(Regulation)
        self.look_back = tb.table(LookBackEntry)
        self.talk = tb.table(Talk)
        self.talk_people = tb.table(Talk.participants.through)
        self.problem = tb.table(ProblemFound)
        self.criticism = tb.table(Criticism)
        self.document = tb.table(Document)
        self.version = tb.table(DocumentVersion)
        self.round = tb.table(ReviewRound)
        self.comment = tb.table(ReviewComment)
        self.check = tb.table(CommentCheck)
        self.milestone = tb.table(DocumentMilestone)
        self.survey = tb.table(SurveyRound)
        self.tally = tb.table(Tally, ["id", "round", "question", "option", "shard", "count"])
        self.sheet = tb.table(PaperBallotSheet)
        self.paper = tb.table(PaperCount, ["id", "sheet", "question", "option", "count"])
        self.sampled = tb.table(SampledPerson, ["id", "round", "person"])
        self.code = tb.table(SurveyCode, ["id", "round", "code", "used", "via_link"])
        self.extension = tb.table(PhaseExtension)
        self.app_rows = tb.table(TransitionApplication)
        self.op_feedback = tb.table(OpinionFeedback)
        self.opinion = tb.table(Opinion)
        self.op_mark = tb.table(OpinionCategoryMark)
        self.op_band = tb.table(OpinionBand, ["id", "opinion", "campaign_id", "key"])
        self.op_categories = (template.get("opinions") or {}).get("categories", [])
        self.order_rows = tb.table(RemedialOrder)
        self.period_rows = tb.table(PhasePeriod)
        self.end_rows = tb.table(ParticipationEnd)
        self.staff: dict[int, list[tuple[int, str]]] = {}
        self.exact_third = False
        phases = sorted(template["phases"], key=lambda p: p.get("order", 0))
        self.orders_of = {p["code"]: p.get("order", 0) for p in phases}
        self.next_phase = {}
        for i, p in enumerate(phases):
            last = i + 1 == len(phases) or (p.get("transition") or {}).get("ends_participation")
            self.next_phase[p["code"]] = None if last else phases[i + 1]["code"]
        self.req_names = {
            p["code"]: {r["code"]: r.get("name", r["code"]) for r in p.get("requirements", [])}
            for p in phases
        }
        wanted = {"study": ["knowledge_test"], "analysis": ["effectiveness_survey"],
                  "rectify": ["rectification_survey"], "consolidate": ["mass_satisfaction"]}  # fmt: skip
        self.failing_codes = {
            code: [c for c in reqs if c in self.req_names.get(code, {})]
            for code, reqs in wanted.items()
        }
        self.meeting_kind = {
            p["code"]: (p.get("transition") or {}).get("meeting_kind") for p in phases
        }
        # Written after the engine has judged them (their report snapshots).
        self.apps: list[dict] = []
        self.orders: list[dict] = []
        self.periods: list[dict] = []
        self.ends: list[dict] = []
        self.events: list[tuple] = []  # this unit's, sorted and chained at the end of the unit
        self.paper_events: dict[tuple, list] = {}  # members' papers: (phase, kind, action, actor)
        self.audit = AuditChain()
        self.codes_seen: set[str] = set()
        self.stats: Counter = Counter()

    # --- helpers ------------------------------------------------------------------------------

    def event(self, at, actor, action, target_type, target_id, label, u: U, reason="", data=None):
        self.events.append((at, actor, action, target_type, target_id, label, u, reason, data))

    def doc_event(self, author, span, kind, at, actor, action, doc_id, label, u, reason="",
                  data=None):  # fmt: skip
        """A document's submission or decision. A unit's papers get an event each; members'
        papers (hundreds of thousands in a city) one per unit, phase, kind, action and actor,
        dated at the last of them: each paper's versions and review rounds keep who did what
        when, with the reasons."""
        if author is None:
            self.event(at, actor, action, "reviews.document", doc_id, label, u, reason, data)
            return
        key = (span.code, kind, action, actor)
        bundle = self.paper_events.get(key)
        if bundle is None:
            self.paper_events[key] = [1, at, at]
        else:
            bundle[0] += 1
            bundle[1] = min(bundle[1], at)
            bundle[2] = max(bundle[2], at)

    def paper_bundles(self, u: U) -> None:
        for (phase, kind, action, actor), (n, first, last) in self.paper_events.items():
            name = self.kinds[kind].get("name", "")
            self.event(last, actor, action, "campaigns.participation", u.part_id,
                       f"{u.name} · {name}（{n} 份）", u,
                       data={"kind": kind, "phase": phase, "documents": n,
                             "from": first.isoformat(), "to": last.isoformat()})  # fmt: skip
        self.paper_events = {}

    def later(self, a: dict, at, actor, action, ttype, tid, label, u, reason="", data=None):
        """An event of an open application: chained once the engine has judged it."""
        a.setdefault("_events", []).append((at, actor, action, ttype, tid, label, u, reason, data))

    def end_unit(self, u: U) -> None:
        self.paper_bundles(u)
        self.events.sort(key=lambda e: e[0])
        for at, actor, action, ttype, tid, label, u, reason, data in self.events:
            self.audit.add(
                at=at,
                actor_id=actor[0],
                actor_label=actor[1],
                action=action,
                target_type=ttype,
                target_id=tid,
                target_label=label,
                campaign_id=self.c.pk,
                organisation_id=u.unit_id,
                reason=reason,
                data=data,
            )
        self.events = []
        self.tables.flush()

    def day(self, span: Span, t: float) -> dt.date:
        """The day a fraction ``t`` into the phase (passed: of its actual length)."""
        length = (span.end - span.start).days if span.end else span.duration
        d = span.start + dt.timedelta(days=int(t * length))
        if span.end and d >= span.end:
            d = span.end - dt.timedelta(days=1)
        return d

    def happened(self, span: Span, d: dt.date) -> bool:
        return d <= self.today if span.end is None else d < span.end

    def record_fields(self, u: U, phase: str, d: dt.date, user) -> dict:
        at = _moment(d, 20, self.rnd.randint(0, 59), self.now)
        return {
            "participation_id": u.part_id,
            "phase": phase,
            "created_by_id": user[0],
            "updated_by_id": user[0],
            "created_at": at,
            "updated_at": at,
        }

    def group_staff(self, u: U) -> list[tuple[int, str]]:
        return self.staff.get(u.group_id) or [self.office]

    # --- documents ----------------------------------------------------------------------------

    def doc(
        self,
        u: U,
        span: Span,
        kind: str,
        start: dt.date,
        *,
        author: M | None = None,
        story: str = "approved",
        submitter=None,
        reviewer=None,
    ) -> str | None:
        """A document's history: versions and review rounds as the story goes, cut at today.
        Returns the status it ends in (None: not yet written)."""
        if not self.happened(span, start):
            return None
        if span.end is not None:
            # A passed phase's documents were approved before it ended: late ones went through
            # in one round, and nothing starts in the last days.
            start = min(start, span.end - dt.timedelta(days=4))
            if story not in ("note", "rejected") and (span.end - start).days < 18:
                story = "approved"
        spec = self.kinds[kind]
        submitter = submitter or u.liaison
        reviewer = reviewer or (
            u.secretaries.get(author.branch_id, u.liaison) if author else self.group_staff(u)[-1]
        )
        person = author.name if author else ""
        title = texts.title(kind, unit=u.name, person=person, phase=self.phase_names[span.code])
        text = texts.document_text(self.rnd, kind, u.name, person)
        steps: list[tuple[str, str]] = []  # ("submit", text) / (decision, reason)
        reasons = texts.RETURN_REASONS.get(kind) or texts.RETURN_REASONS["phase_summary"]
        if story == "note":
            steps = [("submit", text)]
        elif story == "rejected":
            steps = [("submit", text), ("rejected", self.rnd.choice(texts.REJECT_REASONS))]
        else:
            steps.append(("submit", text))
            returns = {"approved": 0, "returned": 1, "returned_twice": 2}[story]
            for _ in range(returns):
                reason = self.rnd.choice(reasons)
                steps.append(("returned", reason))
                text = texts.revised(self.rnd, text, reason)
                steps.append(("submit", text))
            steps.append(("approved", ""))
        doc_id = self.document.next_id()
        label = title
        d = start
        status, version, last_submit, created, updated = None, 0, None, None, None
        last_text = text
        versions: list[tuple[int, int]] = []  # (version id, number)
        rounds = 0
        comment = None  # (id, version id) of an open anchored comment
        comment_rows = []
        checklist = self.checklists.get(spec.get("checklist") or "", {}).get("items", [])
        for action, value in steps:
            if not self.happened(span, d):
                break
            hour = 20 if author else 10
            at = _moment(d, hour, self.rnd.randint(0, 59), self.now)
            if action == "submit":
                last_text = value
                number = len(versions) + 1
                vid = self.version.add(
                    document_id=doc_id,
                    number=number,
                    text=value,
                    char_count=len(value),
                    submitted_by_id=submitter[0],
                    submitted_at=at,
                )
                versions.append((vid, number))
                status, last_submit = "submitted", at
                created = created or at
                version += 1
                self.doc_event(
                    author,
                    span,
                    kind,
                    at,
                    submitter,
                    "document.submit",
                    doc_id,
                    label,
                    u,
                    data={"kind": kind, "version": number, "chars": len(value), "file": ""},
                )
                if comment is not None:
                    # The reviewer checks the open comment on the new version at the decision.
                    comment_rows[-1]["check_on"] = vid
                d += dt.timedelta(days=self.rnd.randint(1, 3 if span.end else 4))
            else:
                rounds += 1
                scores = {}
                if action == "approved":
                    scores = {i["code"]: self.rnd.choice([2, 2, 2, 1]) for i in checklist}
                vid, number = versions[-1]
                self.round.add(
                    document_id=doc_id,
                    version_id=vid,
                    number=rounds,
                    reviewer_id=reviewer[0],
                    decision=action,
                    reason=value,
                    checklist=scores,
                    decided_at=at,
                )
                if comment_rows and comment_rows[-1].get("check_on") == vid:
                    row = comment_rows[-1]
                    self.check.add(
                        comment_id=row["id"],
                        version_id=vid,
                        addressed=True,
                        note="已按意见修改",
                        checked_by_id=reviewer[0],
                        checked_at=at,
                    )
                    row["status"], row["addressed_in_id"] = "addressed", vid
                    comment = None
                if action == "returned" and not author:
                    source = last_text
                    lines = source.split("\n")
                    quote = lines[1][:16] if len(lines) > 1 else lines[0][:16]
                    begin = source.find(quote)
                    cid = self.comment.next_id()
                    comment_rows.append(
                        {
                            "id": cid,
                            "document_id": doc_id,
                            "version_id": vid,
                            "quote": quote,
                            "start": begin,
                            "end": begin + len(quote),
                            "body": value,
                            "author_id": reviewer[0],
                            "created_at": at,
                            "status": "open",
                            "addressed_in_id": None,
                        }
                    )
                    comment = cid
                status = action
                version += 1
                self.doc_event(
                    author,
                    span,
                    kind,
                    at,
                    reviewer,
                    f"document.{action}",
                    doc_id,
                    label,
                    u,
                    reason=value,
                    data={"round": rounds, "version": number, "checklist": scores},
                )
                d += dt.timedelta(days=self.rnd.randint(1, 2 if span.end else 3))
            updated = at
        if status is None:
            return None
        for row in comment_rows:
            row.pop("check_on", None)
            self.comment.add(**row)
        self.document.add(
            id=doc_id,
            campaign_id=self.c.pk,
            participation_id=u.part_id,
            kind=kind,
            phase=span.code,
            author_id=author.id if author else None,
            title=title,
            status=status,
            version=version,
            last_submitted_at=last_submit,
            created_by_id=submitter[0],
            created_at=created,
            updated_at=updated,
        )
        self.stats[f"doc:{status}"] += 1
        if status == "approved" and spec.get("publicity") and not author:
            self.milestones(u, span, doc_id, label, spec, d)
        return status

    def milestones(self, u: U, span: Span, doc_id: int, label: str, spec: dict, d: dt.date):
        """Publicity for a week, then endorsement (seed 001), as far as they have happened."""
        pub_end = d + dt.timedelta(days=6)
        if not self.happened(span, d):
            return
        self.milestone.add(
            document_id=doc_id,
            kind="publicity",
            scope=spec["publicity"]["scope"],
            started_on=d,
            ended_on=pub_end if self.happened(span, pub_end) else None,
            note="在单位公示栏和内部网公示，未收到不同意见。",
            recorded_by_id=u.liaison[0],
            recorded_at=_moment(d, 17, 0, self.now),
        )
        self.event(_moment(d, 17, 0, self.now), u.liaison, "document.publicity",
                   "reviews.document", doc_id, label, u,
                   data={"scope": spec["publicity"]["scope"], "start": d.isoformat()})  # fmt: skip
        end_day = pub_end + dt.timedelta(days=1)
        if spec.get("endorsement") and self.happened(span, end_day):
            self.milestone.add(
                document_id=doc_id,
                kind="endorsement",
                scope=spec["endorsement"]["by"],
                started_on=end_day,
                ended_on=end_day,
                note="经上级党组织同意。",
                recorded_by_id=u.liaison[0],
                recorded_at=_moment(end_day, 17, 0, self.now),
            )
            self.event(_moment(end_day, 17, 0, self.now), u.liaison, "document.endorsement",
                       "reviews.document", doc_id, label, u,
                       data={"scope": spec["endorsement"]["by"], "start": end_day.isoformat()})  # fmt: skip

    def doc_story(self, span: Span, *, member: bool) -> str:
        r = self.rnd.random()
        if member:
            return "approved" if r < 0.82 else ("returned" if r < 0.97 else "returned_twice")
        return "approved" if r < 0.6 else ("returned" if r < 0.9 else "returned_twice")

    # --- records ------------------------------------------------------------------------------

    def meeting_row(self, u: U, span: Span, kind: str, d: dt.date, *, title=None, speaker=None,
                    role="", attendees=0, group=False, branches=(), note="") -> int | None:  # fmt: skip
        if not self.happened(span, d):
            return None
        mid = self.meeting.add(
            **self.record_fields(u, span.code, d, u.liaison),
            kind=kind,
            date=d,
            title=title or texts.MEETING_TITLES.get(kind, kind),
            speaker=speaker.name if speaker else "",
            speaker_role=role,
            speaker_person_id=speaker.id if speaker else None,
            attendees=attendees,
            attended_by_group=group,
            note=note,
        )
        for b in branches:
            self.meeting_branches.add(meeting_id=mid, organisation_id=b)
        self.stats[f"meeting:{kind}"] += 1
        return mid

    def study(self, u: U, span: Span, short: bool) -> None:
        rnd = self.rnd
        head = u.head
        self.doc(
            u,
            span,
            "implementation_plan",
            self.day(span, 0.0),
            story=self.doc_story(span, member=False),
        )
        self.doc(u, span, "mobilisation_speech", self.day(span, 0.01), story="approved")
        self.meeting_row(u, span, "mobilisation", self.day(span, 0.04), speaker=head,
                         role=SpeakerRole.UNIT_HEAD, attendees=len(u.members), group=True)  # fmt: skip
        # Seed 001: ≥45 hours each, ≥3 days concentrated, ≥1 day central group, others ≥2 h.
        weekend = rnd.random() < 0.85
        plan = [
            ("concentrated", 0.10, Decimal(7), False, 0),
            ("concentrated", 0.10, Decimal(7), False, 1),
            ("concentrated", 0.10, Decimal(7), False, 2),
            ("central_group", 0.16, Decimal(6), True, 0),
            ("party_lecture", 0.25, Decimal(3), False, 0),
            ("report_meeting", 0.32, Decimal(3), False, 0),
            ("video", 0.42, Decimal("2.5"), False, 0),
            ("discussion", 0.52, Decimal(3), False, 0),
            ("exchange", 0.66, Decimal("2.5"), False, 0),
            ("self_study", 0.78, Decimal(14), False, 0),
        ]
        counted = u.counted()
        # Who misses what: in a passed phase at most one short session (still ≥45 h); in a
        # short unit of the current phase, a few members miss a concentrated day.
        missing: dict[int, set[int]] = defaultdict(set)
        for m in counted:
            if rnd.random() < 0.15:
                missing[m.id].add(rnd.choice([6, 8]))
        if short and span.end is None:
            for m in rnd.sample(counted, min(len(counted), rnd.randint(1, 3))):
                missing[m.id].add(rnd.randint(0, 2))
        for i, (kind, t, hours, leaders_only, offset) in enumerate(plan):
            d = self.day(span, t) + dt.timedelta(days=offset)
            if kind == "concentrated" and weekend:
                d = self.day(span, t) + dt.timedelta(days=(5 - self.day(span, t).weekday()) % 7)
                d += dt.timedelta(days=offset if offset < 2 else 7)
            if not self.happened(span, d):
                continue
            start, end = (
                (dt.time(8, 30), dt.time(17, 30))
                if hours >= 6
                else (dt.time(19, 0), dt.time(21, 30))
            )
            if kind == "self_study":
                start = end = None
            speaker, role = "", ""
            if kind == "party_lecture":
                speaker, role = head.name, SpeakerRole.UNIT_HEAD
            elif kind == "report_meeting":
                speaker, role = rnd.choice(texts.SPEAKERS["report_meeting"]), SpeakerRole.EXPERT
            elif kind == "central_group":
                speaker, role = head.name, SpeakerRole.UNIT_HEAD
            sid = self.session.add(
                **self.record_fields(u, span.code, d, u.liaison),
                kind=kind,
                date=d,
                start_time=start,
                end_time=end,
                hours=hours,
                topic=rnd.choice(texts.SESSION_TOPICS[kind]),
                speaker=speaker,
                speaker_role=role,
                off_hours=is_off_hours(d, start, end),
                branch_id=None,
                note="",
            )
            self.stats["session"] += 1
            if not leaders_only:
                absent = {m for m, missed in missing.items() if i in missed}
                self.rosters.attend(sid, u.unit_id, u.part_id, span.code, kind, hours,
                                    absent | u.away | u.frail)  # fmt: skip
                continue
            for m in u.leaders:
                if m.id in u.away or m.id in u.frail or i in missing.get(m.id, ()):
                    continue
                self.attendance.add_row(
                    self.attendance.next_id(), sid, m.id, u.part_id, span.code, kind, hours
                )
        # Exemptions (seed 001: members away and the frail retired are excused).
        first = self.day(span, 0.05)
        if self.happened(span, first):
            self.exempt(u, span, first, ["study_hours", "study_notes", "knowledge_test"])
        # Study notes (reviewed by nobody in 2005: submitted counts).
        for m in u.counted():
            d = self.day(span, rnd.uniform(0.35, 0.8))
            self.doc(u, span, "study_note", d, author=m, story="note")
        self.doc(
            u, span, "two_specifics", self.day(span, 0.8), story=self.doc_story(span, member=False)
        )
        d = self.day(span, 0.88)
        if self.happened(span, d):
            tid = self.test.add(
                **self.record_fields(u, span.code, d, u.liaison),
                date=d,
                title="党的先进性基本知识检测",
                full_score=100,
                pass_score=60,
            )
            for m in u.members:
                if m.id in u.away:
                    self.result.add_row(
                        self.result.next_id(),
                        tid,
                        m.id,
                        None,
                        rnd.choice(texts.ABSENCE_REASONS[:1]),
                    )
                else:
                    score = Decimal(min(100, max(62, round(rnd.gauss(87, 7)))))
                    self.result.add_row(self.result.next_id(), tid, m.id, score, "")

    def exempt(self, u: U, span: Span, d: dt.date, requirements: list[str], away=True) -> None:
        at = _moment(d, 16, 0, self.now)
        checker = self.group_staff(u)[0]
        gone = sorted(u.away) if away else []
        for pid, reason, text in [(p, "away", "外出务工，已由流入地党组织安排学习") for p in gone] + [
            (p, "retired", "年老体弱，不能参加集中学习") for p in sorted(u.frail)
        ]:  # fmt: skip
            for req in requirements:
                if reason == "retired" and req == "knowledge_test":
                    continue  # the template lets only members away skip the test
                self.exemption.add(
                    participation_id=u.part_id,
                    phase=span.code,
                    person_id=pid,
                    requirement=req,
                    reason=reason,
                    explanation=text,
                    created_by_id=u.liaison[0],
                    created_at=at,
                    # Nobody certifies himself (issue 10): the group checked and confirmed it.
                    status="confirmed",
                    decided_by_id=checker[0],
                    decided_at=at + dt.timedelta(days=1)
                    if at + dt.timedelta(days=1) <= self.now
                    else at,
                    decision_reason="经核实，情况属实。",
                )
                self.stats["exemption"] += 1

    def opinions(self, u: U, span: Span) -> None:
        """征求意见 (dudao.opinions): a few opinions from the forum and the box, sorted into the
        template's categories by their keywords and fed back collectively once the phase is a
        third through (a unit that just began has not yet). Own random stream: the rest of the demo draws
        the same numbers as before."""
        if not self.op_categories:
            return
        rnd = random.Random(u.part_id * 7919 + 2005)
        given = self.day(span, 0.06)
        if not self.happened(span, given):
            return
        fed_on = self.day(span, 0.3)
        fed = self.happened(span, fed_on)
        feedback_id = None
        if fed:
            feedback_id = self.op_feedback.add(
                participation_id=u.part_id,
                kind="collective",
                form="meeting",
                fed_back_on=fed_on,
                text="班子会议逐条研究，向全体党员通报",
                created_by_id=u.liaison[0],
                created_at=_moment(fed_on, 17, rnd.randint(0, 59), self.now),
            )
        for n, text in enumerate(rnd.sample(texts.OPINIONS, rnd.randint(3, 6))):
            codes = [x.code for x in opinion_similarity.suggest(text, self.op_categories, [])[:2]]
            box = n == 0
            keys = opinion_similarity.band_keys(text)
            classified_col = self.opinion.names.index("classified")
            oid = self.opinion.add(
                campaign_id=self.c.pk,
                participation_id=u.part_id,
                channel="box" if box else rnd.choice(["forum", "talk", "questionnaire", "hotline"]),
                giver_kind="anonymous"
                if box
                else rnd.choice(["deputy", "public_rep", "service", "cadre"]),
                given_on=given,
                target_kind=rnd.choice(["team", "team", "organisation"]),
                text=text,
                origin="box" if box else "entered",
                created_by_id=None if box else u.liaison[0],
                classified=bool(codes) and (fed or rnd.random() < 0.5),
                feedback_id=feedback_id,
                outcome="adopted" if fed else "",
                bands=opinion_similarity.pack(keys),
            )
            if codes and (fed or rnd.random() < 0.5):
                for code in codes:
                    self.op_mark.add(opinion_id=oid, code=code)
            if self.opinion.rows[-1][classified_col]:
                # Only classified opinions are in the suggestion index (opinions.models).
                for key in keys:
                    self.op_band.add(opinion_id=oid, campaign_id=self.c.pk, key=key)
            self.stats["opinion"] += 1

    def analysis(self, u: U, span: Span, short: bool) -> None:
        rnd = self.rnd
        guests = rnd.randint(12, 40)
        self.meeting_row(u, span, "forum", self.day(span, 0.05), attendees=guests, group=True,
                         note="参加人员：" + "、".join(rnd.sample(texts.FORUM_GUESTS, 2)) + "，收集意见建议 "
                         + str(rnd.randint(8, 40)) + " 条。")  # fmt: skip
        if rnd.random() < 0.5:
            self.meeting_row(u, span, "forum", self.day(span, 0.12), attendees=rnd.randint(10, 25),
                             title="服务对象座谈会")  # fmt: skip
        self.opinions(u, span)
        leaders = u.leaders
        d = self.day(span, 0.2)
        for rnd_no in (1, 2):
            for other in leaders[1:]:
                d = self.day(span, 0.15 + 0.1 * rnd_no + rnd.uniform(0, 0.05))
                if not self.happened(span, d):
                    continue
                tid = self.talk.add(
                    **self.record_fields(u, span.code, d, u.liaison),
                    round_number=rnd_no,
                    date=d,
                    form="one_to_one",
                    initiator_id=u.head.id,
                    summary=rnd.choice(texts.TALK_POINTS),
                )
                self.talk_people.add(talk_id=tid, person_id=other.id)
        d = self.day(span, 0.35)
        if self.happened(span, d):
            for m in leaders:
                for text in rnd.sample(texts.PROBLEMS, rnd.randint(2, 4)):
                    self.problem.add(**self.record_fields(u, span.code, d, u.liaison), person_id=m.id,
                                     source="self", text=text)  # fmt: skip
            for text in rnd.sample(texts.OPINION_PROBLEMS, 2):
                self.problem.add(**self.record_fields(u, span.code, d, u.liaison), person_id=None,
                                 source="opinion", text=text)  # fmt: skip
            text = rnd.choice(texts.GROUP_PROBLEMS)
            self.problem.add(**self.record_fields(u, span.code, d, u.liaison), person_id=None,
                             source="group", text=text)  # fmt: skip
        first = self.day(span, 0.05)
        if self.happened(span, first):
            # Members away send their self-analysis in writing; the frail retired are excused.
            self.exempt(u, span, first, ["self_analysis_docs"], away=False)
        counted = u.counted(away=True)
        skip = set()
        if short and span.end is None:
            skip = {m.id for m in rnd.sample(counted, min(len(counted), rnd.randint(1, 2)))}
        for m in counted:
            if m.id in skip:
                continue
            d = self.day(span, rnd.uniform(0.3, 0.55))
            if rnd.random() < 0.01:
                # Seed 003: copied from the internet — rejected, written again.
                self.doc(u, span, "self_analysis", d, author=m, story="rejected")
                d += dt.timedelta(days=5)
            self.doc(u, span, "self_analysis", d, author=m, story=self.doc_story(span, member=True))
        self.doc(
            u, span, "unit_analysis", self.day(span, 0.6), story=self.doc_story(span, member=False)
        )
        # Special organisational-life meetings per branch (small branches merge, seed 001).
        size = Counter(m.branch_id for m in u.members)
        groups, cur = [], []
        for b in u.branches:
            cur.append(b)
            if sum(size[x] for x in cur) >= 8 or len(cur) == 3:
                groups.append(cur)
                cur = []
        if cur:
            groups.append(cur)
        for g in groups:
            self.meeting_row(u, span, "special_org_life", self.day(span, rnd.uniform(0.66, 0.74)),
                             attendees=sum(size[b] for b in g), branches=g)  # fmt: skip
        mid = self.meeting_row(u, span, "democratic_life", self.day(span, 0.76), speaker=u.head,
                               role=SpeakerRole.UNIT_HEAD, attendees=len(leaders), group=True)  # fmt: skip
        if mid is not None and len(leaders) > 1:
            d = self.day(span, 0.76)
            for critic in leaders:
                for target in rnd.sample(
                    [x for x in leaders if x.id != critic.id], min(2, len(leaders) - 1)
                ):
                    self.criticism.add(**self.record_fields(u, span.code, d, u.liaison), meeting_id=mid,
                                       critic_id=critic.id, target_id=target.id,
                                       text=rnd.choice(texts.CRITICISMS))  # fmt: skip
        # Satisfaction test on each member's self-analysis (paper, within the branch or team).
        d = self.day(span, 0.72)
        if self.happened(span, d) and self.happened(span, d + dt.timedelta(days=2)):
            by_branch = Counter(m.branch_id for m in u.members if m.category != "retired")
            for m in u.members:
                if m.category == "retired" or m.id in skip:
                    continue
                n = len(leaders) if m.leader else by_branch[m.branch_id]
                n = max(6, min(n, 40))
                if rnd.random() > 0.01:
                    self.paper_round(u, span, "self_analysis_test", d, n, rnd.uniform(0.8, 1.0),
                                     subject=m, audit=False)  # fmt: skip
                    continue
                # Seed 001: "满意度不高的…重新撰写党性分析材料", then tested again.
                first = self.paper_round(u, span, "self_analysis_test", d, n,
                                         rnd.uniform(0.4, 0.6), subject=m, audit=False)  # fmt: skip
                again = d + dt.timedelta(days=4)
                if self.happened(span, again + dt.timedelta(days=2)):
                    self.paper_round(u, span, "self_analysis_test", again, n, rnd.uniform(0.8, 1.0),
                                     subject=m, audit=False, number=2, previous=first)  # fmt: skip
            self.event(_moment(d, 9, 0, self.now), u.liaison, "survey.member_rounds.create",
                       "campaigns.participation", u.part_id, u.name, u,
                       data={"instrument": "self_analysis_test", "rounds": len(u.members)})  # fmt: skip
        failing = short and span.end is None and rnd.random() < 0.7
        self.unit_survey(u, span, "phase_effectiveness", self.day(span, 0.84), failing)

    def rectify(self, u: U, span: Span, short: bool) -> None:
        rnd = self.rnd
        first = self.day(span, 0.05)
        if self.happened(span, first):
            self.exempt(u, span, first, ["personal_plans"])
        skip = set()
        counted = u.counted()
        if short and span.end is None:
            skip = {m.id for m in rnd.sample(counted, min(len(counted), rnd.randint(1, 2)))}
        for m in counted:
            if m.id not in skip:
                d = self.day(span, rnd.uniform(0.1, 0.35))
                self.doc(u, span, "personal_rectification_plan", d, author=m,
                         story=self.doc_story(span, member=True))  # fmt: skip
        self.doc(u, span, "grassroots_rectification_plan", self.day(span, 0.2),
                 story=self.doc_story(span, member=False))  # fmt: skip
        for _ in range(rnd.randint(2, 5)):
            kind = rnd.choice(["service", "service", "good_deed", "practice"])
            d = self.day(span, rnd.uniform(0.3, 0.9))
            if self.happened(span, d):
                self.activity.add(**self.record_fields(u, span.code, d, u.liaison), kind=kind, date=d,
                                  description=rnd.choice(texts.ACTIVITY_TEXTS[kind]),
                                  count=rnd.randint(1, 6), person_id=None)  # fmt: skip
        self.meeting_row(u, span, "branch_meeting", self.day(span, 0.4), attendees=len(u.counted()),
                         title="支部党员大会：讨论通过党员个人整改方案", branches=u.branches)  # fmt: skip
        self.simple_session(u, span, "discussion", 0.45, 3, "专题讨论：对照整改方案抓落实")
        self.meeting_row(u, span, "pledge", self.day(span, 0.5), attendees=len(u.counted()),
                         speaker=u.head, role=SpeakerRole.UNIT_HEAD)  # fmt: skip
        self.rectification(u, span, short)
        failing = short and span.end is None and rnd.random() < 0.5
        self.unit_survey(u, span, "rectification_survey", self.day(span, 0.8), failing)

    # Days each class is given (the template's rectification section; the lights come from it).
    _RECT_DAYS = {"immediate": 7, "near_term": 30, "gradual": 180}

    def rectification(self, u: U, span: Span, short: bool) -> None:
        """The grassroots plan's items (立即 / 近期 / 逐步整改) and the regulations adopted: in a
        passed phase every immediate item was closed and a regulation adopted before it ended; in
        the current phase some items are still open and a few are past their deadline."""
        rnd = self.rnd
        made = self.day(span, 0.22)
        if not self.happened(span, made):
            return
        passed = span.end is not None
        today = self.now.date()
        at = _moment(made, 17, 0, self.now)
        # A unit that reached the look-back phase had closed its immediate and near-term items
        # by then; its gradual ones are still open and get a look-back entry (seed 001 回头看).
        consol = next((x for x in u.timeline.spans if x.code == "consolidate"), None)
        classes = ["immediate", "immediate", "near_term", "near_term", "gradual"]
        problems = rnd.sample(texts.PROBLEMS + texts.OPINION_PROBLEMS, k=rnd.randint(3, 6))
        for number, problem in enumerate(problems, start=1):
            rect_class = classes[(number - 1) % len(classes)]
            deadline = made + dt.timedelta(days=self._RECT_DAYS[rect_class])
            closed_on = None
            if rect_class == "immediate" and (passed or rnd.random() < 0.7):
                closed_on = made + dt.timedelta(days=rnd.randint(2, 6))
            elif (
                rect_class == "near_term"
                and deadline < today
                and rnd.random() < (0.9 if passed else 0.5)
            ):
                closed_on = deadline - dt.timedelta(days=rnd.randint(1, 10))
            if consol is not None and (
                rect_class != "gradual" or deadline < today + dt.timedelta(days=20)
            ):
                closed_on = closed_on or min(deadline, consol.start - dt.timedelta(days=1))
            if closed_on is not None and (closed_on > today or (passed and closed_on > span.end)):
                closed_on = min(today, span.end) if passed else today
            if closed_on is not None and closed_on <= made:
                closed_on = made
            item_id = self.rect_item.add(
                campaign_id=self.c.pk,
                participation_id=u.part_id,
                number=number,
                level="organisation",
                person_id=None,
                problem=problem,
                source_kind=rnd.choice(["self_found", "opinion", "group_found"]),
                source_id=None,
                rect_class=rect_class,
                measures="制定整改措施，明确责任人和完成时限，按期整改到位。",
                target="问题得到解决，群众满意。",
                expected_effect="",
                lead_name=u.head.name,
                lead_post="单位主要负责人",
                lead_person_id=u.head.id,
                owner_id=u.liaison[0] or None,
                co_owners="",
                deadline=deadline,
                original_deadline=deadline,
                status="closed" if closed_on else "open",
                closed_on=closed_on,
                explanation="",
                carried_over=False,
                created_by_id=u.liaison[0] or None,
                created_at=at,
                updated_at=at,
                version=1,
            )
            self.stats["rectification_item"] += 1
            looked = consol.start + dt.timedelta(days=3) if consol is not None else None
            if closed_on is None and looked is not None and looked <= today:
                self.look_back.add(
                    item_id=item_id,
                    outcome="extended",
                    note="属于逐步整改事项，已制定分步计划，正按时限推进。",
                    decided_by_id=self.group_staff(u)[0][0],
                    decided_at=_moment(looked, 10, 0, self.now),
                )
        adopted = self.day(span, 0.6)
        if self.happened(span, adopted) or passed:
            adopted = min(adopted, today)
            for title in rnd.sample(texts.REGULATIONS, k=rnd.randint(1, 3)):
                self.regulation.add(
                    participation_id=u.part_id,
                    title=title,
                    kind="长效机制",
                    adopted_on=adopted,
                    adopted_by=u.name,
                    check_status="unchecked",
                    check_note="",
                    checked_by_id=None,
                    checked_at=None,
                    created_by_id=u.liaison[0] or None,
                    created_at=_moment(adopted, 18, 0, self.now),
                )
                self.stats["regulation"] += 1

    def simple_session(self, u: U, span: Span, kind: str, t: float, hours, topic: str) -> None:
        """A unit-wide session every serving member attends (later phases study too)."""
        d = self.day(span, t)
        if not self.happened(span, d):
            return
        start, end = dt.time(19, 0), dt.time(21, 0) if hours <= 2 else dt.time(22, 0)
        sid = self.session.add(
            **self.record_fields(u, span.code, d, u.liaison),
            kind=kind,
            date=d,
            start_time=start,
            end_time=end,
            hours=Decimal(hours),
            topic=topic,
            off_hours=is_off_hours(d, start, end),
        )
        self.stats["session"] += 1
        absent = {
            m.id
            for m in u.members
            if m.id not in u.away and m.id not in u.frail and self.rnd.random() >= 0.95
        }
        self.rosters.attend(sid, u.unit_id, u.part_id, span.code, kind, Decimal(hours),
                            absent | u.away | u.frail)  # fmt: skip

    def consolidate(self, u: U, span: Span, short: bool) -> None:
        rnd = self.rnd
        self.meeting_row(u, span, "forum", self.day(span, 0.1), attendees=rnd.randint(12, 30),
                         title="“回头看”征求意见座谈会", group=True,
                         note="逐项听取群众对整改事项落实情况的意见。")  # fmt: skip
        self.simple_session(
            u, span, "discussion", 0.2, 3, "专题讨论：巩固扩大整改成果，建立长效机制"
        )
        self.meeting_row(u, span, "branch_meeting", self.day(span, 0.3), attendees=len(u.counted()),
                         title="支部党员大会：通报整改事项落实情况", branches=u.branches[:1])  # fmt: skip
        for _ in range(rnd.randint(1, 3)):
            d = self.day(span, rnd.uniform(0.2, 0.8))
            if self.happened(span, d):
                self.activity.add(**self.record_fields(u, span.code, d, u.liaison), kind="service",
                                  date=d, description=rnd.choice(texts.ACTIVITY_TEXTS["service"]),
                                  count=rnd.randint(1, 4), person_id=None)  # fmt: skip
        failing = short and span.end is None and self.rnd.random() < 0.5
        self.unit_survey(u, span, "mass_satisfaction", self.day(span, 0.55), failing)
        if self.look_back_doc in self.kinds:
            story = self.doc_story(span, member=False)
            self.doc(u, span, self.look_back_doc, self.day(span, 0.4), story=story)
        self.doc(
            u, span, "final_summary", self.day(span, 0.8), story=self.doc_story(span, member=False)
        )

    # --- surveys ------------------------------------------------------------------------------

    def counts_for(self, inst: dict, n: int, share: float) -> dict[str, dict[str, int]]:
        """Counts per question where ``share`` of ``n`` ballots are "good" (satisfied, or not
        一般化/走过场)."""
        rule = inst["rule"]
        out = {}
        for q in inst["questions"]:
            options = q["options"]
            if rule["kind"] == "satisfied_share_at_least":
                good = [o for o in options if o in (q.get("satisfied") or [])]
            else:
                good = [o for o in options if o not in rule.get("options", [])]
            bad = [o for o in options if o not in good]
            n_good = round(n * share)
            counts = dict.fromkeys(options, 0)
            # One draw per ballot, made in one call (a city draws tens of millions).
            picks = self.rnd.choices(good[:1] * 3 + good, k=n_good) if good else []
            picks += self.rnd.choices(bad, k=n - n_good) if bad else []
            for option, k in Counter(picks).items():
                counts[option] += k
            out[q["code"]] = counts
        return out

    def _tallies(self, rid: int, inst: dict, shards: int, counts=None) -> None:
        for q in inst["questions"]:
            for opt in q["options"]:
                per = [0] * shards
                k = (counts or {}).get(q["code"], {}).get(opt, 0)
                if k and shards > 1:
                    for shard in self.rnd.choices(range(shards), k=k):
                        per[shard] += 1
                elif k:
                    per[0] = k
                for s in range(shards):
                    self.tally.add_row(self.tally.next_id(), rid, q["code"], opt, s, per[s])

    def paper_round(self, u: U, span, code, d, n, share, *, subject=None, audit=True, number=1,
                    previous=None, entered=None, confirmed=None, audit_create=True) -> int:  # fmt: skip
        """A closed round answered on paper: counters at zero, the sheet entered by one clerk
        and confirmed by another (surveys.actions.confirm_paper_ballots)."""
        inst = self.instruments[code]
        opened = _moment(d, 9, 0, self.now)
        closed = _moment(d + dt.timedelta(days=2), 17, 0, self.now)
        entered = entered or u.liaison
        confirmed = confirmed or self.group_staff(u)[0]
        rid = self.survey.add(
            campaign_id=self.c.pk,
            participation_id=u.part_id,
            instrument=code,
            subject_person_id=subject.id if subject else None,
            round_number=number,
            previous_id=previous,
            status="closed",
            shards=1,
            expires_on=d + dt.timedelta(days=2),
            created_by_id=entered[0],
            created_at=opened,
            opened_at=opened,
            closed_at=closed,
        )
        self._tallies(rid, inst, 1)
        counts = self.counts_for(inst, n, share)
        void = self.rnd.choice([0, 0, 0, 1])
        issued = n + void + self.rnd.randint(0, 3)
        sid = self.sheet.add(
            round_id=rid,
            issued=issued,
            returned=n + void,
            void=void,
            valid=n,
            status="confirmed",
            entered_by_id=entered[0],
            entered_at=closed - dt.timedelta(hours=2),
            confirmed_by_id=confirmed[0],
            confirmed_at=closed - dt.timedelta(hours=1),
        )
        for q, per in counts.items():
            for opt, k in per.items():
                self.paper.add_row(self.paper.next_id(), sid, q, opt, k)
        self.stats[f"survey:{code}"] += 1
        if audit:
            label = f"{u.name} · {self.instruments[code]['name']} 第{number}轮"
            figures = {"issued": issued, "returned": n + void, "void": void, "valid": n}
            steps = [
                (opened, entered, "survey.round.create", {"instrument": code, "subject": None}),
                (opened, entered, "survey.round.open", {"expires_on": None}),
                (closed - dt.timedelta(hours=2), entered, "survey.paper.enter", figures),
                (closed - dt.timedelta(hours=1), confirmed, "survey.paper.confirm", figures),
                (closed, confirmed, "survey.round.close", {"answers": n}),
            ]
            for at, who, action, data in steps[0 if audit_create else 1 :]:
                self.event(at, who, action, "surveys.surveyround", rid, label, u, data=data)
        return rid

    def new_code(self) -> str:
        # One-time codes are the one thing not reproduced from the seed: a code derivable from
        # a published seed could be answered by anyone (surveys.codes).
        while True:
            code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
            if code not in self.codes_seen:
                self.codes_seen.add(code)
                return code

    def online_round(self, u: U, span, code, d, *, closed: bool, share: float) -> int:
        """A round answered with one-time codes; the mass survey is sampled by the group."""
        inst = self.instruments[code]
        staff = self.group_staff(u)
        opened = _moment(d, 9, 0, self.now)
        population = [m for m in u.members if m.category not in inst.get("exclude_categories", [])]
        size = min(len(population), max(10, len(population) // 2))
        extra = self.rnd.randint(10, 30)
        sample = []
        if inst.get("sampling"):
            seed = f"{u.part_id}-{code}-{d.isoformat()}"
            sample = sorted(random.Random(seed).sample([m.id for m in population], size))
        issued = (len(sample) if sample else len(population)) + extra
        answered = (
            round(issued * self.rnd.uniform(0.7, 0.95))
            if closed
            else round(issued * self.rnd.uniform(0.2, 0.6))
        )
        closed_at = _moment(d + dt.timedelta(days=5), 17, 0, self.now) if closed else None
        rid = self.survey.add(
            campaign_id=self.c.pk,
            participation_id=u.part_id,
            instrument=code,
            round_number=1,
            status="closed" if closed else "open",
            shards=SHARDS_OPEN,
            expires_on=d + dt.timedelta(days=5),
            created_by_id=staff[0][0],
            created_at=opened,
            opened_at=opened,
            closed_at=closed_at,
            sample_seed=seed if sample else "",
            sample_drawn_by_id=staff[0][0] if sample else None,
            sample_drawn_at=opened if sample else None,
            population_size=len(population) if sample else None,
        )
        for pid in sample:
            self.sampled.add_row(self.sampled.next_id(), rid, pid)
        used = set(self.rnd.sample(range(issued), answered))
        for i in range(issued):
            self.code.add_row(self.code.next_id(), rid, self.new_code(), i in used, False)
        self._tallies(rid, inst, SHARDS_OPEN, self.counts_for(inst, answered, share))
        label = f"{u.name} · {self.instruments[code]['name']} 第1轮"
        self.event(opened, staff[0], "survey.round.create", "surveys.surveyround", rid, label, u,
                   data={"instrument": code, "subject": None})  # fmt: skip
        if sample:
            self.event(opened, staff[0], "survey.sample.draw", "surveys.surveyround", rid, label, u,
                       data={"seed": seed, "population": len(population), "size": size,
                             "extra_codes": extra})  # fmt: skip
        else:
            self.event(opened, staff[0], "survey.codes.issue", "surveys.surveyround", rid, label, u,
                       data={"count": issued, "total": issued})  # fmt: skip
        self.event(opened, staff[0], "survey.round.open", "surveys.surveyround", rid, label, u,
                   data={"expires_on": (d + dt.timedelta(days=5)).isoformat()})  # fmt: skip
        if closed:
            self.event(closed_at, staff[0], "survey.round.close", "surveys.surveyround", rid, label, u,
                       data={"answers": answered})  # fmt: skip
        self.stats[f"survey:{code}:{'closed' if closed else 'open'}"] += 1
        return rid

    def unit_survey(self, u: U, span: Span, code: str, d: dt.date, failing: bool) -> None:
        """Unit surveys: closed rounds of paper ballots, a round still under way online; a unit
        with a remedial history in this phase failed the first round and passed the second.
        The mass survey is sampled by the group and answered with one-time codes (seed 004)."""
        if not self.happened(span, d):
            return
        inst = self.instruments[code]
        good = self.rnd.uniform(0.78, 0.97)
        # A failing round: most found it 一般化/走过场 (more than half), or fewer than 2/3 satisfied.
        if inst["rule"]["kind"] == "remedial_when_share_above":
            bad = self.rnd.uniform(0.3, 0.45)
        else:
            bad = self.rnd.uniform(0.45, 0.62)
        done = d + dt.timedelta(days=5)
        under_way = span.end is None and not self.happened(span, done)
        if code == "mass_satisfaction":
            self.online_round(
                u, span, code, d, closed=not under_way, share=bad if failing else good
            )
            return
        if under_way and not (failing and self.happened(span, d + dt.timedelta(days=2))):
            self.online_round(u, span, code, d, closed=False, share=good)
            return
        staff = self.group_staff(u)
        entered = u.liaison if inst.get("run_by") == "unit" else staff[-1]
        minimum = int(inst.get("min_group_size", 10))
        n = max(minimum + 2, min(len(u.members) + self.rnd.randint(5, 20), 120))
        history = span.end is not None and span.story == "remedial"
        if not (history or failing) and code == "rectification_survey" and not self.exact_third:
            # Seed 004: "不到三分之二的，要进行补课" — exactly two-thirds passes; one unit shows it.
            self.exact_third = True
            n, good = max(12, n - n % 3), 2 / 3
        if not (history or failing):
            self.paper_round(u, span, code, d, n, good, entered=entered, confirmed=staff[0])
            return
        first = self.paper_round(u, span, code, d, n, bad, entered=entered, confirmed=staff[0])
        if not history:
            return
        d2 = min(d + dt.timedelta(days=10), span.end - dt.timedelta(days=4))
        resurvey = _moment(d2, 8, 30, self.now)
        second = self.paper_round(u, span, code, d2, n, good, number=2, previous=first,
                                  entered=entered, confirmed=staff[0], audit_create=False)  # fmt: skip
        self.event(resurvey, staff[0], "survey.round.resurvey", "surveys.surveyround", second,
                   f"{u.name} · {self.instruments[code]['name']} 第2轮", u, reason="补课后重新测评",
                   data={"previous_round": 1, "previous_status": "failed"})  # fmt: skip

    # --- transitions --------------------------------------------------------------------------

    def app(self, u: U, span: Span, attempt: int, submitted: dt.datetime, **fields) -> dict:
        nxt = self.next_phase.get(span.code)
        row = {
            "id": self.app_rows.next_id(),
            "campaign_id": self.c.pk,
            "participation_id": u.part_id,
            "from_phase": span.code,
            "to_phase": nxt or "",
            "ends_participation": nxt is None,
            "attempt": attempt,
            "summary": self.rnd.choice(texts.APPLY_SUMMARIES),
            "status": "submitted",
            "version": 1,
            "waiting_since": submitted,
            "submitted_by_id": u.liaison[0],
            "submitted_at": submitted,
            "_unit": u,
        }
        row.update(fields)
        self.apps.append(row)
        return row

    def transitions(self, u: U, span: Span, short: bool, f: float) -> dict | None:
        """The unit's applications in this phase; returns the approved one of a passed phase."""
        rnd = self.rnd
        staff = self.group_staff(u)
        leader = staff[0]
        label_of = lambda a: f"{u.name} 转段申请（第{a['attempt']}次）"  # noqa: E731
        if span.end is not None:
            end = _moment(span.end, 10, 0, self.now)
            attempt = 1
            order = None
            if span.story in ("remedial", "sent_back"):
                first_at = end - dt.timedelta(days=16 if span.story == "remedial" else 10, hours=1)
                a = self.app(u, span, 1, first_at)
                self.event(first_at, u.liaison, "transition.apply", "transitions.transitionapplication",
                           a["id"], label_of(a), u, data={"from": span.code})  # fmt: skip
                decided = first_at + dt.timedelta(days=2)
                if span.story == "remedial":
                    reason, work = texts.REMEDIAL_TEXTS[span.code]
                    a.update(status="remedial", version=2, group_decided_by_id=leader[0],
                             group_decided_at=decided, group_comment=reason, snapshot=None)  # fmt: skip
                    reqs = self.failing_codes.get(span.code, [])
                    order = {
                        "application_id": a["id"], "participation_id": u.part_id, "phase": span.code,
                        "requirement_codes": reqs,
                        "requirement_names": [self.req_names[span.code][c] for c in reqs],
                        "reason": reason, "work": work,
                        "deadline": (decided + dt.timedelta(days=14)).date(),
                        "ordered_by_id": leader[0], "ordered_at": decided,
                    }  # fmt: skip
                    self.orders.append(order)
                    self.event(decided, leader, "transition.remedial", "transitions.transitionapplication",
                               a["id"], label_of(a), u, reason=reason,
                               data={"requirements": reqs, "work": work})  # fmt: skip
                else:
                    a.update(status="sent_back", version=3, group_decided_by_id=leader[0],
                             group_decided_at=decided, group_comment="", snapshot=True,
                             office_decided_by_id=self.office[0],
                             office_decided_at=decided + dt.timedelta(days=2),
                             office_comment=rnd.choice(texts.SEND_BACK_REASONS))  # fmt: skip
                    self.event(decided, leader, "transition.forward", "transitions.transitionapplication",
                               a["id"], label_of(a), u)  # fmt: skip
                    self.event(decided + dt.timedelta(days=2), self.office, "transition.send_back",
                               "transitions.transitionapplication", a["id"], label_of(a), u,
                               reason=a["office_comment"])  # fmt: skip
                attempt = 2
            applied = end - dt.timedelta(days=6)
            forwarded = applied + dt.timedelta(days=rnd.randint(1, 3))
            a = self.app(u, span, attempt, applied, status="approved", version=3,
                         group_decided_by_id=leader[0], group_decided_at=forwarded,
                         group_comment=rnd.choice(texts.FORWARD_COMMENTS), snapshot=True,
                         office_decided_by_id=self.office[0], office_decided_at=end,
                         office_comment="同意转段。", waiting_since=forwarded)  # fmt: skip
            if order is not None:
                order.update(closed_at=applied, closed_by_application_id=a["id"])
            for at, who, action in [(applied, u.liaison, "transition.apply"),
                                    (forwarded, leader, "transition.forward"),
                                    (end, self.office, "transition.approve")]:  # fmt: skip
                self.event(at, who, action, "transitions.transitionapplication", a["id"],
                           label_of(a), u, data={"from": span.code, "to": a["to_phase"]})  # fmt: skip
            due = span.start + dt.timedelta(days=span.duration + span.extension)
            self.periods.append({
                "participation_id": u.part_id, "phase": span.code,
                "phase_name": self.phase_names[span.code], "order": self.orders_of[span.code],
                "started_on": span.start, "due_on": due, "ended_on": span.end,
                "application_id": a["id"],
            })  # fmt: skip
            if span.extension:
                self.extension_row(u, span, span.extension, "approved",
                                   _moment(self.day(span, 0.6), 11, 0, self.now))  # fmt: skip
            if a["to_phase"] == "":
                self.ends.append(
                    {"participation_id": u.part_id, "ended_on": span.end, "application_id": a["id"]}
                )
            else:
                a["_meeting_on"] = span.end + dt.timedelta(days=rnd.randint(1, 3))
            return a
        # The current phase.
        today = self.today
        due = span.start + dt.timedelta(days=span.duration)
        if today > due - dt.timedelta(days=5):
            # Seed 004 (进度服从质量): the group proposes more days for a unit near its due date.
            r = rnd.random()
            when = _moment(
                min(due - dt.timedelta(days=8), today - dt.timedelta(days=3)), 11, 0, self.now
            )
            if when.date() <= span.start:
                pass
            elif r < 0.4:
                self.extension_row(u, span, rnd.choice([10, 15, 20]), "approved", when)
            elif r < 0.75:
                self.extension_row(u, span, rnd.choice([10, 15]), "proposed", when)
            elif r < 0.85:
                self.extension_row(u, span, 10, "refused", when)
        if f < (0.8 if short else 0.9) or rnd.random() < 0.15:
            return
        waited = rnd.randint(0, 12)
        applied = _moment(today - dt.timedelta(days=waited), 10, 0, self.now)
        earliest = span.start + dt.timedelta(days=int(span.duration * 0.8))
        applied = max(applied, _moment(earliest, 10, 0, self.now))
        if applied.date() > today:
            return
        a = self.app(u, span, 1, applied, snapshot=True)
        # Decisions are taken in office hours, on a day before today.
        decided = applied + dt.timedelta(days=rnd.randint(1, 4), hours=rnd.randint(4, 6))
        if decided.date() >= today:
            decided = None if applied.date() >= today - dt.timedelta(days=1) else (
                _moment(today - dt.timedelta(days=1), 15, rnd.randint(0, 59), self.now))  # fmt: skip
        # Decided once the engine has judged the unit's records (decide_current).
        a["_decide"] = (rnd.random(), decided, leader, label_of(a))
        self.later(a, applied, u.liaison, "transition.apply", "transitions.transitionapplication",
                   a["id"], label_of(a), u, data={"from": span.code})  # fmt: skip

    def decide_current(self, a: dict, report) -> None:
        """What the group and office have done with an open application by today: a unit that
        meets every blocking requirement is forwarded (and perhaps sent back by the office);
        one that does not is ordered to do remedial work naming the failures, or still waits."""
        r, decided, leader, label = a.pop("_decide")
        if decided is None:
            return  # applied yesterday or today: the group has not looked yet
        u = a["_unit"]
        code = a["from_phase"]
        if not report.ready:
            if r >= 0.6:
                return
            reason, work = texts.REMEDIAL_TEXTS[code]
            a.update(status="remedial", version=2, group_decided_by_id=leader[0],
                     group_decided_at=decided, group_comment=reason)  # fmt: skip
            failures = report.blocking_failures
            self.orders.append({
                "application_id": a["id"], "participation_id": u.part_id, "phase": code,
                "requirement_codes": [x.code for x in failures],
                "requirement_names": [x.name for x in failures], "reason": reason, "work": work,
                "deadline": (decided + dt.timedelta(days=14)).date(), "ordered_by_id": leader[0],
                "ordered_at": decided,
            })  # fmt: skip
            self.later(a, decided, leader, "transition.remedial", "transitions.transitionapplication",
                       a["id"], label, u, reason=reason,
                       data={"requirements": [x.code for x in failures], "work": work})  # fmt: skip
            return
        if r < 0.3:
            return
        a.update(status="forwarded", version=2, group_decided_by_id=leader[0], group_decided_at=decided,
                 group_comment=self.rnd.choice(texts.FORWARD_COMMENTS), waiting_since=decided)  # fmt: skip
        self.later(a, decided, leader, "transition.forward", "transitions.transitionapplication",
                   a["id"], label, u)  # fmt: skip
        if r > 0.88:
            back = decided + dt.timedelta(days=2)
            if back.date() >= self.today:
                return
            a.update(status="sent_back", version=3, office_decided_by_id=self.office[0],
                     office_decided_at=back, office_comment=self.rnd.choice(texts.SEND_BACK_REASONS))  # fmt: skip
            self.later(a, back, self.office, "transition.send_back", "transitions.transitionapplication",
                       a["id"], label, u, reason=a["office_comment"])  # fmt: skip

    def extension_row(
        self, u: U, span: Span, days: int, status: str, proposed: dt.datetime
    ) -> None:
        proposer = self.group_staff(u)[0]
        decided = proposed + dt.timedelta(days=2) if status != "proposed" else None
        if decided and decided > self.now:
            decided = self.now - dt.timedelta(minutes=10)
        reason = self.rnd.choice(texts.EXTENSION_REASONS)
        refusal = texts.EXTENSION_REFUSALS[0] if status == "refused" else ""
        eid = self.extension.add(
            participation_id=u.part_id,
            phase=span.code,
            days=days,
            reason=reason,
            status=status,
            version=1 if status == "proposed" else 2,
            proposed_by_id=proposer[0],
            proposed_at=proposed,
            decided_by_id=self.office[0] if decided else None,
            decided_at=decided,
            decision_reason=refusal,
        )
        label = f"{u.name} 延长{days}天"
        self.event(proposed, proposer, "transition.extension_propose", "transitions.phaseextension",
                   eid, label, u, reason=reason, data={"phase": span.code, "days": days})  # fmt: skip
        if decided:
            action = (
                "transition.extension_approve"
                if status == "approved"
                else "transition.extension_refuse"
            )
            self.event(decided, self.office, action, "transitions.phaseextension", eid, label, u,
                       reason=refusal, data={"phase": span.code, "days": days})  # fmt: skip
        self.stats[f"extension:{status}"] += 1

    def summary_meeting(self, u: U, a: dict, span: Span, nxt: Span) -> None:
        """Seed 001/004: the unit holds the summary-and-mobilisation meeting in the new phase
        and records it on the approved application."""
        kind = self.meeting_kind.get(span.code)
        d = a.get("_meeting_on")
        if not kind or d is None or not self.happened(nxt, d):
            return
        mid = self.meeting_row(u, nxt, kind, d, speaker=u.head, role=SpeakerRole.UNIT_HEAD,
                               attendees=len(u.members), group=True,
                               title=f"{self.phase_names[span.code]}阶段小结和{self.phase_names[nxt.code]}阶段动员会")  # fmt: skip
        at = _moment(d, 18, 0, self.now)
        a.update(meeting_id=mid, meeting_recorded_by_id=u.liaison[0], meeting_recorded_at=at)
        self.event(at, u.liaison, "transition.meeting", "transitions.transitionapplication", a["id"],
                   f"{u.name} 转段申请（第{a['attempt']}次）", u,
                   data={"meeting": mid, "date": d.isoformat()})  # fmt: skip


PHASE_WORK = {
    "study": "study",
    "analysis": "analysis",
    "rectify": "rectify",
    "consolidate": "consolidate",
}
APP_PRIVATE = ("_unit", "_events", "_meeting_on", "snapshot")


def _accounts(units: list[U], codes: dict[int, str], password_hash: str) -> None:
    """One liaison per unit and one secretary per branch (the units submit and the branches
    review members' papers through them), where the demo has none yet."""
    User = get_user_model()
    liaisons = {
        ra.organisation_id: (ra.user_id, ra.user.get_full_name() or ra.user.username)
        for ra in RoleAssignment.objects.filter(role=Role.UNIT_LIAISON).select_related("user")
    }
    secretaries = {
        ra.organisation_id: (ra.user_id, ra.user.get_full_name() or ra.user.username)
        for ra in RoleAssignment.objects.filter(role=Role.BRANCH_SECRETARY).select_related("user")
    }
    new: list = []
    grants: list[tuple[str, str, int]] = []
    for u in units:
        short = codes[u.unit_id].removeprefix("DEMO-").lower()
        if u.unit_id not in liaisons:
            plain = [m for m in u.members if not m.leader and m.category == "serving"]
            who = (plain or u.members)[0]
            new.append(User(username=short, first_name=who.name, password=password_hash))
            grants.append((short, Role.UNIT_LIAISON, u.unit_id))
        first = {}
        for m in u.members:
            first.setdefault(m.branch_id, m)
        for n, b in enumerate(u.branches, start=1):
            if b not in secretaries:
                name = f"{short}-b{n:02d}"
                new.append(User(username=name, first_name=first[b].name, password=password_hash))
                grants.append((name, Role.BRANCH_SECRETARY, b))
    made = {}
    for i in range(0, len(new), 2000):
        for user in User.objects.bulk_create(new[i : i + 2000]):
            made[user.username] = (user.pk, user.first_name)
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user_id=made[n][0], role=r, organisation_id=o) for n, r, o in grants],
        batch_size=2000,
    )
    for n, r, o in grants:
        (liaisons if r == Role.UNIT_LIAISON else secretaries)[o] = made[n]
    for u in units:
        u.liaison = liaisons[u.unit_id]
        u.secretaries = {b: secretaries[b] for b in u.branches}


def seed_activity(*, campaign, timelines: dict[int, Timeline], seed_value: int, password_hash: str,
                  today: dt.date, out) -> dict:  # fmt: skip
    """Write what every unit has done by today (see the module docstring). Returns counts."""
    from dudao.campaigns.requirements import evaluate_campaign

    template = campaign.template.data
    rnd = random.Random(f"{seed_value}:activity")
    now = timezone.now()
    User = get_user_model()
    parts = list(
        Participation.objects.filter(campaign=campaign)
        .order_by("unit__code")
        .values_list("pk", "unit_id", "unit_name", "group_id", "unit__code")
    )
    unit_ids = Participation.objects.filter(campaign=campaign).values("unit_id")
    members: dict[int, list[M]] = defaultdict(list)
    for pid, name, unit_id, branch_id, category, lead in (
        Person.objects.filter(unit_id__in=unit_ids, is_party_member=True)
        .order_by("code")
        .values_list("pk", "name", "unit_id", "branch_id", "category", "is_leadership")
        .iterator(chunk_size=20000)
    ):
        members[unit_id].append(M(pid, name, branch_id, category, lead))
    units = []
    for pid, unit_id, name, group_id, _code in parts:
        ms = members.get(unit_id, [])
        if not ms:
            continue
        leaders = [m for m in ms if m.leader]
        ms = leaders[:1] + [m for m in ms if m is not (leaders[:1] or [None])[0]]
        u = U(pid, unit_id, name, "", group_id, ms, sorted({m.branch_id for m in ms}),
              timelines[unit_id])  # fmt: skip
        u.away = {m.id for m in ms if m.category == "away"}
        u.frail = {m.id for m in ms if m.category == "retired" and rnd.random() < 0.2}
        units.append(u)
    _accounts(units, {p[1]: p[4] for p in parts}, password_hash)
    out.write(f"  单位和支部账号已建立（{len(units)} 个单位）{clock.lap()}\n")
    clerk = User.objects.filter(username="clerk").first() or User.objects.get(username="admin")
    w = Writer(campaign=campaign, template=template, rnd=rnd, today=today, now=now,
               office=(clerk.pk, clerk.get_full_name() or clerk.username), out=out)  # fmt: skip
    staff = defaultdict(list)
    for ra in (
        RoleAssignment.objects.filter(group__campaign=campaign)
        .select_related("user")
        .order_by("group_id", "-role", "user__username")
    ):
        staff[ra.group_id].append((ra.user_id, ra.user.get_full_name() or ra.user.username))
    w.staff = dict(staff)
    # The secondary indexes of the tables written unit by unit are built once, after them.
    deferred = defer_indexes([t.model for t in w.tables.order] + [AuditEvent])
    for i, u in enumerate(units, start=1):
        short = rnd.random() < SHORT_SHARE
        spans = u.timeline.spans
        for k, span in enumerate(spans):
            current = span.end is None
            work = PHASE_WORK.get(span.code)
            if work:
                getattr(w, work)(u, span, short and current)
            f = (today - span.start).days / span.duration if current else 1.0
            approved = w.transitions(u, span, short and current, f)
            if approved is not None and k + 1 < len(spans):
                w.summary_meeting(u, approved, span, spans[k + 1])
        w.end_unit(u)
        if i % 1000 == 0 or i == len(units):
            out.write(f"  工作记录 {i}/{len(units)} 个单位{clock.lap()}\n")
            out.flush()
    w.tables.flush(force=True)
    w.rosters.write()
    w.audit.rows.flush()
    deferred.restore()
    # Statistics before the stages below read what was loaded (bulletins, the engine's reports).
    analyze([t.model for t in w.tables.order] + [AuditEvent, Participation, Person, RoleAssignment])
    out.write(f"  索引已建立，统计信息已更新{clock.lap()}\n")
    _MOMENTS.clear()

    # What the group and the office saw: the engine's report on each decided application.
    by_phase: dict[str, list[dict]] = defaultdict(list)
    for a in w.apps:
        if a.get("snapshot"):
            by_phase[a["from_phase"]].append(a)
    for phase, apps in by_phase.items():
        reports = evaluate_campaign(
            campaign, participation_ids=sorted({a["participation_id"] for a in apps}), phase=phase
        )
        for a in apps:
            report = reports[a["participation_id"]]
            if "_decide" in a:
                w.decide_current(a, report)
                if a["status"] == "submitted":
                    continue
            elif not report.ready:
                w.stats["passed_not_ready"] += 1
            if a["status"] != "remedial" or "_events" in a:
                # A remedial order of a passed phase was decided on records since completed.
                a["report_snapshot"] = report.as_snapshot()
                a["snapshot_taken_at"] = a.get("group_decided_at") or a.get("office_decided_at")
    out.write(f"  转段申请的要求核对报告已生成{clock.lap()}\n")
    for a in w.apps:
        w.app_rows.add(**{k: v for k, v in a.items() if k not in APP_PRIVATE})
        w.stats[f"application:{a['status']}"] += 1
    for order in w.orders:
        w.order_rows.add(**order)
    for period in w.periods:
        w.period_rows.add(**period)
    for end in w.ends:
        w.end_rows.add(**end)
    later = sorted((e for a in w.apps for e in a.get("_events", [])), key=lambda e: e[0])
    for at, actor, action, ttype, tid, label, u, reason, data in later:
        w.audit.add(
            at=at,
            actor_id=actor[0],
            actor_label=actor[1],
            action=action,
            target_type=ttype,
            target_id=tid,
            target_label=label,
            campaign_id=campaign.pk,
            organisation_id=u.unit_id,
            reason=reason,
            data=data,
        )
    w.tables.flush(force=True)
    w.audit.close()
    w.tables.reset_sequences()
    w.stats.update(seed_reports(campaign=campaign, office=clerk, today=today, out=out))
    stats = dict(w.stats)
    stats["audit_events"] = w.audit.count
    for t in w.tables.order:
        stats[f"rows:{t.model._meta.label_lower}"] = t.total
    stats.update(seed_supervision(campaign=campaign, seed_value=seed_value, today=today, out=out))
    return stats


def written_tables() -> list:
    """Tables the activity writes (for ANALYZE after the load)."""
    return [StudySession, Attendance, Meeting, KnowledgeTest, TestResult, Exemption, Document,
            DocumentVersion, ReviewRound, SurveyRound, Tally, PaperCount, SurveyCode,
            TransitionApplication, PhasePeriod, RemedialOrder, PhaseExtension, Item, Regulation,
            LookBackEntry]  # fmt: skip
