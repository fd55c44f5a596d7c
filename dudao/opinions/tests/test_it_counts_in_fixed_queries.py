"""Set-based reads: the summary and register pages ask the same number of queries whatever
the number of opinions and units (DESIGN.md "Set-based reads")."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dudao.opinions import actions

from .helpers import DAY, opinion, part

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_pages_do_not_query_per_opinion_or_unit(cast2014, client):
    client.force_login(cast2014.user("office"))
    p = part(cast2014)
    first = opinion(cast2014, "会议多")
    urls = ["/opinions/", f"/opinions/units/{p.pk}/", f"/opinions/units/{p.pk}/box/"]
    before = [_queries(client, u) for u in urls]
    for i in range(8):
        o = opinion(
            cast2014,
            f"第{i}条：陈同志回应慢{i}",
            target_kind="member",
            target_person=cast2014.people["member"],
        )
        actions.classify_opinion(actor=cast2014.user("liaison"), opinion=o, codes=["hedonism"])
    actions.feed_back(
        actor=cast2014.user("liaison"),
        participation=p,
        opinions=[first],
        form="meeting",
        fed_back_on=DAY,
        outcome="answered",
    )
    opinion(cast2014, "另一单位的意见", actor="group_leader")
    assert [_queries(client, u) for u in urls] == before
