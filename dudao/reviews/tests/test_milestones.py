"""Publicity and endorsement with dates: a personal rectification plan publicised in the branch
and passed by the branch meeting; a grassroots plan publicised and approved by the higher
organisation. Only after approval, publicity first, dates in order."""

from __future__ import annotations

import datetime as dt

import pytest

from dudao.core.errors import DomainError
from dudao.reviews import actions
from dudao.reviews.models import DocumentMilestone

from .helpers import participation

SCORES = {"categories": 2, "targets": 2, "from_opinions": 1}


def _approved_personal_plan(cast):
    secretary = cast.user("secretary")
    doc = actions.submit_document(
        actor=cast.user("liaison"),
        participation=participation(cast),
        kind="personal_rectification_plan",
        author=cast.people["secretary"],
        text="个人整改方案。" * 10,
    )
    return doc, secretary


def test_publicity_then_branch_meeting_with_dates(cast05):
    doc, secretary = _approved_personal_plan(cast05)
    with pytest.raises(DomainError, match="审核通过后"):
        actions.record_milestone(
            actor=secretary, document=doc, kind="publicity", started_on=dt.date(2005, 4, 1)
        )
    # The author is in branch A1, whose secretary reviews it.
    actions.decide(actor=secretary, document=doc, decision="approved", checklist=SCORES)
    with pytest.raises(DomainError, match="请先登记在支部内公示"):
        actions.record_milestone(
            actor=secretary, document=doc, kind="endorsement", started_on=dt.date(2005, 4, 10)
        )
    with pytest.raises(DomainError, match="早于开始日期"):
        actions.record_milestone(
            actor=secretary,
            document=doc,
            kind="publicity",
            started_on=dt.date(2005, 4, 8),
            ended_on=dt.date(2005, 4, 1),
        )
    actions.record_milestone(
        actor=secretary,
        document=doc,
        kind="publicity",
        started_on=dt.date(2005, 4, 1),
        ended_on=dt.date(2005, 4, 7),
    )
    with pytest.raises(DomainError, match="早于公示开始"):
        actions.record_milestone(
            actor=secretary, document=doc, kind="endorsement", started_on=dt.date(2005, 3, 30)
        )
    actions.record_milestone(
        actor=secretary,
        document=doc,
        kind="endorsement",
        started_on=dt.date(2005, 4, 10),
        note="支部大会表决通过",
    )
    assert list(
        DocumentMilestone.objects.order_by("started_on").values_list("kind", "scope", "started_on")
    ) == [
        ("publicity", "branch", dt.date(2005, 4, 1)),
        ("endorsement", "branch_meeting", dt.date(2005, 4, 10)),
    ]


def test_a_kind_without_publicity_refuses_it(cast05):
    doc = actions.submit_document(
        actor=cast05.user("liaison"),
        participation=participation(cast05),
        kind="implementation_plan",
        text="方案。" * 10,
    )
    actions.decide(
        actor=cast05.user("group_leader"),
        document=doc,
        decision="approved",
        checklist={"leaders_lead": 2, "problems_found": 2, "guarantees": 2},
    )
    with pytest.raises(DomainError, match="未要求"):
        actions.record_milestone(
            actor=cast05.user("liaison"),
            document=doc,
            kind="publicity",
            started_on=dt.date(2005, 4, 1),
        )
