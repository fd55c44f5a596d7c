"""Study sessions and attendance (seed 001 学习动员; seed 003 tally)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dudao.core.errors import AccessDenied, DomainError
from dudao.core.models import AuditEvent
from dudao.records import actions
from dudao.records.kinds import is_off_hours
from dudao.records.models import Attendance, StudySession

from .conftest import MONDAY, SATURDAY

pytestmark = pytest.mark.django_db


def _session(cast, pa, **kw):
    fields = dict(
        actor=cast.user("liaison"),
        participation=pa,
        kind="concentrated",
        date=SATURDAY,
        hours=4,
        topic="学习党章",
        attendance=[cast.people["head"].pk, cast.people["member"].pk],
    )
    fields.update(kw)
    return actions.record_session(**fields)


def test_it_records_a_session_with_attendance_in_the_current_phase(cast, pa):
    s = _session(cast, pa, hours_by_person={cast.people["member"].pk: "1.5"})
    assert s.phase == "study" and s.off_hours  # a Saturday
    rows = {a.person_id: a for a in Attendance.objects.filter(session=s)}
    assert rows[cast.people["head"].pk].hours == Decimal("4.0")
    assert rows[cast.people["member"].pk].hours == Decimal("1.5")
    assert {(a.phase, a.kind, a.participation_id) for a in rows.values()} == {
        ("study", "concentrated", pa.pk)
    }
    event = AuditEvent.objects.get(action="records.session.create")
    assert event.organisation_id == cast.unit_a.pk and event.data["attendance"] == 2


def test_it_refuses_a_member_of_another_unit_by_name(cast, pa):
    with pytest.raises(DomainError) as exc:
        _session(cast, pa, attendance=[cast.people["head"].pk, cast.people["b_member"].pk])
    assert "周敏" in exc.value.message
    assert not StudySession.objects.exists()


def test_it_refuses_more_hours_for_a_member_than_the_session_has(cast, pa):
    with pytest.raises(DomainError) as exc:
        _session(cast, pa, hours_by_person={cast.people["member"].pk: 5})
    assert "陈𠮷" in exc.value.message


def test_it_refuses_a_kind_the_template_does_not_name(cast, pa):
    with pytest.raises(DomainError, match="学习形式"):
        _session(cast, pa, kind="karaoke")


def test_it_refuses_a_later_phase_and_a_phase_the_unit_has_left(cast, pa):
    with pytest.raises(DomainError, match="尚未开始"):
        _session(cast, pa, phase="analysis")
    pa.current_phase = "analysis"
    pa.save()
    with pytest.raises(DomainError, match="转段已经批准"):
        _session(cast, pa, phase="study")
    assert _session(cast, pa, topic="另一场").phase == "analysis"


@pytest.mark.parametrize(
    "date, start, end, off",
    [
        (SATURDAY, None, None, True),
        (MONDAY, None, None, False),
        (MONDAY, dt.time(19, 0), dt.time(21, 0), True),
        (MONDAY, dt.time(18, 0), dt.time(20, 0), True),
        (MONDAY, dt.time(6, 30), dt.time(8, 30), True),
        (MONDAY, dt.time(17, 0), dt.time(19, 0), False),
        (MONDAY, dt.time(9, 0), dt.time(11, 0), False),
    ],
)
def test_it_marks_sessions_outside_working_hours(date, start, end, off):
    assert is_off_hours(date, start, end) is off


def test_it_keeps_attendance_in_step_when_a_session_changes(cast, pa):
    s = _session(cast, pa, hours_by_person={cast.people["member"].pk: "3.5"})
    s = actions.edit_session(
        actor=cast.user("unit_head"),
        session=s,
        expected_version=s.version,
        kind="discussion",
        date=MONDAY,
        start_time=dt.time(19, 0),
        end_time=dt.time(22, 0),
        hours=3,
        topic="学习党章（讨论）",
    )
    assert s.version == 2 and s.off_hours and s.updated_by == cast.user("unit_head")
    rows = {a.person_id: a for a in Attendance.objects.filter(session=s)}
    assert {a.kind for a in rows.values()} == {"discussion"}
    assert rows[cast.people["head"].pk].hours == Decimal("3")  # followed the session
    assert rows[cast.people["member"].pk].hours == Decimal("3")  # clamped from 3.5


def test_it_sets_attendance_and_setting_it_again_changes_nothing(cast, pa):
    s = _session(cast, pa)
    ids = [cast.people["liaison"].pk, cast.people["secretary"].pk]
    s = actions.set_attendance(actor=cast.user("liaison"), session=s, person_ids=ids)
    assert set(Attendance.objects.filter(session=s).values_list("person_id", flat=True)) == set(ids)
    events = AuditEvent.objects.count()
    again = actions.set_attendance(actor=cast.user("liaison"), session=s, person_ids=ids)
    assert again.version == s.version and AuditEvent.objects.count() == events


def test_it_deletes_a_session_only_with_a_reason_and_keeps_it_in_the_audit(cast, pa):
    s = _session(cast, pa)
    with pytest.raises(DomainError, match="理由"):
        actions.delete_session(actor=cast.user("liaison"), session=s, reason="  ")
    actions.delete_session(actor=cast.user("liaison"), session=s, reason="重复录入")
    assert not StudySession.objects.exists() and not Attendance.objects.exists()
    event = AuditEvent.objects.get(action="records.session.delete")
    assert event.reason == "重复录入" and len(event.data["attendance"]) == 2


def test_the_supervision_group_and_others_cannot_write(cast, pa):
    for role in ["group_leader", "group_member", "office", "leading", "member", "outsider"]:
        with pytest.raises(AccessDenied):
            _session(cast, pa, actor=cast.user(role))
    with pytest.raises(AccessDenied, match="指导不包办"):
        _session(cast, pa, actor=cast.user("group_leader"))


def test_a_branch_secretary_records_sessions_of_his_branch_only(cast, pa):
    with pytest.raises(AccessDenied):
        _session(cast, pa, actor=cast.user("secretary"))  # unit-wide: not his
    with pytest.raises(DomainError, match="陈𠮷"):
        _session(cast, pa, actor=cast.user("secretary"), branch=cast.branch_a1)  # member is A2
    s = _session(
        cast,
        pa,
        actor=cast.user("secretary"),
        branch=cast.branch_a1,
        attendance=[cast.people["head"].pk, cast.people["secretary"].pk],
    )
    assert s.branch == cast.branch_a1
    with pytest.raises(AccessDenied):
        _session(cast, pa, actor=cast.user("secretary"), branch=cast.branch_a2, attendance=[])
