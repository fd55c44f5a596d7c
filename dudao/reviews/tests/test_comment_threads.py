"""Issue 13 §8: the unit answers a review comment in the document's thread. The answer is
audited, shown to the reviewer on the document's page, takes the comment off the unit's to-do
list, and a reviewer's answer back puts it on again."""

from __future__ import annotations

import pytest

from dudao.core.errors import AccessDenied, DomainError
from dudao.core.models import AuditEvent
from dudao.core.todo import todo_sections
from dudao.reviews import actions
from dudao.reviews.models import CommentReply

from .helpers import PLAN_V1, approve_checklist, submit_plan

QUOTE = "每个阶段不少于一个月"


def _returned_with_comment(cast):
    leader = cast.user("group_leader")
    doc = submit_plan(cast)
    comment = actions.add_comment(actor=leader, document=doc, quote=QUOTE, body="请写明起止时间。")
    actions.decide(actor=leader, document=doc, decision="returned", reason="见批注。")
    return doc, comment


def _unit_todo(user) -> list[str]:
    return [
        t.title for _s, items in todo_sections(user) for t in items if t.section == "退回修改的文书"
    ]


def test_the_liaison_answers_and_the_comment_leaves_the_units_to_do_list(client, cast05):
    doc, comment = _returned_with_comment(cast05)
    liaison = cast05.user("liaison")
    assert len(_unit_todo(liaison)) == 1
    reply, created = actions.reply_to_comment(
        actor=liaison, comment=comment, body="已在第二稿中写明各阶段起止日期。", client_token="t1"
    )
    assert created and not reply.by_reviewer
    comment.refresh_from_db()
    assert comment.answered_at is not None
    assert _unit_todo(liaison) == []
    event = AuditEvent.objects.get(action="document.comment_reply")
    assert (
        event.data["comment"] == comment.pk and event.organisation_id == doc.participation.unit_id
    )
    # The reviewer sees the thread on the document's page.
    client.force_login(cast05.user("group_leader"))
    page = client.get(f"/reviews/{doc.pk}/").content.decode()
    assert "已在第二稿中写明各阶段起止日期。" in page and "（提交单位）" in page
    # The reviewer answers back: the comment waits on the unit again.
    actions.reply_to_comment(
        actor=cast05.user("group_leader"), comment=comment, body="还缺结束日期。", client_token="t2"
    )
    comment.refresh_from_db()
    assert comment.answered_at is None and len(_unit_todo(liaison)) == 1


def test_the_same_reply_sent_twice_is_written_once(client, cast05):
    doc, comment = _returned_with_comment(cast05)
    client.force_login(cast05.user("liaison"))
    url = f"/reviews/{doc.pk}/comments/{comment.pk}/reply/"
    page = client.get(f"/reviews/{doc.pk}/").content.decode()
    assert url in page
    data = {"body": "已修改。", "client_token": "same-token"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data, follow=True)
    assert "没有重复发送" in response.content.decode()
    assert CommentReply.objects.count() == 1
    assert AuditEvent.objects.filter(action="document.comment_reply").count() == 1


@pytest.mark.parametrize("role", ["member", "secretary", "inspector", "office"])
def test_only_the_unit_and_the_reviewer_take_part_in_the_thread(cast05, role):
    _doc, comment = _returned_with_comment(cast05)
    with pytest.raises(AccessDenied, match="提交单位和审核人"):
        actions.reply_to_comment(
            actor=cast05.user(role), comment=comment, body="意见", client_token="x"
        )
    assert not CommentReply.objects.exists()


def test_an_empty_answer_and_an_answer_after_approval_are_refused(cast05):
    leader = cast05.user("group_leader")
    doc, comment = _returned_with_comment(cast05)
    with pytest.raises(DomainError, match="请填写答复内容"):
        actions.reply_to_comment(
            actor=cast05.user("liaison"), comment=comment, body="  ", client_token="e"
        )
    v2 = PLAN_V1.replace(QUOTE, "学习动员阶段自3月1日至3月31日")
    doc = submit_plan(cast05, text=v2, document=doc)
    actions.check_comment(actor=leader, comment=comment, addressed=True)
    actions.decide(actor=leader, document=doc, decision="approved", checklist=approve_checklist())
    with pytest.raises(DomainError, match="不能再答复"):
        actions.reply_to_comment(
            actor=cast05.user("liaison"), comment=comment, body="补充", client_token="late"
        )
