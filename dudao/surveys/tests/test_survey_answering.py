"""Answering with a one-time code: counted once; clear messages for unknown, used, expired,
not yet open and closed codes; an incomplete ballot consumes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dudao.surveys import actions
from dudao.surveys.codes import display
from dudao.surveys.models import SurveyCode, Tally
from dudao.surveys.tests.helpers import open_round, participation

pytestmark = pytest.mark.django_db

GOOD = {"found_problems": "找准抓住了", "formality": "扎实认真"}


def _total(round_, question="formality"):
    """Ballots counted for the question: the counters, plus on SQLite the sealed ballots that
    closing will count (atrest.py)."""
    from dudao.surveys.atrest import sealed_counts

    sealed = sum(n for (q, _o), n in sealed_counts(round_).items() if q == question)
    return sealed + sum(
        Tally.objects.filter(round=round_, question=question).values_list("count", flat=True)
    )


def test_it_counts_a_ballot_once_and_refuses_the_code_after(cast05):
    round_, (code,) = open_round(cast05, codes=1)
    first = actions.submit_ballot(code=code, answers=GOOD)
    second = actions.submit_ballot(code=code, answers=GOOD)
    assert first.counted and first.message == "您的答卷已提交，谢谢参与。"
    assert second.status == "used" and "已经使用过" in second.message
    assert _total(round_) == 1 and _total(round_, "found_problems") == 1
    assert SurveyCode.objects.get(code=code).used


def test_it_accepts_the_code_as_typed_from_paper(cast05):
    round_, (code,) = open_round(cast05, codes=1)
    typed = " " + display(code).lower() + " "
    assert actions.submit_ballot(code=typed, answers=GOOD).counted


def test_it_says_an_unknown_code_does_not_exist(cast05):
    open_round(cast05, codes=1)
    for text in ["ABCD-EFGH", "", "0000", "x" * 200]:
        result = actions.submit_ballot(code=text, answers=GOOD)
        assert result.status == "unknown" and "测评码不存在" in result.message


def test_it_consumes_nothing_for_an_incomplete_ballot(cast05):
    round_, (code,) = open_round(cast05, codes=1)
    result = actions.submit_ballot(code=code, answers={"formality": "扎实认真"})
    assert result.status == "invalid" and "found_problems" in result.errors
    bad = actions.submit_ballot(code=code, answers={**GOOD, "formality": "不存在的选项"})
    assert bad.status == "invalid" and "formality" in bad.errors
    assert not SurveyCode.objects.get(code=code).used
    assert _total(round_) == 0


def test_it_refuses_codes_before_opening_and_after_closing(cast05):
    office = cast05.user("office")
    round_ = actions.create_round(
        actor=office, participation=participation(cast05), instrument="phase_effectiveness"
    )
    actions.issue_codes(actor=office, round_=round_, count=2)
    early, late = round_.codes.values_list("code", flat=True)
    result = actions.submit_ballot(code=early, answers=GOOD)
    assert result.status == "not_open" and "尚未开始" in result.message
    actions.open_round(actor=office, round_=round_)
    actions.close_round(actor=office, round_=round_)
    result = actions.submit_ballot(code=late, answers=GOOD)
    assert result.status == "closed" and "已经结束" in result.message
    assert _total(round_) == 0


def test_it_refuses_codes_after_the_deadline(cast05):
    office = cast05.user("office")
    round_ = actions.create_round(
        actor=office, participation=participation(cast05), instrument="phase_effectiveness"
    )
    actions.issue_codes(actor=office, round_=round_, count=1)
    actions.open_round(actor=office, round_=round_, expires_on=dt.date(2005, 4, 10))
    (code,) = round_.codes.values_list("code", flat=True)
    with time_machine.travel(dt.datetime(2005, 4, 11, 9, 0, tzinfo=dt.UTC)):
        result = actions.submit_ballot(code=code, answers=GOOD)
    assert result.status == "expired" and "截止" in result.message
    with time_machine.travel(dt.datetime(2005, 4, 10, 9, 0, tzinfo=dt.UTC)):
        assert actions.submit_ballot(code=code, answers=GOOD).counted
