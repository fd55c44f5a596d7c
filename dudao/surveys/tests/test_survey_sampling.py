"""Seed 004: the supervision group samples respondents at random within the notified scope;
the draw is reproducible from the recorded seed and attributable to who drew it."""

from __future__ import annotations

import random

import pytest

from dudao.core.errors import DomainError, TransitionError
from dudao.core.models import AuditEvent
from dudao.orgs.models import Person
from dudao.surveys import actions
from dudao.surveys.models import SampledPerson, SurveyCode
from dudao.surveys.tests.helpers import add_members, participation

pytestmark = pytest.mark.django_db


def _round(cast):
    return actions.create_round(
        actor=cast.user("office"), participation=participation(cast), instrument="mass_satisfaction"
    )


def test_it_draws_a_reproducible_sample_and_records_seed_and_drawer(cast05):
    add_members(cast05, 40)
    round_ = _round(cast05)
    drawn = actions.draw_sample(
        actor=cast05.user("group_leader"), round_=round_, size=15, seed="2005-04-20", extra_codes=5
    )
    round_.refresh_from_db()
    population = sorted(Person.objects.filter(unit=cast05.unit_a).values_list("pk", flat=True))
    # Anyone can redo the draw from the record: same seed, same population → same people.
    assert drawn == sorted(random.Random("2005-04-20").sample(population, 15))
    assert set(
        SampledPerson.objects.filter(round=round_).values_list("person_id", flat=True)
    ) == set(drawn)
    assert round_.sample_seed == "2005-04-20"
    assert round_.sample_drawn_by == cast05.user("group_leader")
    assert round_.population_size == len(population) == 46
    assert SurveyCode.objects.filter(round=round_).count() == 20  # 15 sampled + 5 for the public
    event = AuditEvent.objects.get(action="survey.sample.draw")
    assert event.actor == cast05.user("group_leader")
    assert event.data == {
        "seed": "2005-04-20", "population": 46, "size": 15, "extra_codes": 5,
        "makeup": [["本单位人员", 46]],
    }  # fmt: skip


def test_it_records_a_generated_seed_when_none_is_given(cast05):
    add_members(cast05, 20)
    round_ = _round(cast05)
    actions.draw_sample(actor=cast05.user("group_leader"), round_=round_, size=5)
    round_.refresh_from_db()
    assert len(round_.sample_seed) == 16


def test_it_refuses_a_second_draw_and_an_oversized_sample(cast05):
    round_ = _round(cast05)
    with pytest.raises(DomainError, match="超过了抽样范围内的人数 6"):
        actions.draw_sample(actor=cast05.user("group_leader"), round_=round_, size=7)
    actions.draw_sample(actor=cast05.user("group_leader"), round_=round_, size=3)
    with pytest.raises(TransitionError, match="不能重抽"):
        actions.draw_sample(actor=cast05.user("group_leader"), round_=round_, size=3)


def test_a_sampled_instrument_cannot_open_before_the_draw(cast05):
    round_ = _round(cast05)
    with pytest.raises(TransitionError, match="须先随机抽样"):
        actions.open_round(actor=cast05.user("office"), round_=round_)
