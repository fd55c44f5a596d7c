"""四必谈 (seed 002): the matrix shows each required pair done or missing per round, and the
requirement names the missing pairs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from dudao.campaigns.requirements import evaluate_unit
from dudao.evaluation import talks
from dudao.records.actions import record_talk
from dudao.testing import PASSWORD

from .helpers import part, team

pytestmark = pytest.mark.django_db


def _talk(cast, p, rnd, initiator, *others, form="one_to_one"):
    return record_talk(
        actor=cast.user("liaison"),
        participation=p,
        round_number=rnd,
        date=dt.date(2014, 3, 1 + rnd),
        form=form if len(others) == 1 else "one_to_many",
        initiator=initiator,
        participants=list(others),
    )


def _all_but_one(cast):
    """Team of three plus the A1 branch secretary; every pair talks in 3 rounds except
    刘副局—张志强 in round 2."""
    head, liu, qian = team(cast, 3)
    sec = cast.people["secretary"]
    p = part(cast)
    for rnd in (1, 2, 3):
        _talk(cast, p, rnd, head, liu, qian, sec)
        _talk(cast, p, rnd, liu, qian)
        _talk(cast, p, rnd, qian, sec)
        if rnd != 2:
            _talk(cast, p, rnd, liu, sec)
    return p


def test_it_lists_the_required_pairs_of_the_template(cast2014):
    head, liu, qian = team(cast2014, 3)
    m = talks.matrix_for(part(cast2014))
    labels = {p.label for p in m.pairs}
    # head with each member, members with each other, each with the A1 secretary: 6 pairs.
    assert labels == {
        "王建国—刘副局", "王建国—钱副局", "刘副局—钱副局",
        "王建国—张志强", "刘副局—张志强", "钱副局—张志强",
    }  # fmt: skip
    assert m.rounds == 3 and m.cells == 18 and m.done_count() == 0


def test_it_shows_the_missing_pair_and_the_requirement_names_it(cast2014):
    p = _all_but_one(cast2014)
    m = talks.matrix_for(p)
    assert [(pair.label, r) for pair, r in m.missing()] == [("刘副局—张志强", 2)]
    result = evaluate_unit(p, phase="examine_criticise").result("talk_pairs")
    assert result.status == "failed"
    assert "刘副局—张志强（第2轮）" in result.summary
    assert [s.label for s in result.shortfalls] == ["刘副局—张志强（第2轮）"]
    # The missing talk is held: the requirement passes.
    from dudao.orgs.models import Person

    _talk(cast2014, p, 2, cast2014.people["secretary"], Person.objects.get(name="刘副局"))
    assert evaluate_unit(p, phase="examine_criticise").result("talk_pairs").status == "passed"


def test_a_many_to_many_talk_covers_every_two_of_its_people(cast2014):
    head, liu, qian = team(cast2014, 3)
    p = part(cast2014)
    record_talk(
        actor=cast2014.user("liaison"), participation=p, round_number=1,
        date=dt.date(2014, 3, 2), form="many_to_many", initiator=head, participants=[liu, qian],
    )  # fmt: skip
    m = talks.matrix_for(p)
    done = {pair.label for pair in m.pairs if 1 in pair.done_rounds}
    assert done == {"王建国—刘副局", "王建国—钱副局", "刘副局—钱副局"}


def test_the_page_shows_done_and_missing_cells(cast2014):
    p = _all_but_one(cast2014)
    client = Client()
    client.login(username="group_leader", password=PASSWORD)
    page = client.get(f"/evaluation/units/{p.pk}/talks/").content.decode()
    assert "刘副局—张志强" in page and "未谈" in page and "已谈" in page
