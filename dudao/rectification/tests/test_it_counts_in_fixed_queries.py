"""The overview and list pages run a fixed number of queries whatever the number of units
and items (set-based reads)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dudao.campaigns import actions as campaign_actions
from dudao.orgs import actions as org_actions
from dudao.orgs.models import OrgKind

from .helpers import new_item

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(cast, units: int, per_unit: int) -> None:
    from dudao.rectification.actions import create_item

    admin = cast.user("admin")
    batch = cast.campaign.batches.get(number=1)
    for n in range(units):
        unit = org_actions.create_organisation(
            actor=admin, code=f"QX{n}", name=f"扩展单位{n}", kind=OrgKind.UNIT, parent=cast.district
        )
        p = campaign_actions.enrol_unit(
            actor=admin, campaign=cast.campaign, batch=batch, unit=unit, group=cast.group1
        )
        for i in range(per_unit):
            create_item(
                actor=admin,
                participation=p,
                level="organisation",
                problem=f"问题{i}",
                rect_class=("immediate", "near_term", "gradual")[i % 3],
                measures="措施",
                deadline=dt.date(2005, 4, 1) + dt.timedelta(days=i * 20),
            )


def test_it_keeps_the_query_count_when_the_data_grows(cast2005, client):
    new_item(cast2005)
    client.force_login(cast2005.user("office"))
    urls = [
        f"/rectification/campaigns/{cast2005.campaign.pk}/",
        f"/rectification/campaigns/{cast2005.campaign.pk}/items/?light=red",
        f"/rectification/groups/{cast2005.group1.pk}/",
    ]
    small = [_queries(client, url) for url in urls]
    _grow(cast2005, units=4, per_unit=6)
    large = [_queries(client, url) for url in urls]
    assert small == large
