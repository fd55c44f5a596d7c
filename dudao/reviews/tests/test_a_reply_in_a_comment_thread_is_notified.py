"""An answer in a review comment's thread reaches the other side (issue 13 §8): the unit's
answer tells the reviewer who wrote the comment, the reviewer's answer back tells the unit;
nobody is told of his own answer, and nobody outside is told at all."""

from __future__ import annotations

import pytest

from dudao.reviews import actions
from dudao.supervision.models import NoticeEvent, Notification

from .helpers import submit_plan

pytestmark = pytest.mark.django_db


def _told(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user, event=NoticeEvent.COMMENT_REPLY).values_list(
            "text", flat=True
        )
    )


def test_each_side_is_told_of_the_others_answer(cast05):
    leader, liaison = cast05.user("group_leader"), cast05.user("liaison")
    doc = submit_plan(cast05)
    comment = actions.add_comment(
        actor=leader, document=doc, quote="每个阶段不少于一个月", body="请写明起止时间。"
    )
    actions.decide(actor=leader, document=doc, decision="returned", reason="见批注。")
    actions.reply_to_comment(
        actor=liaison, comment=comment, body="已写明各阶段起止日期。", client_token="r1"
    )
    assert [t for t in _told(leader) if "已写明各阶段起止日期" in t]
    assert _told(liaison) == []  # not told of his own answer
    # The same form sent twice: one reply, one notice.
    actions.reply_to_comment(
        actor=liaison, comment=comment, body="已写明各阶段起止日期。", client_token="r1"
    )
    assert len(_told(leader)) == 1
    actions.reply_to_comment(
        actor=leader, comment=comment, body="还缺结束日期。", client_token="r2"
    )
    assert [t for t in _told(liaison) if "还缺结束日期" in t]
    assert [t for t in _told(cast05.user("unit_head")) if "还缺结束日期" in t]
    assert len(_told(leader)) == 1  # not told of his own answer back
    # Someone outside the unit and the group is told nothing.
    assert _told(cast05.user("outsider")) == []
