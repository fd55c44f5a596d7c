"""The rectification item form offers the unit's opinions as the item's source record (issue 11
§1), through this app's access rules, without the giver; the link is stored and shown."""

from __future__ import annotations

import pytest

from dudao.opinions import actions
from dudao.rectification.models import Item

from .helpers import opinion, part

pytestmark = pytest.mark.django_db


def test_the_picker_offers_the_units_opinions_and_stores_the_link(cast2014, client):
    mine = opinion(cast2014, "窗口工作人员态度生硬，办事推诿扯皮", giver_note="区人大代表王某")
    hidden = opinion(cast2014, "这是一条无关的广告信息，请屏蔽")
    actions.hide_opinion(actor=cast2014.user("group_leader"), opinion=hidden, reason="广告")
    p = part(cast2014)
    client.force_login(cast2014.user("liaison"))
    page = client.get(f"/rectification/units/{p.pk}/new/").content.decode()
    assert f'value="opinion:{mine.pk}"' in page and "办事推诿扯皮" in page
    assert "王某" not in page  # never who gave it
    assert f'value="opinion:{hidden.pk}"' not in page
    response = client.post(
        f"/rectification/units/{p.pk}/new/",
        {
            "level": "organisation",
            "problem": "窗口服务态度生硬",
            "source_kind": "other",
            "rect_class": "immediate",
            "measures": "开展服务礼仪培训，设立评价器",
            "source_record": f"opinion:{mine.pk}",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = Item.objects.get(participation=p, problem="窗口服务态度生硬")
    assert (item.source_kind, item.source_id) == ("opinion", mine.pk)
    page = client.get(f"/rectification/items/{item.pk}/").content.decode()
    assert f'href="/opinions/opinions/{mine.pk}/"' in page
