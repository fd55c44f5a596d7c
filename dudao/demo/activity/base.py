"""The writer's state (the tables, the audit chain, the template's names) and its helpers:
events in time order, days inside a phase, the fields every record shares."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from dudao.opinions.models import Feedback as OpinionFeedback
from dudao.opinions.models import Opinion, OpinionBand, OpinionCategoryMark
from dudao.orgs.models import Person
from dudao.records.models import (
    Activity,
    Attendance,
    Criticism,
    Exemption,
    KnowledgeTest,
    Meeting,
    ProblemFound,
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

from ..bulk import AuditChain, Rosters, Tables
from .units import (
    Span,
    U,
    _moment,
)


class WriterBase:
    """The state the areas write into (tables, audit chain, names from the template) and the
    helpers they share."""

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
