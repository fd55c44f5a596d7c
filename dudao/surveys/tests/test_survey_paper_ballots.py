"""Paper ballots: issued / returned / void / valid reconciliation; blind double entry — two
clerks count and type every figure independently, a mismatch is shown to both and nothing
counts until they agree; corrections need a reason; agreed counts join the online ones."""

from __future__ import annotations

import pytest

from dudao.core.errors import DomainError, TransitionError
from dudao.core.models import AuditEvent
from dudao.surveys import actions
from dudao.surveys.models import PaperBallotSheet
from dudao.surveys.selectors import counts_for_rounds, round_outcome
from dudao.surveys.tests.helpers import close, open_round, vote

pytestmark = pytest.mark.django_db


def _counts(sat, basic, unsat):
    return {
        "rectification:满意": sat,
        "rectification:基本满意": basic,
        "rectification:不满意": unsat,
    }


def _enter(cast, who, round_, issued, returned, void, valid, counts, reason=""):
    return actions.enter_paper_ballots(
        actor=cast.user(who),
        round_=round_,
        issued=issued,
        returned=returned,
        void=void,
        valid=valid,
        counts=counts,
        reason=reason,
    )


def test_it_reconciles_and_names_what_does_not_add_up(cast05):
    round_, _ = open_round(cast05, instrument="rectification_survey")
    with pytest.raises(DomainError) as err:
        _enter(cast05, "liaison", round_, 30, 31, 1, 28, _counts(20, 5, 3))
    assert "收回票数 31 多于发出票数 30" in err.value.message
    assert "无效票 1 + 有效票 28 = 29，与收回票数 31 不符" in err.value.message
    with pytest.raises(DomainError, match="各选项合计 27，与有效票数 28 不符"):
        _enter(cast05, "liaison", round_, 30, 29, 1, 28, _counts(20, 5, 2))
    assert not PaperBallotSheet.objects.exists()


def test_two_agreeing_entries_count_and_join_the_online_ones(cast05):
    round_, codes = open_round(cast05, instrument="rectification_survey", codes=3)
    vote(codes, {"rectification": "不满意"})
    _enter(cast05, "liaison", round_, 30, 29, 1, 28, _counts(14, 6, 8))
    assert "rectification" not in counts_for_rounds([round_.pk]).get(round_.pk, {}) or (
        counts_for_rounds([round_.pk])[round_.pk]["rectification"].get("满意", 0) == 0
    )  # one entry counts nothing
    with pytest.raises(TransitionError, match="两位同志分别录入且一致"):
        actions.close_round(actor=cast05.user("office"), round_=round_)
    with pytest.raises(DomainError, match="独立清点并录入"):
        actions.confirm_paper_ballots(actor=cast05.user("unit_head"))
    _enter(cast05, "unit_head", round_, 30, 29, 1, 28, _counts(14, 6, 8))
    sheet = PaperBallotSheet.objects.get(round=round_)
    assert sheet.status == "confirmed"
    assert {sheet.entered_by, sheet.confirmed_by} == {
        cast05.user("liaison"),
        cast05.user("unit_head"),
    }
    outcome = round_outcome(close(cast05, round_))
    # 14 satisfied of 28 paper + 3 unsatisfied online = 31 answers.
    assert outcome.answers == 31 and outcome.status == "failed"


def test_different_counts_count_nothing_until_the_clerks_agree(cast05):
    round_, _ = open_round(cast05, instrument="rectification_survey")
    _enter(cast05, "liaison", round_, 12, 12, 0, 12, _counts(8, 2, 2))
    _enter(cast05, "unit_head", round_, 12, 12, 1, 11, _counts(8, 1, 2))
    assert not PaperBallotSheet.objects.exists()
    assert counts_for_rounds([round_.pk]).get(round_.pk, {}).get("rectification", {}) == {
        "满意": 0,
        "基本满意": 0,
        "不满意": 0,
    } or not counts_for_rounds([round_.pk]).get(round_.pk)
    mismatch = AuditEvent.objects.get(action="survey.paper.mismatch")
    assert set(mismatch.data["differ"]) >= {"无效票数", "有效票数"}
    with pytest.raises(TransitionError):
        actions.close_round(actor=cast05.user("office"), round_=round_)
    with pytest.raises(DomainError, match="已由两位同志分别录入"):
        _enter(cast05, "office", round_, 12, 12, 1, 11, _counts(8, 1, 2))
    with pytest.raises(DomainError, match="须写明理由"):
        _enter(cast05, "liaison", round_, 12, 12, 1, 11, _counts(8, 1, 2), reason=" ")
    _enter(cast05, "liaison", round_, 12, 12, 1, 11, _counts(8, 1, 2), reason="一张票两项都勾选")
    event = AuditEvent.objects.get(action="survey.paper.correct")
    assert event.reason == "一张票两项都勾选"
    assert PaperBallotSheet.objects.get(round=round_).status == "confirmed"
    outcome = round_outcome(close(cast05, round_))
    assert outcome.answers == 11 and outcome.status == "passed"


def test_the_first_entry_is_not_readable_from_the_audit_trail(cast05):
    round_, _ = open_round(cast05, instrument="rectification_survey")
    _enter(cast05, "liaison", round_, 17, 16, 3, 13, _counts(7, 4, 2))
    event = AuditEvent.objects.get(action="survey.paper.enter")
    assert "counts" not in event.data and 13 not in event.data.values()
