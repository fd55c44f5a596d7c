"""Meetings, knowledge tests, activities, talks, problems and criticisms."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dudao.core.errors import AccessDenied, DomainError
from dudao.core.models import AuditEvent
from dudao.records import actions, models

from .conftest import MONDAY, SATURDAY

pytestmark = pytest.mark.django_db


def test_it_records_and_edits_a_meeting_with_its_speaker(cast, pa):
    head = cast.people["head"]
    m = actions.record_meeting(
        actor=cast.user("liaison"),
        participation=pa,
        kind="mobilisation",
        date=SATURDAY,
        title="先进性教育活动动员大会",
        speaker_role="unit_head",
        speaker_person=head,
        attendees=29,
        attended_by_group=True,
    )
    assert m.speaker == "王建国" and m.phase == "study"
    m = actions.edit_meeting(
        actor=cast.user("unit_head"),
        meeting=m,
        expected_version=1,
        kind="mobilisation",
        date=SATURDAY,
        title="动员大会",
        speaker_role="unit_head",
        speaker_person=head,
        attendees=28,
        branches=[cast.branch_a1],
    )
    assert m.version == 2 and m.attendees == 28 and list(m.branches.all()) == [cast.branch_a1]
    assert AuditEvent.objects.filter(action="records.meeting.edit").count() == 1


def test_a_meeting_may_be_a_session_kind_like_the_unit_heads_party_lecture(cast, pa):
    m = actions.record_meeting(
        actor=cast.user("liaison"),
        participation=pa,
        kind="party_lecture",
        date=SATURDAY,
        title="党课",
        speaker_role="unit_head",
    )
    assert m.kind == "party_lecture"
    with pytest.raises(DomainError, match="会议类型"):
        actions.record_meeting(
            actor=cast.user("liaison"), participation=pa, kind="banquet", date=SATURDAY, title="x"
        )


def test_it_refuses_a_speaker_from_another_unit(cast, pa):
    with pytest.raises(DomainError, match="周敏"):
        actions.record_meeting(
            actor=cast.user("liaison"),
            participation=pa,
            kind="mobilisation",
            date=SATURDAY,
            title="动员大会",
            speaker_person=cast.people["b_member"],
        )


def test_it_enters_a_score_or_an_absence_per_member(cast, pa):
    test = actions.record_test(
        actor=cast.user("liaison"), participation=pa, date=MONDAY, title="百题测试"
    )
    test = actions.enter_test_results(
        actor=cast.user("liaison"),
        test=test,
        results=[
            (cast.people["head"].pk, "95", ""),
            (cast.people["member"].pk, 88.5, ""),
            (cast.people["away"].pk, None, "外出务工"),
        ],
    )
    assert test.version == 2
    results = {r.person_id: r for r in models.TestResult.objects.all()}
    assert results[cast.people["member"].pk].score == Decimal("88.5")
    assert results[cast.people["away"].pk].absence_reason == "外出务工"
    # Both, or a score above full marks: refused with the member's name, nothing saved.
    with pytest.raises(DomainError) as exc:
        actions.enter_test_results(
            actor=cast.user("liaison"),
            test=test,
            results=[(cast.people["retired"].pk, 70, "生病"), (cast.people["liaison"].pk, 101, "")],
        )
    assert "赵德才" in exc.value.message and "李晓梅" in exc.value.message
    assert models.TestResult.objects.count() == 3
    # Neither clears the entry.
    actions.enter_test_results(
        actor=cast.user("liaison"), test=test, results=[(cast.people["away"].pk, "", "")]
    )
    assert models.TestResult.objects.count() == 2
    with pytest.raises(DomainError, match="吴外"):
        actions.enter_test_results(
            actor=cast.user("liaison"), test=test, results=[(cast.people["d_member"].pk, 90, "")]
        )


def test_it_counts_good_deeds(cast, pa):
    a = actions.record_activity(
        actor=cast.user("liaison"),
        participation=pa,
        kind="good_deed",
        date=MONDAY,
        description="帮助困难户修缮房屋",
        count=3,
        person=cast.people["member"],
    )
    assert a.count == 3 and a.phase == "study"
    with pytest.raises(DomainError, match="件数"):
        actions.record_activity(
            actor=cast.user("liaison"),
            participation=pa,
            kind="good_deed",
            date=MONDAY,
            description="x",
            count=0,
        )


def test_it_records_talks_problems_and_criticisms(cast, pa):
    head, member, liaison = cast.people["head"], cast.people["member"], cast.people["liaison"]
    pa.current_phase = "analysis"
    pa.save()
    talk = actions.record_talk(
        actor=cast.user("liaison"),
        participation=pa,
        round_number=1,
        date=MONDAY,
        form="one_to_many",
        initiator=head,
        participants=[member, liaison],
        summary="交流思想",
    )
    assert talk.participants.count() == 2 and talk.phase == "analysis"
    with pytest.raises(DomainError, match="一对一"):
        actions.record_talk(
            actor=cast.user("liaison"),
            participation=pa,
            round_number=1,
            date=MONDAY,
            form="one_to_one",
            initiator=head,
            participants=[member, liaison],
        )
    problem = actions.record_problem(
        actor=cast.user("liaison"), participation=pa, text="学习不够深入", person=head
    )
    assert problem.source == "self"
    criticism = actions.record_criticism(
        actor=cast.user("liaison"),
        participation=pa,
        critic=member,
        target=head,
        text="深入基层不够",
    )
    assert criticism.phase == "analysis"
    with pytest.raises(DomainError, match="同一人"):
        actions.record_criticism(
            actor=cast.user("liaison"), participation=pa, critic=head, target=head, text="x"
        )
    with pytest.raises(DomainError, match="周敏"):
        actions.record_criticism(
            actor=cast.user("liaison"),
            participation=pa,
            critic=head,
            target=cast.people["b_member"],
            text="x",
        )


def test_a_secretary_writes_meetings_of_his_branch_but_not_tests(cast, pa):
    m = actions.record_meeting(
        actor=cast.user("secretary"),
        participation=pa,
        kind="special_org_life",
        date=MONDAY,
        title="第一支部专题组织生活会",
        branches=[cast.branch_a1],
    )
    assert models.Meeting.objects.get(pk=m.pk)
    with pytest.raises(AccessDenied):
        actions.record_test(actor=cast.user("secretary"), participation=pa, date=MONDAY, title="t")
    with pytest.raises(AccessDenied):
        actions.record_meeting(
            actor=cast.user("secretary"),
            participation=pa,
            kind="special_org_life",
            date=MONDAY,
            title="第二支部",
            branches=[cast.branch_a2],
        )
