"""Approval is refused before the template's minimum number of review rounds (seed 002: plans
revised at least twice; team material reviewed in at least three drafts)."""

from __future__ import annotations

import pytest

from dudao.campaigns.template_loader import load_builtin_template
from dudao.core.errors import DomainError
from dudao.reviews import actions
from dudao.reviews.models import DocumentStatus, ReviewRound
from dudao.testing import build_cast

from .helpers import PLAN_V1, participation

SCORES = {"required_actions": 2, "optional_actions": 2, "schedule": 1, "problem_focus": 2}


@pytest.fixture
def cast14(db):
    return build_cast(template=load_builtin_template("qunzhong-luxian-2014"))


def _submit(cast, text, document=None):
    return actions.submit_document(
        actor=cast.user("liaison"),
        participation=participation(cast),
        kind="implementation_plan",
        text=text,
        document=document,
    )


def test_it_refuses_approval_in_the_first_of_two_rounds(cast14):
    doc = _submit(cast14, PLAN_V1)
    with pytest.raises(DomainError, match="至少要审核 2 轮"):
        actions.decide(
            actor=cast14.user("group_leader"), document=doc, decision="approved", checklist=SCORES
        )
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.SUBMITTED
    assert ReviewRound.objects.count() == 0


def test_it_approves_in_the_second_round_and_keeps_both_rounds(cast14):
    doc = _submit(cast14, PLAN_V1)
    actions.decide(
        actor=cast14.user("group_member"),
        document=doc,
        decision="returned",
        reason="问题查摆不够具体，请对照“四风”逐条列出。",
    )
    doc = _submit(cast14, PLAN_V1 + "\n四、突出问题\n聚焦“四风”问题逐条整改。", document=doc)
    actions.decide(
        actor=cast14.user("group_leader"), document=doc, decision="approved", checklist=SCORES
    )
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.APPROVED
    rounds = list(doc.rounds.order_by("number"))
    assert [(r.number, r.decision, r.version.number) for r in rounds] == [
        (1, "returned", 1),
        (2, "approved", 2),
    ]
    assert rounds[1].checklist == SCORES


def test_it_refuses_approval_without_every_checklist_score(cast14):
    doc = _submit(cast14, PLAN_V1)
    actions.decide(
        actor=cast14.user("group_member"), document=doc, decision="returned", reason="请补充。"
    )
    doc = _submit(cast14, PLAN_V1 + "\n补充", document=doc)
    with pytest.raises(DomainError, match="逐项评分"):
        actions.decide(
            actor=cast14.user("group_leader"),
            document=doc,
            decision="approved",
            checklist={"schedule": 1},
        )
