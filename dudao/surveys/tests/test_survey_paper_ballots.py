"""Paper ballots: issued / returned / void / valid reconciliation, entry by one clerk,
confirmation by a second, corrections logged with a reason; confirmed counts join the result."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from dudao.core.errors import DomainError, TransitionError
from dudao.core.models import AuditEvent
from dudao.surveys import actions
from dudao.surveys.models import PaperBallotSheet
from dudao.surveys.selectors import round_outcome
from dudao.surveys.tests.helpers import close, open_round, vote

pytestmark = pytest.mark.django_db


def _counts(sat, basic, unsat):
    return {
        "rectification:满意": sat,
        "rectification:基本满意": basic,
        "rectification:不满意": unsat,
    }


def test_it_reconciles_and_names_what_does_not_add_up(cast05):
    round_, _ = open_round(cast05, instrument="rectification_survey")
    clerk = cast05.user("liaison")
    with pytest.raises(DomainError) as err:
        actions.enter_paper_ballots(
            actor=clerk,
            round_=round_,
            issued=30,
            returned=31,
            void=1,
            valid=28,
            counts=_counts(20, 5, 3),
        )
    assert "收回票数 31 多于发出票数 30" in err.value.message
    assert "无效票 1 + 有效票 28 = 29，与收回票数 31 不符" in err.value.message
    with pytest.raises(DomainError, match="各选项合计 27，与有效票数 28 不符"):
        actions.enter_paper_ballots(
            actor=clerk,
            round_=round_,
            issued=30,
            returned=29,
            void=1,
            valid=28,
            counts=_counts(20, 5, 2),
        )
    assert not PaperBallotSheet.objects.exists()


def test_a_second_clerk_confirms_and_the_counts_join_the_online_ones(cast05):
    round_, codes = open_round(cast05, instrument="rectification_survey", codes=3)
    vote(codes, {"rectification": "不满意"})
    sheet = actions.enter_paper_ballots(
        actor=cast05.user("liaison"),
        round_=round_,
        issued=30,
        returned=29,
        void=1,
        valid=28,
        counts=_counts(14, 6, 8),
    )
    with pytest.raises(DomainError, match="录入人不能复核"):
        actions.confirm_paper_ballots(actor=cast05.user("liaison"), sheet=sheet)
    with pytest.raises(TransitionError, match="尚未经第二人复核"):
        actions.close_round(actor=cast05.user("office"), round_=round_)
    actions.confirm_paper_ballots(actor=cast05.user("unit_head"), sheet=sheet)
    outcome = round_outcome(close(cast05, round_))
    # 20 satisfied of 28 paper + 3 unsatisfied online = 31 answers: 20/31 < 2/3.
    assert (outcome.answers, outcome.status) == (31, "failed")
    assert "20/31" in outcome.detail


def test_the_database_refuses_confirmation_by_the_clerk_who_entered(cast05):
    round_, _ = open_round(cast05, instrument="rectification_survey")
    sheet = actions.enter_paper_ballots(
        actor=cast05.user("liaison"),
        round_=round_,
        issued=10,
        returned=10,
        void=0,
        valid=10,
        counts=_counts(10, 0, 0),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperBallotSheet.objects.filter(pk=sheet.pk).update(confirmed_by=cast05.user("liaison"))


def test_a_correction_needs_a_reason_is_logged_and_needs_confirming_again(cast05):
    round_, _ = open_round(cast05, instrument="rectification_survey")
    sheet = actions.enter_paper_ballots(
        actor=cast05.user("liaison"),
        round_=round_,
        issued=12,
        returned=12,
        void=0,
        valid=12,
        counts=_counts(8, 2, 2),
    )
    actions.confirm_paper_ballots(actor=cast05.user("unit_head"), sheet=sheet)
    with pytest.raises(DomainError, match="须写明理由"):
        actions.correct_paper_ballots(
            actor=cast05.user("unit_head"),
            sheet=sheet,
            issued=12,
            returned=12,
            void=1,
            valid=11,
            counts=_counts(8, 1, 2),
            reason=" ",
        )
    sheet = actions.correct_paper_ballots(
        actor=cast05.user("unit_head"),
        sheet=sheet,
        issued=12,
        returned=12,
        void=1,
        valid=11,
        counts=_counts(8, 1, 2),
        reason="一张票两项都勾选，应为无效票",
    )
    assert sheet.status == "entered" and sheet.confirmed_by is None
    event = AuditEvent.objects.get(action="survey.paper.correct")
    assert event.reason == "一张票两项都勾选，应为无效票"
    assert event.data["before"]["valid"] == 12 and event.data["after"]["valid"] == 11
    assert event.data["after"]["counts"]["rectification:基本满意"] == 1
    with pytest.raises(DomainError):
        actions.confirm_paper_ballots(actor=cast05.user("unit_head"), sheet=sheet)
    actions.confirm_paper_ballots(actor=cast05.user("liaison"), sheet=sheet)
    outcome = round_outcome(close(cast05, round_))
    assert outcome.answers == 11 and outcome.status == "passed"
