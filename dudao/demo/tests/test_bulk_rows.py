"""``bulk.Rows``: what it writes reads back through the ORM as the values given (dates, times,
decimals, moments and JSON on SQLite and PostgreSQL), defaults fill what is not given, and a
row missing a value without a default is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from dudao.campaigns.models import Participation
from dudao.demo import bulk
from dudao.records.models import Attendance, StudySession
from dudao.testing import build_cast


@pytest.mark.django_db
def test_rows_read_back_as_written():
    cast = build_cast()
    part = Participation.objects.get(campaign=cast.campaign, unit=cast.unit_a)
    at = timezone.make_aware(dt.datetime(2005, 3, 1, 23, 30))  # 15:30 UTC
    sessions = bulk.Rows(StudySession)
    sid = sessions.add(
        participation_id=part.pk,
        phase="study",
        kind="video",
        date=dt.date(2005, 3, 1),
        start_time=dt.time(19, 0),
        end_time=dt.time(21, 30),
        hours=Decimal("2.5"),
        topic="观看电教片",
        off_hours=True,
        created_at=at,
        updated_at=at,
    )
    attendance = bulk.Rows(
        Attendance, ["id", "session", "person", "participation", "phase", "kind", "hours"]
    )
    person = cast.people["member"]
    attendance.add_row(attendance.next_id(), sid, person.pk, part.pk, "study", "video",
                       Decimal("2.5"))  # fmt: skip
    sessions.flush()
    attendance.flush()
    s = StudySession.objects.get(pk=sid)
    assert (s.date, s.start_time, s.end_time, s.hours) == (
        dt.date(2005, 3, 1), dt.time(19, 0), dt.time(21, 30), Decimal("2.5"),
    )  # fmt: skip
    assert s.created_at == at and s.note == "" and s.branch_id is None
    a = Attendance.objects.get(session_id=sid)
    assert (a.person_id, a.hours) == (person.pk, Decimal("2.5"))
    assert sessions.total == attendance.total == 1


@pytest.mark.django_db
def test_a_row_without_a_needed_value_is_refused():
    rows = bulk.Rows(StudySession)
    with pytest.raises(ValueError, match=r"StudySession\.\w+ needs a value"):
        rows.add(phase="study", kind="video", topic="x")
    assert rows.rows == []
