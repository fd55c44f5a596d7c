"""The source the requirements engine asks (campaigns.requirements.ports), tested directly."""

from __future__ import annotations

import pytest

from dudao.campaigns.requirements.ports import survey_source
from dudao.surveys import actions
from dudao.surveys.selectors import SurveyResults
from dudao.surveys.tests.helpers import add_members, close, open_round, participation, vote

pytestmark = pytest.mark.django_db

SAT = {"rectification": "满意"}
UNSAT = {"rectification": "不满意"}


def _ask(cast, instrument="rectification_survey", units=None):
    ids = [participation(cast, u).pk for u in (units or [cast.unit_a, cast.unit_b, cast.unit_c])]
    return SurveyResults().unit_outcomes(
        campaign_id=cast.campaign.pk, instrument=instrument, participation_ids=ids
    )


def test_it_is_the_registered_source():
    assert isinstance(survey_source(), SurveyResults)


def test_it_leaves_out_units_without_a_round(cast05):
    assert _ask(cast05) == {}


def test_it_reports_open_rounds_as_open_without_counts(cast05):
    round_, codes = open_round(cast05, instrument="rectification_survey", codes=12)
    vote(codes, SAT)
    outcome = _ask(cast05)[participation(cast05).pk]
    assert outcome.status == "open"
    assert outcome.answers == 0 and outcome.share is None


def test_it_reports_too_few_below_the_minimum_group_size(cast05):
    round_, codes = open_round(cast05, instrument="rectification_survey", codes=9)
    vote(codes, SAT)  # min_group_size is 10
    close(cast05, round_)
    outcome = _ask(cast05)[participation(cast05).pk]
    assert outcome.status == "too_few"
    assert outcome.share is None
    assert "少于 10 份" in outcome.detail


def test_it_reports_a_result_at_exactly_the_minimum_group_size(cast05):
    round_, codes = open_round(cast05, instrument="rectification_survey", codes=10)
    vote(codes, SAT)
    close(cast05, round_)
    outcome = _ask(cast05)[participation(cast05).pk]
    assert outcome.status == "passed" and outcome.answers == 10
    assert outcome.url == f"/surveys/rounds/{round_.pk}/"


def test_the_latest_round_wins_after_a_resurvey(cast05):
    first, codes = open_round(cast05, instrument="rectification_survey", codes=12)
    vote(codes, UNSAT)
    close(cast05, first)
    assert _ask(cast05)[participation(cast05).pk].status == "failed"
    second = actions.start_resurvey(actor=cast05.user("office"), previous=first, reason="已补课")
    assert second.round_number == 2 and second.previous_id == first.pk
    assert _ask(cast05)[participation(cast05).pk].status == "open"
    actions.issue_codes(actor=cast05.user("office"), round_=second, count=12)
    actions.open_round(actor=cast05.user("office"), round_=second)
    vote(list(second.codes.values_list("code", flat=True)), SAT)
    close(cast05, second)
    outcome = _ask(cast05)[participation(cast05).pk]
    assert (outcome.status, outcome.round_number) == ("passed", 2)
    # Both rounds are kept.
    assert first.__class__.objects.filter(participation=participation(cast05)).count() == 2


def test_it_reports_each_unit_and_keeps_the_queries_few(cast05, django_assert_max_num_queries):
    a, codes_a = open_round(cast05, instrument="rectification_survey", codes=10)
    b, codes_b = open_round(cast05, instrument="rectification_survey", codes=10, unit=cast05.unit_b)
    vote(codes_a, SAT)
    vote(codes_b, UNSAT)
    close(cast05, a)
    close(cast05, b)
    ids = [participation(cast05, u).pk for u in (cast05.unit_a, cast05.unit_b, cast05.unit_c)]
    # The template, the rounds, the counters, the confirmed paper counts: whatever the units.
    with django_assert_max_num_queries(4):
        result = SurveyResults().unit_outcomes(
            campaign_id=cast05.campaign.pk, instrument="rectification_survey", participation_ids=ids
        )
    assert result[participation(cast05).pk].status == "passed"
    assert result[participation(cast05, cast05.unit_b).pk].status == "failed"
    assert participation(cast05, cast05.unit_c).pk not in result


def test_it_reports_member_outcomes_per_person(cast05):
    add_members(cast05, 12)
    actions.create_member_rounds(
        actor=cast05.user("liaison"),
        participation=participation(cast05),
        instrument="self_analysis_test",
    )
    result = SurveyResults().member_outcomes(
        campaign_id=cast05.campaign.pk,
        instrument="self_analysis_test",
        participation_ids=[participation(cast05).pk],
    )
    per_person = result[participation(cast05).pk]
    assert cast05.people["member"].pk in per_person
    assert cast05.people["retired"].pk not in per_person  # seed 001: retired members exempt
    assert {o.status for o in per_person.values()} == {"open"}
