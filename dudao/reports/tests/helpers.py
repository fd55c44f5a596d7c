"""Hand-counted fixtures: a few records of every category in units A (group 1), B and C
(group 2). The expected figures are written out in ``EXPECTED`` by hand, not computed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from dudao.campaigns.models import Participation

D = dt.date(2005, 2, 1)


def part(cast, unit):
    return Participation.objects.select_related("campaign__template").get(
        campaign=cast.campaign, unit=unit
    )


def seed_records(cast):
    from dudao.records.models import (
        Activity,
        Attendance,
        Criticism,
        KnowledgeTest,
        Meeting,
        ProblemFound,
        StudySession,
        Talk,
        TestResult,
    )
    from dudao.rectification.models import Item, Regulation, SpecialAction
    from dudao.reviews.models import Document
    from dudao.transitions.models import RemedialOrder, TransitionApplication

    a, b, c = (part(cast, u) for u in (cast.unit_a, cast.unit_b, cast.unit_c))
    p = cast.people
    admin = cast.user("admin")

    def session(pp, kind, day=D, hours="2", role="", phase="study"):
        return StudySession.objects.create(
            participation=pp,
            phase=phase,
            kind=kind,
            date=day,
            hours=Decimal(hours),
            topic=f"{kind}学习",
            speaker_role=role,
        )

    # A: 3 sessions (1 lecture by the unit head, 1 discussion, 1 concentrated in analysis)
    lecture_a = session(a, "party_lecture", role="unit_head")
    disc_a = session(a, "discussion")
    session(a, "concentrated", day=dt.date(2005, 3, 10), hours="3", phase="analysis")
    # B: 2 sessions (a lecture by a branch secretary, a video)
    session(b, "party_lecture", role="branch_secretary")
    session(b, "video", day=dt.date(2005, 2, 8))
    # C: nothing of study.
    for person, sess, hours in (
        (p["head"], lecture_a, "2"),
        (p["member"], lecture_a, "2"),
        (p["liaison"], lecture_a, "1.5"),
        (p["head"], disc_a, "2"),
    ):
        Attendance.objects.create(
            session=sess,
            person=person,
            participation=a,
            phase="study",
            kind=sess.kind,
            hours=Decimal(hours),
        )
    # Meetings: A a forum and a mobilisation meeting; B two forums; C one forum (analysis).
    Meeting.objects.create(
        participation=a, phase="study", kind="forum", date=D, title="征求意见座谈会"
    )
    Meeting.objects.create(
        participation=a, phase="study", kind="mobilisation", date=D, title="动员大会"
    )
    for _ in range(2):
        Meeting.objects.create(participation=b, phase="study", kind="forum", date=D, title="座谈会")
    Meeting.objects.create(
        participation=c, phase="analysis", kind="forum", date=dt.date(2005, 3, 2), title="座谈会"
    )
    # Study notes: A 2 (one approved), B 1.
    for pp, status in ((a, "approved"), (a, "submitted"), (b, "approved")):
        Document.objects.create(
            campaign=cast.campaign,
            participation=pp,
            kind="study_note",
            phase="study",
            status=status,
            created_by=admin,
            last_submitted_at=timezone.now(),
        )
    # Good deeds: A 2 records counting 3 + 2; B a practice activity (not a good deed).
    Activity.objects.create(
        participation=a, phase="study", kind="good_deed", date=D, description="扶贫", count=3
    )
    Activity.objects.create(
        participation=a, phase="study", kind="good_deed", date=D, description="助学", count=2
    )
    Activity.objects.create(
        participation=b, phase="study", kind="practice", date=D, description="义诊"
    )
    # Test: A one test, 2 took it, 1 absent.
    test = KnowledgeTest.objects.create(
        participation=a, phase="study", date=D, title="基本知识检测"
    )
    TestResult.objects.create(test=test, person=p["head"], score=90)
    TestResult.objects.create(test=test, person=p["member"], score=75)
    TestResult.objects.create(test=test, person=p["away"], absence_reason="外出务工")
    # Problems: A 3 (2 self-found), B 1 self-found.
    for pp, source in ((a, "self"), (a, "self"), (a, "opinion"), (b, "self")):
        ProblemFound.objects.create(participation=pp, phase="analysis", source=source, text="问题")
    # Criticisms: A 2.
    for _ in range(2):
        Criticism.objects.create(
            participation=a, phase="analysis", critic=p["head"], target=p["liaison"], text="批评"
        )
    # Talks: A rounds 1, 1, 2.
    for rnd in (1, 1, 2):
        Talk.objects.create(
            participation=a,
            phase="analysis",
            round_number=rnd,
            date=D,
            form="one_to_one",
            initiator=p["head"],
        )
    # Rectification: A 2 immediate (one overdue), B 1 gradual.
    for pp, number, cls, deadline in (
        (a, 1, "immediate", dt.date(2000, 1, 1)),
        (a, 2, "immediate", dt.date(2999, 1, 1)),
        (b, 1, "gradual", dt.date(2999, 1, 1)),
    ):
        Item.objects.create(
            campaign=cast.campaign,
            participation=pp,
            number=number,
            level="organisation",
            problem="问题",
            rect_class=cls,
            measures="措施",
            deadline=deadline,
            original_deadline=deadline,
        )
    Regulation.objects.create(
        participation=b, title="首问负责制", adopted_on=D, adopted_by="教育局党委", created_by=admin
    )
    SpecialAction.objects.create(
        participation=c, kind="practice", title="为民办实事", held_on=D, created_by=admin
    )
    # Transitions: A approved once; B ordered remedial work once.
    now = timezone.now()
    TransitionApplication.objects.create(
        campaign=cast.campaign,
        participation=a,
        from_phase="study",
        to_phase="analysis",
        summary="小结",
        status="approved",
        waiting_since=now,
        submitted_at=now,
        office_decided_at=now,
    )
    app_b = TransitionApplication.objects.create(
        campaign=cast.campaign,
        participation=b,
        from_phase="study",
        to_phase="analysis",
        summary="小结",
        status="remedial",
        waiting_since=now,
        submitted_at=now,
        group_comment="学习不扎实",
    )
    RemedialOrder.objects.create(
        application=app_b,
        participation=b,
        phase="study",
        reason="学习不扎实",
        work="补学",
        deadline=dt.date(2005, 3, 1),
        ordered_at=now,
    )
    return {"a": a, "b": b, "c": c}


# figure code (2005 template) -> (A, B, C): counted by hand from seed_records above.
EXPECTED = {
    "study_sessions": (3, 2, 0),
    "attendances": (4, 0, 0),
    "study_person_hours": (Decimal("7.5"), 0, 0),
    "discussions": (1, 0, 0),
    "videos": (0, 1, 0),
    "party_lectures": (1, 1, 0),  # unit heads and branch secretaries, in the 2005 template
    "study_notes": (2, 1, 0),
    "good_deeds": (5, 0, 0),
    "test_takers": (2, 0, 0),
    "forums": (1, 2, 1),
    "problems_found": (3, 1, 0),
    "items_immediate": (2, 0, 0),
    "items_gradual": (0, 1, 0),
    "regulations": (0, 1, 0),
    "special_actions": (0, 0, 1),
    "remedial_orders": (0, 1, 0),
    "transitions_approved": (1, 0, 0),
    "surveys_run": (0, 0, 0),
}


def seed_opinions_visits_interviews(cast, parts):
    """Opinions, the groups' visits and 约谈, counted by hand in ``EXPECTED_MORE``."""
    from dudao.opinions.models import Feedback, Opinion
    from dudao.supervision.models import Interview, Visit

    a, b, c = parts["a"], parts["b"], parts["c"]
    admin = cast.user("admin")
    fb_a = Feedback.objects.create(
        participation=a, kind="collective", form="meeting", fed_back_on=D, created_by=admin
    )

    def opinion(pp, *, classified=False, feedback=None, hidden=False, channel="forum"):
        return Opinion.objects.create(
            campaign=cast.campaign,
            participation=pp,
            channel=channel,
            giver_kind="public_rep",
            given_on=D,
            target_kind="team",
            text="意见",
            origin="entered",
            classified=classified,
            feedback=feedback,
            hidden=hidden,
            hidden_reason="辱骂" if hidden else "",
        )

    # A: 4 opinions (3 classified, 2 of them fed back) and 1 hidden (not counted at all).
    opinion(a, classified=True, feedback=fb_a)
    opinion(a, classified=True, feedback=fb_a, channel="box")
    opinion(a, classified=True)
    opinion(a)
    opinion(a, classified=True, feedback=fb_a, hidden=True)
    # B: 1 opinion, not classified. C: none.
    opinion(b, channel="letter")
    # Visits: A a forum (12 people) and a talk (1 person); C one look at the records.
    for pp, group, kind, people in (
        (a, cast.group1, "forum", 12),
        (a, cast.group1, "talk", 1),
        (c, cast.group2, "records", 0),
    ):
        Visit.objects.create(
            campaign=cast.campaign,
            participation=pp,
            group=group,
            kind=kind,
            happened_on=D,
            people_count=people,
            client_token=f"{pp.pk}-{kind}",
            author=admin,
        )
    # 约谈: B's head twice.
    for n in range(2):
        Interview.objects.create(
            campaign=cast.campaign,
            participation=b,
            group=cast.group2,
            interviewee="单位主要负责人",
            held_on=D,
            reason="学习不扎实",
            said="要求补课",
            follow_up_on=dt.date(2005, 3, n + 1),
            created_by=admin,
        )


# The figures above, per unit (A, B, C), by hand.
EXPECTED_MORE = {
    "opinions_collected": (4, 1, 0),
    "opinions_fed_back": (2, 0, 0),
    "talks": (3, 0, 0),
    "visits": (2, 0, 1),
    "interviews": (0, 2, 0),
    "archives_complete": (0, 0, 0),  # the 2005 checklist asks far more than these records
}
