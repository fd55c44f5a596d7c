"""A bulletin's items include the typical experiences the office published that week (issue 14
§3: "items picked from typical experiences and the week's facts"), each stored with its source
and the experience it came from; one published in another week is not picked."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dudao.campaigns.models import Participation
from dudao.reports import actions
from dudao.supervision import experiences as ex

pytestmark = pytest.mark.django_db


def _published(cast, title: str, day: dt.date, token: str):
    with time_machine.travel(dt.datetime.combine(day, dt.time(10, 0)), tick=False):
        exp, _created = ex.nominate_experience(
            actor=cast.user("group_member"),
            participation=Participation.objects.get(campaign=cast.campaign, unit=cast.unit_a),
            title=title,
            practice="支部每月公示学习台账，党员互查互评。",
            evidence="查阅台账 12 本，座谈 8 人。",
            visits=[],
            files=[],
            client_token=token,
        )
        exp = ex.approve_experience(actor=cast.user("office"), experience=exp)
        return ex.publish_experience(actor=cast.user("office"), experience=exp)


def test_the_weeks_published_experiences_become_items_with_their_source(cast2005, records2005):
    day = dt.date(2005, 2, 1)
    this_week = _published(cast2005, "“三会一课”台账化管理", day, "e1")
    _published(cast2005, "党员“一岗一责”承诺公示", day + dt.timedelta(days=21), "e2")
    bulletin = actions.create_bulletin(
        actor=cast2005.user("office"), campaign=cast2005.campaign, issued_on=day, token="b1"
    )
    items = list(bulletin.items.all())
    picked = [i for i in items if i.source == "typical_experiences"]
    assert [(i.source_ref, i.title) for i in picked] == [
        (str(this_week.pk), f"{cast2005.unit_a.name}：“三会一课”台账化管理")
    ]
    assert "党员互查互评" in picked[0].text
    # The template's order: experiences first, then the week's facts.
    assert items[0].source == "typical_experiences" and items[-1].source == "week_facts"
    assert not any("一岗一责" in i.title for i in items)
