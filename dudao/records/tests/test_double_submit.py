"""A form submitted twice (double tap, back and resubmit) makes one record."""

from __future__ import annotations

import pytest

from dudao.records import actions
from dudao.records.models import Activity, Attendance, KnowledgeTest, Meeting, StudySession

from .conftest import MONDAY

pytestmark = pytest.mark.django_db


def test_the_same_token_makes_one_session_through_the_action(cast, pa):
    kw = dict(
        actor=cast.user("liaison"),
        participation=pa,
        kind="discussion",
        date=MONDAY,
        hours=2,
        topic="专题讨论",
        attendance=[cast.people["head"].pk],
        token="t-1",
    )
    first = actions.record_session(**kw)
    second = actions.record_session(**kw)
    assert first.pk == second.pk
    assert StudySession.objects.count() == 1 and Attendance.objects.count() == 1


def test_posting_the_same_new_session_form_twice_records_it_once(client, cast, pa):
    client.force_login(cast.user("liaison"))
    page = client.get(f"/records/{pa.pk}/sessions/new/").content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    assert len(token) >= 32
    data = {
        "phase": "study",
        "kind": "concentrated",
        "date": "2005-01-29",
        "hours": "4",
        "topic": "学习党章",
        "token": token,
        "present": [cast.people["head"].pk, cast.people["member"].pk],
        "save": "1",
    }
    for _ in range(2):
        response = client.post(f"/records/{pa.pk}/sessions/new/", data)
        assert response.status_code == 302
    assert StudySession.objects.count() == 1 and Attendance.objects.count() == 2


def test_each_create_form_submitted_twice_makes_one_record(client, cast, pa):
    client.force_login(cast.user("liaison"))
    cases = [
        (
            "meetings",
            {"kind": "forum", "date": "2005-01-31", "title": "座谈会", "attendees": "12"},
            Meeting,
        ),
        (
            "tests",
            {"date": "2005-01-31", "title": "百题测试", "full_score": "100", "pass_score": "60"},
            KnowledgeTest,
        ),
        (
            "activities",
            {"kind": "good_deed", "date": "2005-01-31", "description": "扶贫", "count": "1"},
            Activity,
        ),
    ]
    for section, data, model in cases:
        data = {**data, "phase": "study", "token": f"tok-{section}"}
        for _ in range(2):
            response = client.post(f"/records/{pa.pk}/{section}/new/", data)
            assert response.status_code == 302, response.content.decode()[:2000]
        assert model.objects.count() == 1, section
