"""Fed back (issue 12 §3): team-level collectively, individual ones to the person; each opinion
answered / adopted / explained / turned into a rectification item, linked both ways; the unit's
summary counts collected / classified / fed back / into items."""

from __future__ import annotations

import datetime as dt

import pytest

from dudao.core.errors import AccessDenied, DomainError, TransitionError
from dudao.opinions import actions, selectors
from dudao.opinions.models import Opinion
from dudao.rectification.models import Item, SourceKind

from .helpers import DAY, opinion, part

pytestmark = pytest.mark.django_db


def _fb(cast, ops, **kw):
    return actions.feed_back(
        actor=cast.user(kw.pop("actor", "liaison")),
        participation=part(cast),
        opinions=ops,
        form=kw.pop("form", "meeting"),
        fed_back_on=kw.pop("fed_back_on", DAY),
        outcome=kw.pop("outcome", "answered"),
        **kw,
    )


def test_team_opinions_are_fed_back_collectively_and_a_persons_to_him(cast2014):
    team = [
        opinion(cast2014, "班子会议多"),
        opinion(cast2014, "班子下基层少", target_kind="organisation"),
    ]
    his = opinion(
        cast2014, "陈同志回应慢", target_kind="member", target_person=cast2014.people["member"]
    )
    other = opinion(
        cast2014, "李同志作风拖拉", target_kind="member", target_person=cast2014.people["liaison"]
    )
    with pytest.raises(DomainError, match="请分开选择"):
        _fb(cast2014, [team[0], his])
    with pytest.raises(DomainError, match="只能反馈给一名党员"):
        _fb(cast2014, [his, other])
    collective = _fb(cast2014, team, outcome="adopted")
    individual = _fb(cast2014, [his], form="face", outcome="explained", outcome_note="已说明原因")
    assert collective.kind == "collective" and collective.person_id is None
    assert individual.kind == "individual" and individual.person == cast2014.people["member"]
    assert Opinion.objects.get(pk=his.pk).outcome == "explained"
    with pytest.raises(TransitionError, match="已反馈"):
        _fb(cast2014, [his])


def test_only_the_unit_feeds_back(cast2014):
    o = opinion(cast2014, "会议多")
    with pytest.raises(AccessDenied):
        _fb(cast2014, [o], actor="group_leader")


def test_a_feedback_date_in_the_future_is_refused(cast2014):
    o = opinion(cast2014, "会议多")
    with pytest.raises(DomainError, match="不能晚于今天"):
        _fb(cast2014, [o], fed_back_on=dt.date.today() + dt.timedelta(days=3))


def test_an_opinion_turned_into_an_item_is_linked_both_ways(cast2014, client):
    o = opinion(cast2014, "窗口午休无人值守，群众白跑")
    item = actions.turn_into_item(
        actor=cast2014.user("liaison"), opinion=o, rect_class="immediate", measures="午间轮流值班"
    )
    assert item.source_kind == SourceKind.OPINION and item.source_id == o.pk
    assert item.level == "leadership" and item.problem == o.text
    o.refresh_from_db()
    assert o.rect_item == item and o.outcome == "rectification"
    with pytest.raises(TransitionError):
        actions.turn_into_item(
            actor=cast2014.user("liaison"), opinion=o, rect_class="immediate", measures="再来一次"
        )
    assert Item.objects.count() == 1
    client.force_login(cast2014.user("liaison"))
    page = client.get(f"/opinions/opinions/{o.pk}/").content.decode()
    assert f"/rectification/items/{item.pk}/" in page
    # Fed back afterwards, it keeps its outcome (the item) and counts as fed back.
    _fb(cast2014, [o], outcome="answered")
    o.refresh_from_db()
    assert o.outcome == "rectification" and o.feedback_id


def test_the_summary_counts_collected_classified_fed_back_and_items(cast2014, client):
    a, b, c = (opinion(cast2014, t) for t in ("会议多", "公款吃喝", "迟到早退"))
    actor = cast2014.user("liaison")
    actions.classify_opinion(actor=actor, opinion=a, codes=["formalism"])
    actions.classify_opinion(actor=actor, opinion=b, codes=["extravagance"])
    _fb(cast2014, [a])
    actions.turn_into_item(actor=actor, opinion=b, rect_class="near_term", measures="严查")
    actions.hide_opinion(actor=cast2014.user("group_leader"), opinion=c, reason="重复灌水")
    s = selectors.summary(Opinion.objects.filter(participation=part(cast2014)))
    assert (s.collected, s.classified, s.fed_back, s.into_items, s.hidden) == (2, 2, 1, 1, 1)
    client.force_login(cast2014.user("office"))
    page = client.get("/opinions/").content.decode()
    assert "东城区财政局" in page and "第一督导组" in page


def test_the_feedback_page_feeds_back_the_chosen(cast2014, client):
    a = opinion(cast2014, "会议多")
    client.force_login(cast2014.user("unit_head"))
    p = part(cast2014)
    assert "集体反馈" in client.get(f"/opinions/units/{p.pk}/feedback/").content.decode()
    client.post(
        f"/opinions/units/{p.pk}/feedback/",
        {"opinion": [a.pk], "form": "meeting", "fed_back_on": "2014-03-20", "outcome": "adopted"},
    )
    a.refresh_from_db()
    assert a.feedback.fed_back_on == dt.date(2014, 3, 20) and a.outcome == "adopted"


def test_a_double_submit_records_the_opinion_once(cast2014, client):
    p = part(cast2014)
    client.force_login(cast2014.user("liaison"))
    data = {
        "text": "窗口午休无人值守",
        "channel": "forum",
        "giver_kind": "service",
        "given_on": "2014-03-10",
        "target_kind": "team",
    }
    client.post(f"/opinions/units/{p.pk}/new/", data)
    page = client.post(f"/opinions/units/{p.pk}/new/", data, follow=True).content.decode()
    assert "已经登记过了" in page
    assert Opinion.objects.filter(participation=p).count() == 1
