"""Paper ballots of 民主评议党员 entered twice, blind (as the surveys' paper ballots): two
different clerks each type every figure, the second never sees the first's, a mismatch is shown
to both and nothing counts until one corrects his entry with a reason; only then are the
figures counted — and the ballot cannot be closed before."""

from __future__ import annotations

import pytest
from django.test import Client

from dudao.core.errors import AccessDenied, DomainError, TransitionError
from dudao.core.models import AuditEvent
from dudao.evaluation import actions, paper, selectors
from dudao.evaluation.models import PaperGradeCount, PaperGradeEntry
from dudao.testing import PASSWORD

from .helpers import part

pytestmark = pytest.mark.django_db


def _open(cast):
    ballot = actions.create_ballot(
        actor=cast.user("secretary"), participation=part(cast), branch=cast.branch_a1
    )
    codes = actions.issue_codes(actor=cast.user("secretary"), ballot=ballot, count=2)
    actions.open_ballot(actor=cast.user("secretary"), ballot=ballot)
    ids = list(ballot.members.values_list("person_id", flat=True))
    return ballot, codes, ids


def _counts(ids, first_excellent: int, valid: int):
    """The first member gets ``first_excellent`` 优秀 and the rest 合格; others all 合格."""
    out = {(pk, "qualified"): valid for pk in ids}
    out[(ids[0], "excellent")] = first_excellent
    out[(ids[0], "qualified")] = valid - first_excellent
    return out


def _enter(cast, who, ballot, counts, valid, reason=""):
    return paper.enter_paper_votes(
        actor=cast.user(who), ballot=ballot, valid=valid, counts=counts, reason=reason
    )


def _page(cast, who, ballot) -> str:
    c = Client()
    c.login(username=who, password=PASSWORD)
    return c.get(f"/evaluation/ballots/{ballot.pk}/").content.decode()


def test_one_entry_counts_nothing_and_the_second_clerk_does_not_see_it(cast2005):
    ballot, _codes, ids = _open(cast2005)
    _enter(cast2005, "secretary", ballot, _counts(ids, 7, 23), 23)
    ballot.refresh_from_db()
    assert ballot.paper_votes == 0 and not PaperGradeCount.objects.exists()
    # The audit trail holds a digest, not the figures.
    event = AuditEvent.objects.get(action="evaluation.ballot.paper.enter")
    assert "counts" not in event.data and 23 not in event.data.values()
    # The second clerk's form is empty: neither 23 nor 7 is on his page.
    page = _page(cast2005, "liaison", ballot)
    assert "等待另一位同志独立清点并录入" in page
    assert 'value="23"' not in page and 'value="7"' not in page
    # The first clerk sees his own figures to correct them.
    mine = _page(cast2005, "secretary", ballot)
    assert 'name="valid" min="0" value="23"' in mine and 'value="7"' in mine
    with pytest.raises(TransitionError, match="两位同志分别录入且一致"):
        actions.close_ballot(actor=cast2005.user("secretary"), ballot=ballot)


def test_a_mismatch_is_shown_and_counts_nothing_until_corrected(cast2005):
    ballot, codes, ids = _open(cast2005)
    actions.cast_vote(code=codes[0], grades={pk: "qualified" for pk in ids})
    _enter(cast2005, "secretary", ballot, _counts(ids, 7, 23), 23)
    _enter(cast2005, "liaison", ballot, _counts(ids, 8, 23), 23)
    ballot.refresh_from_db()
    assert ballot.paper_votes == 0 and not PaperGradeCount.objects.exists()
    first = selectors.ballot_results(ballot)[0].name
    state = paper.paper_state(ballot, cast2005.user("liaison"))
    assert state["status"] == "mismatch"
    assert state["differences"] == [(f"{first} · 优秀", 7, 8), (f"{first} · 合格", 16, 15)]
    page = _page(cast2005, "secretary", ballot)
    assert "两次录入不一致" in page and f"{first} · 优秀" in page
    assert AuditEvent.objects.filter(action="evaluation.ballot.paper.mismatch").count() == 1
    with pytest.raises(TransitionError):
        actions.close_ballot(actor=cast2005.user("secretary"), ballot=ballot)
    # A third clerk cannot settle it; a correction needs a reason.
    with pytest.raises(DomainError, match="已由两位同志分别录入"):
        _enter(cast2005, "unit_head", ballot, _counts(ids, 7, 23), 23)
    with pytest.raises(DomainError, match="须写明理由"):
        _enter(cast2005, "liaison", ballot, _counts(ids, 7, 23), 23, reason="  ")
    _enter(cast2005, "liaison", ballot, _counts(ids, 7, 23), 23, reason="重新清点，多数了一张优秀")
    assert AuditEvent.objects.get(action="evaluation.ballot.paper.correct").reason == (
        "重新清点，多数了一张优秀"
    )
    ballot.refresh_from_db()
    assert ballot.paper_votes == 23
    assert "两次录入一致" in _page(cast2005, "secretary", ballot)
    actions.close_ballot(actor=cast2005.user("secretary"), ballot=ballot)
    ballot.refresh_from_db()
    results = {r.person_id: r for r in selectors.ballot_results(ballot)}
    # 23 paper ballots and one online vote, each counted once.
    assert results[ids[0]].total == 24
    assert dict((g, n) for g, _name, n in results[ids[0]].counts)["excellent"] == 7
    assert dict((g, n) for g, _name, n in results[ids[0]].counts)["qualified"] == 17


def test_the_same_clerk_cannot_enter_both_and_a_double_submit_changes_nothing(cast2005):
    ballot, _codes, ids = _open(cast2005)
    _enter(cast2005, "secretary", ballot, _counts(ids, 3, 10), 10)
    events = AuditEvent.objects.count()
    _enter(cast2005, "secretary", ballot, _counts(ids, 3, 10), 10)  # the same form twice
    assert AuditEvent.objects.count() == events
    assert PaperGradeEntry.objects.count() == 1
    ballot.refresh_from_db()
    assert ballot.paper_votes == 0  # one clerk alone never counts
    with pytest.raises(AccessDenied):
        _enter(cast2005, "group_leader", ballot, _counts(ids, 3, 10), 10)


def test_the_page_posts_both_entries(cast2005):
    ballot, _codes, ids = _open(cast2005)
    form = {"valid": "2"} | {f"n-{pk}-qualified": "2" for pk in ids}
    for who in ("secretary", "liaison"):
        c = Client()
        c.login(username=who, password=PASSWORD)
        response = c.post(f"/evaluation/ballots/{ballot.pk}/paper/", form, follow=True)
        assert response.status_code == 200
    assert "两次录入一致，纸质票已计入结果" in response.content.decode()
    ballot.refresh_from_db()
    assert ballot.paper_votes == 2
