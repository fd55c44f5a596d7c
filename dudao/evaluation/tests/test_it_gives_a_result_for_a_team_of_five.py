"""Seed 001: a leadership-team member is tested within the team; in a team of five only four can
answer, so the team's smallest group (template data, 4 in 2005) gives a result; a result below
the threshold returns the member's self-analysis for rewriting, with the result as the reason."""

from __future__ import annotations

import pytest
from django.test import Client

from dudao.evaluation import actions
from dudao.evaluation.models import SelfAnalysisResult
from dudao.reviews.actions import submit_document
from dudao.reviews.models import DocumentStatus
from dudao.surveys import actions as survey_actions
from dudao.surveys.models import SurveyCode, SurveyRound
from dudao.surveys.selectors import round_outcome
from dudao.testing import PASSWORD

from .helpers import part, team

pytestmark = pytest.mark.django_db


def _round_for(cast, person, ratings):
    p = part(cast)
    survey_actions.create_member_rounds(
        actor=cast.user("liaison"), participation=p, instrument="self_analysis_test"
    )
    round_ = SurveyRound.objects.get(participation=p, subject_person=person)
    survey_actions.open_round(actor=cast.user("liaison"), round_=round_)
    codes = list(SurveyCode.objects.filter(round=round_).values_list("code", flat=True))
    for code, rating in zip(codes, ratings, strict=False):
        assert survey_actions.submit_ballot(code=code, answers={"rating": rating}).counted
    return round_, codes


def _self_analysis(cast, person):
    return submit_document(
        actor=cast.user("liaison"),
        participation=part(cast),
        kind="self_analysis",
        author=person,
        text="一、存在的问题：理论学习不够系统。二、原因分析。三、整改措施。",
    )


def test_a_team_of_five_gives_a_result_with_four_answers(cast2005):
    members = team(cast2005, 5)
    liu = members[1]
    round_, codes = _round_for(cast2005, liu, ["满意", "满意", "基本满意", "不满意"])
    assert len(codes) == 4  # the team of five less himself
    result = actions.close_self_analysis_test(actor=cast2005.user("liaison"), round_=round_)
    assert result.status == "passed"
    assert (result.group_size, result.min_group_size, result.answers) == (4, 4, 4)
    assert result.audience == "leadership_team"
    assert "3/4" in result.detail
    # The instrument alone (five at least) would have given no result.
    round_.refresh_from_db()
    assert round_outcome(round_).status == "too_few"


def test_a_low_result_returns_the_self_analysis_for_rewriting(cast2005):
    members = team(cast2005, 5)
    qian = members[2]
    doc = _self_analysis(cast2005, qian)
    round_, _codes = _round_for(cast2005, qian, ["满意", "不满意", "不满意", "基本满意"])
    result = actions.close_self_analysis_test(actor=cast2005.user("liaison"), round_=round_)
    assert result.status == "failed"
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.RETURNED
    reason = doc.rounds.order_by("-number").first().reason
    assert "2/4" in reason and "4 人" in reason and "重新撰写" in reason
    assert result.returned_document_id == doc.pk
    # Settling again answers the same result and returns nothing twice.
    again = actions.settle_self_analysis(actor=cast2005.user("liaison"), round_=round_)
    assert again.pk == result.pk and doc.rounds.count() == 1


def test_an_ordinary_member_keeps_the_larger_group(cast2005):
    # The member of branch A2 is tested before his branch: 2 others (retired excluded from
    # the tested, not from the audience) — fewer than five, so no result.
    member = cast2005.people["member"]
    round_, codes = _round_for(cast2005, member, ["满意"] * 5)
    result = actions.close_self_analysis_test(actor=cast2005.user("liaison"), round_=round_)
    assert result.status == "too_few" and result.min_group_size == 5
    assert result.group_size == len(codes)


def test_the_page_states_the_group_size_beside_the_result(cast2005):
    members = team(cast2005, 5)
    round_, _codes = _round_for(cast2005, members[1], ["满意"] * 4)
    actions.close_self_analysis_test(actor=cast2005.user("liaison"), round_=round_)
    client = Client()
    client.login(username="group_leader", password=PASSWORD)
    page = client.get(f"/evaluation/units/{part(cast2005).pk}/self-analysis/").content.decode()
    assert "刘副局" in page and "测评范围 4 人" in page and "达到要求" in page


def test_only_the_unit_group_or_office_settles(cast2005):
    members = team(cast2005, 5)
    round_, _codes = _round_for(cast2005, members[1], ["满意"] * 4)
    survey_actions.close_round(actor=cast2005.user("liaison"), round_=round_)
    from dudao.core.errors import DomainError

    with pytest.raises(DomainError):
        actions.settle_self_analysis(actor=cast2005.user("member"), round_=round_)
    assert not SelfAnalysisResult.objects.exists()


def test_a_round_closed_on_the_survey_pages_is_settled_by_the_periodic_job(cast2005):
    members = team(cast2005, 5)
    sun = members[3]
    doc = _self_analysis(cast2005, sun)
    round_, _codes = _round_for(cast2005, sun, ["不满意", "不满意", "满意", "满意"])
    survey_actions.close_round(actor=cast2005.user("liaison"), round_=round_)
    assert actions.settle_closed_rounds() == 1
    result = SelfAnalysisResult.objects.get(round=round_)
    assert result.status == "failed" and result.settled_by == cast2005.user("liaison")
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.RETURNED
    assert actions.settle_closed_rounds() == 0
