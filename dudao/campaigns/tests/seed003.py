"""Seed 003's unit, as its party secretary tallied the study-and-mobilisation phase.

"局共组织学习12场次共392人次参加，组织专题讨论2场和心得交流会1场，观看电教片三场次、先进事迹
报告会2场次；辅导课3场；举行了…党日活动…党员撰写学习心得24篇…全支部29名党员，除1名外出党员
没能及时参加测试外，其余28名党员均参加了测试活动。" It also says the bureau has 3 retired and
3 away members, and that non-party staff take part ("非党员同志也是机关的一员"): 392 attendances
over 12 sessions is more than 29 members can make, so 5 non-party staff are on the roster.

The 12 sessions are the ones listed (2 + 1 + 3 + 2 + 3 + the party day), 4 hours each. Everyone
attends everything (48 hours) except: the away member 孙外出 came to 2 sessions, the other two
away members to 9 each (16 missed: 34 × 12 − 16 = 392); 钱不足 was credited 0.5 hours for one
session (44.5 hours) and 李刚好 1 hour (45.0 hours).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from dudao.campaigns import actions as campaign_actions
from dudao.campaigns.models import Participation
from dudao.orgs import actions as org_actions
from dudao.orgs.models import Organisation, OrgKind, Person
from dudao.records.models import Attendance, KnowledgeTest, StudySession, TestResult
from dudao.testing import Cast

SESSIONS = [
    ("discussion", "如何发挥党员的先锋模范作用"),
    ("discussion", "在本职岗位上如何体现先进性"),
    ("exchange", "学习心得交流会"),
    ("video", "电教片：牛玉儒"),
    ("video", "电教片：任长霞"),
    ("video", "电教片：优秀共产党员风采"),
    ("report_meeting", "省、市优秀共产党员先进事迹报告会"),
    ("report_meeting", "国内外形势报告会传达"),
    ("party_lecture", "明确责任，增强信心，发挥党员先锋模范作用"),
    ("party_lecture", "党章辅导"),
    ("party_lecture", "“三个代表”重要思想辅导"),
    ("concentrated", "重温誓言，牢记宗旨"),
]


@dataclass
class Seed003:
    participation: Participation
    unit: Organisation
    branch: Organisation
    members: list[Person]  # the 29 party members
    staff: list[Person]  # 5 non-party staff
    away_untested: Person
    short_member: Person  # 44.5 hours
    exact_member: Person  # 45.0 hours
    sessions: list[StudySession]
    test: KnowledgeTest


def build_seed003(cast: Cast) -> Seed003:
    actor = cast.user("admin")
    unit = org_actions.create_organisation(
        actor=actor,
        code="S003",
        name="某区劳动和社会保障局",
        kind=OrgKind.UNIT,
        parent=cast.district,
    )
    branch = org_actions.create_organisation(
        actor=actor, code="S003-B1", name="劳动保障局支部", kind=OrgKind.BRANCH, parent=unit
    )
    members: list[Person] = []

    def person(code, name, **fields):
        p = org_actions.create_person(
            actor=actor, code=code, name=name, branch=branch, audit=False, **fields
        )
        return p

    members.append(person("S3-00", "林书记", is_leadership=True, position="局长、支部书记"))
    short_member = person("S3-01", "钱不足")
    exact_member = person("S3-02", "李刚好")
    members += [short_member, exact_member]
    for i in range(3, 23):
        members.append(person(f"S3-{i:02}", f"党员{i:02}"))
    for i in range(3):
        members.append(person(f"S3-R{i}", f"退休党员{i}", category="retired"))
    away_untested = person("S3-A0", "孙外出", category="away")
    members += [away_untested, person("S3-A1", "周外出", category="away")]
    members.append(person("S3-A2", "吴外出", category="away"))
    assert len(members) == 29
    staff = [person(f"S3-N{i}", f"职工{i}", is_party_member=False) for i in range(5)]

    campaign = cast.campaign
    participation = campaign_actions.enrol_unit(
        actor=actor,
        campaign=campaign,
        batch=campaign.batches.get(number=1),
        unit=unit,
        group=cast.group1,
    )
    phase = participation.current_phase
    start = dt.date(2005, 1, 29)  # a Saturday: concentrated study outside working hours
    sessions = []
    for i, (kind, topic) in enumerate(SESSIONS):
        sessions.append(
            StudySession.objects.create(
                participation=participation,
                phase=phase,
                kind=kind,
                date=start + dt.timedelta(days=7 * (i // 2) + i % 2),
                hours=Decimal("4"),
                topic=topic,
                speaker="林书记" if kind == "party_lecture" and i == 8 else "",
                speaker_role="unit_head" if kind == "party_lecture" and i == 8 else "",
                off_hours=True,
            )
        )
    rows = []
    attendance_of = {away_untested.pk: 2, members[-2].pk: 9, members[-1].pk: 9}
    for p in members + staff:
        for s in sessions[: attendance_of.get(p.pk, 12)]:
            hours = Decimal("4")
            if s is sessions[0] and p.pk == short_member.pk:
                hours = Decimal("0.5")
            if s is sessions[0] and p.pk == exact_member.pk:
                hours = Decimal("1")
            rows.append(
                Attendance(
                    session=s,
                    person=p,
                    participation=participation,
                    phase=phase,
                    kind=s.kind,
                    hours=hours,
                )
            )
    Attendance.objects.bulk_create(rows)
    test = KnowledgeTest.objects.create(
        participation=participation,
        phase=phase,
        date=dt.date(2005, 3, 5),
        title="先进性教育百题测试",
    )
    TestResult.objects.bulk_create(
        [
            TestResult(test=test, person=p, score=Decimal("90"))
            for p in members
            if p != away_untested
        ]
        + [TestResult(test=test, person=away_untested, absence_reason="外出务工，未能及时参加")]
    )
    return Seed003(
        participation=participation,
        unit=unit,
        branch=branch,
        members=members,
        staff=staff,
        away_untested=away_untested,
        short_member=short_member,
        exact_member=exact_member,
        sessions=sessions,
        test=test,
    )
