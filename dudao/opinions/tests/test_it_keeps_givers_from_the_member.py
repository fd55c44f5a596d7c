"""A member sees the opinions aimed at him, never who gave them (issue 12 §3); nobody else's."""

from __future__ import annotations

import pytest

from dudao.opinions.access import MEMBER_COLUMNS, aimed_at

from .helpers import opinion

pytestmark = pytest.mark.django_db

GIVER = "区人大代表周某某"


def test_it_lists_only_what_is_aimed_at_him_without_the_giver(cast2014, client):
    mine = opinion(
        cast2014,
        "陈同志下基层调研少，对群众反映的问题回应慢",
        target_kind="member",
        target_person=cast2014.people["member"],
        giver_kind="deputy",
        giver_note=GIVER,
    )
    opinion(cast2014, "班子会议多、文件多", giver_note="群众代表李某")
    opinion(
        cast2014,
        "李同志工作作风拖拉",
        target_kind="member",
        target_person=cast2014.people["liaison"],
        giver_note="服务对象王某",
    )
    rows = list(aimed_at(cast2014.user("member")))
    assert [r["pk"] for r in rows] == [mine.pk]
    assert set(rows[0]) == set(MEMBER_COLUMNS)
    client.force_login(cast2014.user("member"))
    page = client.get("/opinions/mine/").content.decode()
    assert "下基层调研少" in page
    for secret in (GIVER, "周某某", "党代表、人大代表、政协委员", "座谈会", "班子会议多", "拖拉"):
        assert secret not in page, secret


def test_the_member_cannot_open_the_opinion_itself(cast2014, client):
    mine = opinion(
        cast2014, "陈同志回应慢", target_kind="member", target_person=cast2014.people["member"]
    )
    client.force_login(cast2014.user("member"))
    assert client.get(f"/opinions/opinions/{mine.pk}/").status_code == 404
    assert client.get(f"/opinions/units/{mine.participation_id}/").status_code == 404


def test_a_hidden_opinion_is_not_shown_to_him(cast2014):
    from dudao.opinions.actions import hide_opinion

    mine = opinion(
        cast2014, "陈同志回应慢", target_kind="member", target_person=cast2014.people["member"]
    )
    hide_opinion(actor=cast2014.user("group_leader"), opinion=mine, reason="与本单位无关")
    assert list(aimed_at(cast2014.user("member"))) == []
