"""Items at three levels, created on pages; the default deadline comes from the template's
class (seed 001: 立即整改/近期整改/逐步整改)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dudao.core.models import AuditEvent
from dudao.rectification.models import Item

from .helpers import part

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2005, 4, 10, 9, 0), tick=False)
def test_it_gives_each_class_the_template_default_deadline(cast2005, client):
    p = part(cast2005)
    client.force_login(cast2005.user("group_leader"))
    for rect_class, days in (("immediate", 7), ("near_term", 30), ("gradual", 180)):
        response = client.post(
            f"/rectification/units/{p.pk}/new/",
            {
                "level": "leadership",
                "problem": "班子成员深入基层调研少",
                "source_kind": "group_found",
                "rect_class": rect_class,
                "measures": "每名班子成员每月到基层调研不少于两天",
                "lead_person": cast2005.people["head"].pk,
            },
        )
        assert response.status_code == 302
        item = Item.objects.get(participation=p, rect_class=rect_class)
        assert item.deadline == dt.date(2005, 4, 10) + dt.timedelta(days=days)
        assert item.original_deadline == item.deadline
        assert item.owner == cast2005.user("unit_head")
        assert item.lead_post == "局长、党委书记"
    assert list(
        Item.objects.filter(participation=p).values_list("number", flat=True).order_by("number")
    ) == [1, 2, 3]
    assert AuditEvent.objects.filter(action="rectification.create_item").count() == 3


def test_it_lets_the_unit_create_an_individual_item_with_its_own_deadline(cast2005, client):
    p = part(cast2005)
    client.force_login(cast2005.user("liaison"))
    response = client.post(
        f"/rectification/units/{p.pk}/new/",
        {
            "level": "individual",
            "problem": "学习笔记摘抄多、联系实际少",
            "source_kind": "self_found",
            "rect_class": "near_term",
            "measures": "每月撰写一篇联系工作实际的心得",
            "deadline": "2030-05-01",
        },
    )
    assert response.status_code == 302
    item = Item.objects.get(participation=p)
    assert item.deadline == dt.date(2030, 5, 1)
    assert item.owner is None


def test_it_answers_404_to_someone_outside_the_unit(cast2005, client):
    p = part(cast2005)
    for role in ("outsider", "member", "secretary"):
        client.force_login(cast2005.user(role))
        assert client.get(f"/rectification/units/{p.pk}/new/").status_code == 404
    client.force_login(cast2005.user("group_leader"))
    assert client.get("/rectification/units/99999999999999999999/new/").status_code == 404
    assert client.get(f"/rectification/units/{p.pk}/new/").status_code == 200
