"""A branch ballot with 40 members and 40 voters counts every vote once when the votes arrive at
the same time, and a code submitted twice at once counts once (PostgreSQL, real threads)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from dudao.evaluation import actions, selectors

from .helpers import branch_members, part

pytestmark = pytest.mark.django_db(transaction=True)


def _run_all(fns):
    barrier = threading.Barrier(len(fns))
    out = [None] * len(fns)

    def wrap(i, fn):
        try:
            barrier.wait()
            out[i] = fn()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL (row locks)")
def test_forty_voters_on_forty_members(cast2005):
    assert connection.vendor == "postgresql"
    branch = cast2005.branch_b1
    branch_members(cast2005, branch, 39)  # plus 周敏: 40 members
    from dudao.orgs import actions as org_actions
    from dudao.orgs.models import Role

    org_actions.grant_role(
        actor=None,
        user=cast2005.user("liaison"),
        role=Role.UNIT_LIAISON,
        organisation=cast2005.unit_b,
    )
    p = part(cast2005, cast2005.unit_b)
    ballot = actions.create_ballot(actor=cast2005.user("liaison"), participation=p, branch=branch)
    ids = list(ballot.members.values_list("person_id", flat=True))
    assert len(ids) == 40
    codes = actions.issue_codes(actor=cast2005.user("liaison"), ballot=ballot, count=40)
    actions.open_ballot(actor=cast2005.user("liaison"), ballot=ballot)
    grades = ["excellent", "qualified", "basically_qualified", "unqualified"]

    def voter(i):
        return lambda: (
            actions.cast_vote(
                code=codes[i], grades={pk: grades[(i + j) % 4] for j, pk in enumerate(ids)}
            ).status
        )

    # 40 voters at once, and the first code sent a second time at the same moment.
    statuses = _run_all([voter(i) for i in range(40)] + [voter(0)])
    assert statuses.count("counted") == 40 and statuses.count("used") == 1
    actions.close_ballot(actor=cast2005.user("liaison"), ballot=ballot)
    ballot.refresh_from_db()
    results = selectors.ballot_results(ballot)
    assert len(results) == 40
    for j, r in enumerate(results):
        assert r.total == 40
        # voter i gives member j grade (i + j) % 4: ten votes of each grade per member.
        assert [n for _g, _name, n in r.counts] == [10, 10, 10, 10], j
