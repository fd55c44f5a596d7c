"""Boundary tests of the template rules, end to end through ballots (seed 004: 不到三分之二的
要补课 — exactly 2/3 passes; seed 001: 多数认为“一般化”和“走过场”的要补课 — more than half)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from dudao.surveys.selectors import round_outcome
from dudao.surveys.tests.helpers import close, open_round, vote

pytestmark = pytest.mark.django_db

GOOD = {"found_problems": "找准抓住了", "formality": "扎实认真"}


def _satisfaction(cast, satisfied: int, unsatisfied: int):
    round_, codes = open_round(
        cast, instrument="rectification_survey", codes=satisfied + unsatisfied
    )
    vote(codes[: satisfied // 2], {"rectification": "满意"})
    vote(codes[satisfied // 2 : satisfied], {"rectification": "基本满意"})
    vote(codes[satisfied:], {"rectification": "不满意"})
    return round_outcome(close(cast, round_))


def test_it_passes_exactly_two_thirds_satisfied(cast05):
    outcome = _satisfaction(cast05, 20, 10)
    assert outcome.status == "passed"
    assert outcome.share == Fraction(2, 3)
    assert outcome.answers == 30
    assert "20/30" in outcome.detail and "不低于 2/3" in outcome.detail


def test_it_fails_one_satisfied_answer_fewer_than_two_thirds(cast05):
    outcome = _satisfaction(cast05, 19, 11)
    assert outcome.status == "failed"
    assert outcome.share == Fraction(19, 30)
    assert "低于 2/3" in outcome.detail


def _effectiveness(cast, bad: int, good: int, *, question="formality"):
    round_, codes = open_round(cast, instrument="phase_effectiveness", codes=bad + good)
    half = bad // 2
    vote(codes[:half], {**GOOD, question: "一般化"})
    vote(codes[half:bad], {**GOOD, question: "走过场"})
    vote(codes[bad:], GOOD)
    return round_outcome(close(cast, round_))


def test_it_orders_remedial_work_when_more_than_half_say_ordinary_or_formality(cast05):
    outcome = _effectiveness(cast05, 16, 14)
    assert outcome.status == "failed"
    assert outcome.share == Fraction(16, 30)
    assert "超过 1/2" in outcome.detail


def test_it_does_not_order_remedial_work_when_exactly_half_do(cast05):
    outcome = _effectiveness(cast05, 15, 15)
    assert outcome.status == "passed"
    assert outcome.share == Fraction(1, 2)


def test_it_judges_each_question_on_its_own(cast05):
    # 16 of 30 say 走过场 on the first question only: the instrument fails on that question.
    outcome = _effectiveness(cast05, 16, 14, question="found_problems")
    assert outcome.status == "failed"
    assert "是否找准抓住了突出问题" in outcome.detail
