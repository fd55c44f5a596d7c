"""Comments anchored to a quoted passage: an open comment blocks approval, carries into the
next version, and is closed when the reviewer marks it addressed there."""

from __future__ import annotations

import pytest

from dudao.core.errors import DomainError
from dudao.reviews import actions, selectors
from dudao.reviews.models import CommentStatus, DocumentStatus

from .helpers import PLAN_V1, approve_checklist, submit_plan

QUOTE = "每个阶段不少于一个月"


def test_an_open_comment_blocks_approval(cast05):
    doc = submit_plan(cast05)
    comment = actions.add_comment(
        actor=cast05.user("group_member"),
        document=doc,
        quote=QUOTE,
        body="请写明各阶段的起止时间。",
    )
    assert PLAN_V1[comment.start : comment.end] == QUOTE
    with pytest.raises(DomainError, match="1 条批注未解决"):
        actions.decide(
            actor=cast05.user("group_leader"),
            document=doc,
            decision="approved",
            checklist=approve_checklist(),
        )
    assert doc.rounds.count() == 0


def test_a_comment_carries_forward_and_is_marked_addressed_on_the_next_version(cast05):
    leader = cast05.user("group_leader")
    doc = submit_plan(cast05)
    comment = actions.add_comment(
        actor=leader, document=doc, quote=QUOTE, body="请写明各阶段的起止时间。"
    )
    with pytest.raises(DomainError, match="修改稿后"):
        actions.check_comment(actor=leader, comment=comment, addressed=True)
    actions.decide(actor=leader, document=doc, decision="returned", reason="见批注。")
    v2 = PLAN_V1.replace(QUOTE, "学习动员阶段自3月1日至3月31日")
    doc = submit_plan(cast05, text=v2, document=doc)
    view = selectors.comments_on_latest(doc)
    assert [(c.comment.pk, c.found_at) for c in view] == [(comment.pk, None)]  # passage rewritten
    actions.check_comment(actor=leader, comment=comment, addressed=False, note="仍未写日期")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.OPEN
    actions.check_comment(actor=leader, comment=comment, addressed=True)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.ADDRESSED
    assert comment.addressed_in.number == 2
    assert comment.checks.count() == 2
    actions.decide(actor=leader, document=doc, decision="approved", checklist=approve_checklist())
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.APPROVED


def test_a_quote_not_in_the_text_is_refused(cast05):
    doc = submit_plan(cast05)
    with pytest.raises(DomainError, match="找不到"):
        actions.add_comment(
            actor=cast05.user("group_leader"), document=doc, quote="不存在的句子", body="意见"
        )
    assert not doc.comments.exists()


def test_the_start_offset_picks_the_second_occurrence(cast05):
    text = "加强学习。加强学习。提高认识，推动工作。"
    doc = submit_plan(cast05, text=text)
    c = actions.add_comment(
        actor=cast05.user("group_leader"), document=doc, quote="加强学习", body="重复", start=5
    )
    assert (c.start, c.end) == (5, 9)
