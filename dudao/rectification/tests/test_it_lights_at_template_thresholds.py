"""红黄绿: an item's light from its deadline, days left and class; the thresholds are the
template's (2005: immediate turns yellow 2 days before, near-term 7, gradual 15)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dudao.rectification import selectors
from dudao.rectification.access import visible_items

from .helpers import new_item, part

pytestmark = pytest.mark.django_db

DEADLINE = dt.date(2005, 5, 20)


def _light_on_page(client, item, day: dt.date) -> str:
    user = client.dudao_user
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, 0), tick=False):
        # Sessions end after a spell of inactivity: a day later the reader signs in again.
        client.force_login(user)
        page = client.get(f"/rectification/items/{item.pk}/").content.decode()
    for light in ("red", "yellow", "green"):
        if f'<h1>第 {item.number} 项 <span class="light light-{light}"' in page:
            return light
    raise AssertionError("no light on the page")


@pytest.mark.parametrize(
    ("rect_class", "yellow_from"),
    [
        ("immediate", dt.date(2005, 5, 18)),
        ("near_term", dt.date(2005, 5, 13)),
        ("gradual", dt.date(2005, 5, 5)),
    ],
)
def test_it_changes_the_light_at_the_template_thresholds(cast2005, client, rect_class, yellow_from):
    item = new_item(cast2005, rect_class=rect_class, deadline=DEADLINE)
    client.dudao_user = cast2005.user("office")
    client.force_login(client.dudao_user)
    assert _light_on_page(client, item, yellow_from - dt.timedelta(days=1)) == "green"
    assert _light_on_page(client, item, yellow_from) == "yellow"
    assert _light_on_page(client, item, DEADLINE) == "yellow"
    assert _light_on_page(client, item, DEADLINE + dt.timedelta(days=1)) == "red"


def test_it_counts_lights_by_class_in_sql_as_the_page_shows_them(cast2005):
    p = part(cast2005)
    new_item(cast2005, rect_class="immediate", deadline=dt.date(2005, 5, 1))  # red
    new_item(cast2005, rect_class="immediate", deadline=dt.date(2005, 5, 11))  # yellow (1 day)
    new_item(cast2005, rect_class="gradual", deadline=dt.date(2005, 5, 20))  # yellow (10 ≤ 15)
    new_item(cast2005, rect_class="near_term", deadline=dt.date(2005, 6, 30), owner_key=None)
    counts = selectors.counts(
        visible_items(cast2005.user("office")).filter(participation=p),
        p.campaign.template,
        dt.date(2005, 5, 10),
    )
    assert counts["lights"]["red"] == {"immediate": 1, "near_term": 0, "gradual": 0, "all": 1}
    assert counts["lights"]["yellow"]["all"] == 2
    assert counts["lights"]["green"]["near_term"] == 1
    assert counts["no_owner"] == 1 and counts["total"] == 4
