"""The unit's requirement report page (the page the benchmark times) costs a fixed number of
queries: ten members or forty, with attendance, notes and test results for each."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dudao.orgs import actions as org_actions
from dudao.records import actions as records_actions

from .helpers import part

pytestmark = pytest.mark.django_db


def _grow(cast, n: int):
    p = part(cast)
    admin = cast.user("admin")
    from dudao.orgs.models import Person

    start = 100 + Person.objects.count()
    for i in range(n):
        org_actions.create_person(
            actor=admin, code=f"Q-{start + i}", name=f"党员{start + i}", branch=cast.branch_a2
        )
    ids = list(Person.objects.filter(unit=cast.unit_a).values_list("pk", flat=True))
    for day in range(3):
        records_actions.record_session(
            actor=cast.user("liaison"),
            participation=p,
            kind="concentrated",
            date=dt.date(2005, 1, 29 + day),
            hours=4,
            topic=f"集中学习第{day + 1}天",
            attendance=ids,
        )
    test = records_actions.record_test(
        actor=cast.user("liaison"), participation=p, date=dt.date(2005, 3, 1), title="百题测试"
    )
    records_actions.enter_test_results(
        actor=cast.user("liaison"), test=test, results=[(pk, 90, "") for pk in ids]
    )
    return p


def _count(client, cast, url):
    client.force_login(cast.user("group_member"))
    client.get(url)  # warm caches that are per process, not per request
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_it_costs_the_same_queries_for_ten_members_or_forty(client, cast2005):
    p = _grow(cast2005, 4)
    small, body = _count(client, cast2005, f"/transitions/report/{p.pk}/")
    assert "每名党员学习培训不少于45个学时" in body
    # 3 sessions × 4 hours; SQLite and PostgreSQL sum decimals with different scales.
    assert re.search(r"现有 12(\.0)?，应有 45，差 33", body)
    _grow(cast2005, 30)
    large, body = _count(client, cast2005, f"/transitions/report/{p.pk}/")
    assert large == small, (small, large)
    # A ceiling, not a target: the page also reads spot-check marks and the to-do count of
    # the navigation (supervision), a few queries whatever the number of members.
    assert small <= 46, small
