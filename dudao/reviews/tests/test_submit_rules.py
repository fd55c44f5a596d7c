"""Who may submit: the template's submitted_by; the supervision group never submits a unit's
documents (指导不包办); a stale page is refused; a unit's plan is one live document."""

from __future__ import annotations

import pytest

from dudao.core.errors import ConflictError, DomainError
from dudao.core.models import AuditEvent
from dudao.reviews import actions
from dudao.reviews.models import Document

from .helpers import participation, submit_plan


def test_the_group_never_submits_a_units_plan(cast05):
    with pytest.raises(DomainError, match="只指导、不包办"):
        actions.submit_document(
            actor=cast05.user("group_leader"),
            participation=participation(cast05),
            kind="implementation_plan",
            text="代写的方案。" * 10,
        )
    assert not Document.objects.exists()


def test_an_unknown_kind_is_refused_with_the_kinds_listed(cast05):
    with pytest.raises(DomainError, match="实施方案"):
        actions.submit_document(
            actor=cast05.user("liaison"),
            participation=participation(cast05),
            kind="nonsense",
            text="正文",
        )


def test_a_member_submits_his_own_study_note_but_not_anothers(cast05):
    member = cast05.user("member")
    note = actions.submit_document(
        actor=member,
        participation=participation(cast05),
        kind="study_note",
        author=cast05.people["member"],
        text="学习心得。" * 10,
    )
    assert (note.status, note.author, note.phase) == (
        "submitted",
        cast05.people["member"],
        participation(cast05).current_phase,
    )
    with pytest.raises(DomainError):
        actions.submit_document(
            actor=member,
            participation=participation(cast05),
            kind="study_note",
            author=cast05.people["liaison"],
            text="代写。" * 10,
        )
    # Study notes need no review: a member writes many.
    actions.submit_document(
        actor=member,
        participation=participation(cast05),
        kind="study_note",
        author=cast05.people["member"],
        text="第二篇学习心得。" * 10,
    )
    assert Document.objects.filter(kind="study_note").count() == 2
    event = AuditEvent.objects.filter(action="document.submit").last()
    assert event.data["kind"] == "study_note"


def test_a_second_live_plan_is_refused(cast05):
    submit_plan(cast05)
    with pytest.raises(DomainError, match="不要另建"):
        submit_plan(cast05)


def test_a_stale_page_is_refused(cast05):
    doc = submit_plan(cast05)
    seen = doc.version
    actions.decide(
        actor=cast05.user("group_leader"),
        document=doc,
        decision="returned",
        reason="请修改。",
        expected_version=seen,
    )
    with pytest.raises(ConflictError, match="刷新"):
        actions.decide(
            actor=cast05.user("group_member"),
            document=doc,
            decision="rejected",
            reason="推倒重来。",
            expected_version=seen,
        )
    doc.refresh_from_db()
    with pytest.raises(ConflictError):
        submit_plan(cast05, text="修改稿。" * 10, document=doc, expected_version=seen)
    submit_plan(cast05, text="修改稿。" * 10, document=doc, expected_version=doc.version)
    assert doc.versions.count() == 2


def test_only_the_kinds_reviewer_decides(cast05):
    doc = submit_plan(cast05)
    for role in ("liaison", "secretary", "office"):
        with pytest.raises(DomainError, match="督导组审核"):
            actions.decide(actor=cast05.user(role), document=doc, decision="returned", reason="x")
    note = actions.submit_document(
        actor=cast05.user("member"),
        participation=participation(cast05),
        kind="self_analysis",
        author=cast05.people["member"],
        text="党性分析。" * 10,
    )
    # Branch A2's member: the secretary of A1 is not his branch secretary.
    with pytest.raises(DomainError, match="党支部书记审核"):
        actions.decide(
            actor=cast05.user("secretary"), document=note, decision="returned", reason="x"
        )
