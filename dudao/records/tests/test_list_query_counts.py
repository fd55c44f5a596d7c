"""List and tally pages run a number of queries that does not grow with the records on them
(DESIGN.md convention 8): more sessions, meetings, tests, activities, exemptions, talks and
members must not mean more queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dudao.orgs import actions as org_actions
from dudao.records import actions
from dudao.records.models import ActivityKind, TalkForm

pytestmark = pytest.mark.django_db

PAGES = [
    "",
    "hours/",
    "sessions/",
    "meetings/",
    "tests/",
    "activities/",
    "exemptions/",
    "talks/",
    "notes/",
]


def _add(cast, pa, n: int, start: int) -> None:
    actor = cast.user("liaison")
    people = [
        org_actions.create_person(
            actor=None,
            code=f"QC-{start + i}",
            name=f"加测{start + i}",
            branch=cast.branch_a2,
            audit=False,
        )
        for i in range(n)
    ]
    ids = [p.pk for p in people] + [cast.people["member"].pk]
    for i in range(n):
        day = dt.date(2005, 2, 1) + dt.timedelta(days=start + i)
        actions.record_session(
            actor=actor,
            participation=pa,
            kind="discussion",
            date=day,
            hours=Decimal("2.5"),
            topic=f"专题讨论{start + i}",
            attendance=ids,
        )
        actions.record_meeting(
            actor=actor,
            participation=pa,
            kind="forum",
            date=day,
            title=f"座谈会{start + i}",
        )
        test = actions.record_test(
            actor=actor, participation=pa, date=day, title=f"测试{start + i}"
        )
        actions.enter_test_results(
            actor=actor, test=test, results=[(pid, Decimal("80"), "") for pid in ids]
        )
        actions.record_activity(
            actor=actor,
            participation=pa,
            kind=ActivityKind.GOOD_DEED,
            date=day,
            description=f"好人好事{start + i}",
        )
        actions.record_talk(
            actor=actor,
            participation=pa,
            round_number=1,
            date=day,
            form=TalkForm.ONE_TO_ONE,
            initiator=cast.people["head"],
            participants=[people[i]],
        )
    actions.record_exemption(
        actor=actor,
        participation=pa,
        person=people[0],
        requirement="study_hours",
        reason="away",
        explanation="外出务工",
    )


def _counts(client, pa) -> dict[str, int]:
    out = {}
    for page in PAGES:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/records/{pa.pk}/{page}")
        assert response.status_code == 200, page
        out[page or "hub"] = len(ctx)
        if page == "sessions/":
            assert "专题讨论1" in response.content.decode()
    return out


def test_it_uses_the_same_queries_for_two_records_and_for_eight(client, cast, pa):
    client.force_login(cast.user("liaison"))
    _add(cast, pa, 2, 0)
    few = _counts(client, pa)
    _add(cast, pa, 6, 100)
    many = _counts(client, pa)
    assert many == few
    assert all(n < 40 for n in many.values()), many
