"""An edit that started from an older version is refused, naming who changed the record."""

from __future__ import annotations

import pytest

from dudao.core.errors import ConflictError
from dudao.records import actions

from .conftest import MONDAY, SATURDAY

pytestmark = pytest.mark.django_db


def _edit(cast, s, role, version, topic):
    return actions.edit_session(
        actor=cast.user(role),
        session=s,
        expected_version=version,
        kind=s.kind,
        date=s.date,
        hours=s.hours,
        topic=topic,
    )


def test_it_refuses_a_stale_session_edit_and_names_who_changed_it(cast, pa):
    s = actions.record_session(
        actor=cast.user("liaison"),
        participation=pa,
        kind="concentrated",
        date=SATURDAY,
        hours=4,
        topic="学习党章",
    )
    _edit(cast, s, "unit_head", 1, "学习党章（一）")
    with pytest.raises(ConflictError) as exc:
        _edit(cast, s, "liaison", 1, "学习党章（二）")
    assert "王建国" in exc.value.message and "重新载入" in exc.value.message
    s.refresh_from_db()
    assert s.topic == "学习党章（一）" and s.version == 2
    with pytest.raises(ConflictError):
        actions.set_attendance(
            actor=cast.user("liaison"), session=s, person_ids=[], expected_version=1
        )


def test_it_refuses_stale_meeting_and_score_edits(cast, pa):
    m = actions.record_meeting(
        actor=cast.user("liaison"), participation=pa, kind="forum", date=MONDAY, title="座谈会"
    )
    fields = dict(kind="forum", date=MONDAY, title="座谈会（改）")
    actions.edit_meeting(actor=cast.user("unit_head"), meeting=m, expected_version=1, **fields)
    with pytest.raises(ConflictError, match="王建国"):
        actions.edit_meeting(actor=cast.user("liaison"), meeting=m, expected_version=1, **fields)
    t = actions.record_test(actor=cast.user("liaison"), participation=pa, date=MONDAY, title="测试")
    actions.enter_test_results(
        actor=cast.user("unit_head"),
        test=t,
        results=[(cast.people["head"].pk, 90, "")],
        expected_version=1,
    )
    with pytest.raises(ConflictError, match="王建国"):
        actions.enter_test_results(
            actor=cast.user("liaison"),
            test=t,
            results=[(cast.people["head"].pk, 80, "")],
            expected_version=1,
        )


def test_the_edit_page_shows_the_conflict_and_saves_nothing(client, cast, pa):
    s = actions.record_session(
        actor=cast.user("liaison"),
        participation=pa,
        kind="concentrated",
        date=SATURDAY,
        hours=4,
        topic="学习党章",
    )
    _edit(cast, s, "unit_head", 1, "学习党章（一）")
    client.force_login(cast.user("liaison"))
    response = client.post(
        f"/records/{pa.pk}/sessions/{s.pk}/",
        {
            "phase": "study",
            "kind": "concentrated",
            "date": "2005-01-29",
            "hours": "4",
            "topic": "旧页面上的修改",
            "version": "1",
            "save": "1",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "王建国" in body and "重新载入" in body
    s.refresh_from_db()
    assert s.topic == "学习党章（一）"
