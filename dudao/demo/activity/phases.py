"""The later phases' work: analysis (talks, problems, self-analyses, criticism, member tests),
rectification (plans, items, regulations, look-back) and consolidation."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

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


class PhasesMixin:
    """The analysis, rectification and consolidation phases."""

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
