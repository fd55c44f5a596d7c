"""民主评议党员 (seed 001): one ballot per branch listing every member; each voter rates every
member once on the template's scale; results per member only once the ballot is closed; paper
ballots added to the online votes."""

from __future__ import annotations

import pytest

from dudao.core.errors import DomainError, TransitionError
from dudao.evaluation import actions, paper, selectors
from dudao.evaluation.models import BallotCode, GradeTally, SealedVote

from .helpers import part

pytestmark = pytest.mark.django_db


def _ballot(cast, branch=None, codes=3):
    ballot = actions.create_ballot(
        actor=cast.user("secretary"), participation=part(cast), branch=branch or cast.branch_a1
    )
    issued = actions.issue_codes(actor=cast.user("secretary"), ballot=ballot, count=codes)
    actions.open_ballot(actor=cast.user("secretary"), ballot=ballot)
    return ballot, issued


def _members(ballot):
    return list(ballot.members.values_list("person_id", flat=True))


def test_it_lists_every_member_of_the_branch_and_counts_each_vote_once(cast2005):
    ballot, codes = _ballot(cast2005)
    ids = _members(ballot)
    assert len(ids) == 3  # 王建国, 李晓梅, 张志强 of branch A1
    first = {pk: "qualified" for pk in ids} | {ids[0]: "excellent"}
    assert actions.cast_vote(code=codes[0], grades=first).counted
    again = actions.cast_vote(code=codes[0].lower(), grades=first)
    assert again.status == "used"
    assert actions.cast_vote(code=codes[1], grades={pk: "unqualified" for pk in ids}).counted
    # No live counts while open.
    assert all(r.total == 0 for r in selectors.ballot_results(ballot))
    actions.close_ballot(actor=cast2005.user("secretary"), ballot=ballot)
    ballot.refresh_from_db()
    results = {r.person_id: r for r in selectors.ballot_results(ballot)}
    assert results[ids[0]].total == 2
    assert dict((g, n) for g, _name, n in results[ids[0]].counts) == {
        "excellent": 1, "qualified": 0, "basically_qualified": 0, "unqualified": 1,
    }  # fmt: skip
    assert not SealedVote.objects.exists()
    assert actions.cast_vote(code=codes[2], grades=first).status == "closed"


def test_a_vote_must_grade_every_member(cast2005):
    ballot, codes = _ballot(cast2005)
    ids = _members(ballot)
    result = actions.cast_vote(code=codes[0], grades={ids[0]: "qualified"})
    assert result.status == "invalid" and set(result.errors) == set(ids[1:])
    assert not BallotCode.objects.get(code=codes[0]).used
    bad = actions.cast_vote(code=codes[0], grades={pk: "满分" for pk in ids})
    assert bad.status == "invalid"


def test_stored_rows_hold_no_time_person_or_account(cast2005):
    fields = {f.name for f in BallotCode._meta.get_fields()}
    assert fields == {"id", "ballot", "code", "used"}
    assert {f.name for f in GradeTally._meta.get_fields()} == {
        "id", "ballot", "person", "grade", "shard", "count",
    }  # fmt: skip


def test_paper_ballots_add_up_per_member(cast2005):
    ballot, _codes = _ballot(cast2005)
    ids = _members(ballot)
    with pytest.raises(DomainError, match="合计 1"):
        paper.enter_paper_votes(
            actor=cast2005.user("secretary"), ballot=ballot, valid=2,
            counts={(pk, "qualified"): 1 for pk in ids},
        )  # fmt: skip
    # Two clerks count and enter the same figures (blind double entry, test_it_enters_paper…).
    for clerk in ("secretary", "liaison"):
        paper.enter_paper_votes(
            actor=cast2005.user(clerk), ballot=ballot, valid=2,
            counts={(pk, "qualified"): 2 for pk in ids},
        )  # fmt: skip
    actions.close_ballot(actor=cast2005.user("secretary"), ballot=ballot)
    ballot.refresh_from_db()
    for r in selectors.ballot_results(ballot):
        assert r.total == 2


def test_only_the_branch_or_unit_runs_it(cast2005):
    from dudao.core.errors import AccessDenied

    with pytest.raises(DomainError):
        actions.create_ballot(
            actor=cast2005.user("group_leader"), participation=part(cast2005),
            branch=cast2005.branch_a1,
        )  # fmt: skip
    ballot, _codes = _ballot(cast2005)
    with pytest.raises(AccessDenied):
        actions.close_ballot(actor=cast2005.user("member"), ballot=ballot)
    actions.close_ballot(actor=cast2005.user("liaison"), ballot=ballot)
    with pytest.raises(TransitionError):
        actions.close_ballot(actor=cast2005.user("liaison"), ballot=ballot)


def test_the_results_export_to_excel_once_closed(cast2005):
    import io

    from django.test import Client
    from openpyxl import load_workbook

    from dudao.testing import PASSWORD

    ballot, codes = _ballot(cast2005)
    ids = _members(ballot)
    actions.cast_vote(code=codes[0], grades={pk: "qualified" for pk in ids})
    client = Client()
    client.login(username="secretary", password=PASSWORD)
    url = f"/evaluation/ballots/{ballot.pk}/results.xlsx"
    assert client.get(url).status_code == 302  # not while voting
    actions.close_ballot(actor=cast2005.user("secretary"), ballot=ballot)
    response = client.get(url)
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))[1:]  # below the title row
    assert rows[0][:3] == ("序号", "姓名", "优秀（票）")
    assert {r[1] for r in rows[1:]} == {"王建国", "李晓梅", "张志强"}
    assert all(r[3] == 1 for r in rows[1:])  # one 合格 vote each
