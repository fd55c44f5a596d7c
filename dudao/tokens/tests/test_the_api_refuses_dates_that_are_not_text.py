"""A date sent as a JSON number or list (20050201, ["2005-02-01"]) is refused with a 422 naming
the field in Chinese, not a server error (Django's date fields read only text), wherever the
API takes a page's form: records, opinions, bulletins."""

from __future__ import annotations

import pytest

from dudao.opinions.models import Opinion
from dudao.records.models import Activity

pytestmark = pytest.mark.django_db


def _part(cast):
    from dudao.campaigns.models import Participation

    return Participation.objects.get(campaign=cast.campaign, unit=cast.unit_a)


@pytest.mark.parametrize("date", [20050201, 2005.5, ["2005-02-01"], {"y": 2005}, True])
def test_a_date_that_is_not_text_is_refused_in_chinese(client, cast, date):
    p = _part(cast)
    client.force_login(cast.user("unit_head"))
    client.raise_request_exception = False
    opinion = client.post(
        f"/api/opinions/units/{p.pk}/opinions",
        {
            "text": "窗口服务态度生硬",
            "channel": "forum",
            "giver_kind": "service",
            "given_on": date,
            "target_kind": "team",
        },
        content_type="application/json",
    )
    assert opinion.status_code == 422, opinion.content
    assert opinion.json()["errors"][0]["field"] == "given_on"
    record = client.post(
        f"/api/records/{p.pk}/activities",
        {"kind": "good_deed", "date": date, "description": "好事", "count": 1},
        content_type="application/json",
    )
    assert record.status_code == 422, record.content
    assert [e["field"] for e in record.json()["errors"]] == ["date"]
    assert not Opinion.objects.exists() and not Activity.objects.exists()
