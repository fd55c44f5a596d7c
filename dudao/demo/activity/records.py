"""The study phase's records: meetings, sessions with attendance, notes, tests, exemptions, and
the opinions collected."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from dudao.opinions import similarity as opinion_similarity
from dudao.records.kinds import is_off_hours
from dudao.records.models import (
    SpeakerRole,
)

from .. import texts
from .units import (
    Span,
    U,
    _moment,
)


class RecordsMixin:
    """Meetings, study, exemptions and opinions."""

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
