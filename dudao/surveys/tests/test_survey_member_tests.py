"""Seed 001: each member's self-analysis is tested before the audience his role dictates — the
leadership team for its members, the whole unit for the head, the branch for ordinary members;
retired members are exempt; low satisfaction sends the member back to rewrite."""

from __future__ import annotations

import pytest

from dudao.surveys import actions
from dudao.surveys.models import SurveyRound
from dudao.surveys.selectors import SurveyResults, member_audience
from dudao.surveys.tests.helpers import add_members, close, participation, vote

pytestmark = pytest.mark.django_db


def _rounds(cast):
    actions.create_member_rounds(
        actor=cast.user("liaison"),
        participation=participation(cast),
        instrument="self_analysis_test",
    )
    return {
        r.subject_person_id: r
        for r in SurveyRound.objects.filter(instrument="self_analysis_test").prefetch_related(
            "codes"
        )
    }


def test_each_role_is_tested_before_its_own_audience(cast05):
    deputy = add_members(cast05, 1, branch=cast05.branch_a1, prefix="D", is_leadership=True)[0]
    p = cast05.people
    unit_people = {x.pk for x in p.values() if x.unit_id == cast05.unit_a.pk} | {deputy.pk}
    rounds = _rounds(cast05)
    assert p["retired"].pk not in rounds  # exempt
    assert {p["head"].pk, p["member"].pk, p["away"].pk, deputy.pk} <= set(rounds)
    from dudao.orgs.models import Person

    people = list(
        Person.objects.filter(pk__in=[p["head"].pk, p["member"].pk, deputy.pk]).select_related(
            "branch__parent"
        )
    )
    inst = cast05.campaign.template.data["survey_instruments"][0]
    audience = member_audience(participation(cast05), inst, people)
    # The unit head: every member of the unit but himself.
    assert set(audience[p["head"].pk]) == unit_people - {p["head"].pk}
    # A leadership-team member: the team (here the head) but himself.
    assert set(audience[deputy.pk]) == {p["head"].pk}
    # An ordinary member: his branch (A2: the retired and the away member) but himself.
    assert set(audience[p["member"].pk]) == {p["retired"].pk, p["away"].pk}
    # One code per person of the audience.
    assert rounds[p["head"].pk].codes.count() == len(unit_people) - 1


def test_low_satisfaction_fails_the_member_who_must_rewrite(cast05):
    add_members(cast05, 8)  # branch A2 now has 11 people
    rounds = _rounds(cast05)
    member = cast05.people["member"]
    round_ = rounds[member.pk]
    actions.open_round(actor=cast05.user("liaison"), round_=round_)
    codes = list(round_.codes.values_list("code", flat=True))
    assert len(codes) == 10
    vote(codes[:6], {"rating": "满意"})
    vote(codes[6:], {"rating": "不满意"})  # 6/10 < 2/3
    close(cast05, round_)
    outcome = SurveyResults().member_outcomes(
        campaign_id=cast05.campaign.pk,
        instrument="self_analysis_test",
        participation_ids=[participation(cast05).pk],
    )[participation(cast05).pk][member.pk]
    assert outcome.status == "failed" and "6/10" in outcome.detail
    inst = cast05.campaign.template.data["survey_instruments"][0]
    assert inst["on_fail"] == {"action": "rewrite_document", "document_kind": "self_analysis"}
