"""The dashboard's transitions chart counts approvals by the local (Asia/Shanghai) day of the
office's decision, into weeks starting on Monday: an approval at 00:30 on a Monday, Beijing
time, is still Sunday in UTC and belongs to the new week; one at 23:59 on Sunday to the old.
Grouped in SQL (on SQLite by the stored UTC minute, converted here)."""

from __future__ import annotations

import datetime as dt

from dudao.reports import charts, selectors
from dudao.transitions.models import TransitionApplication

from .helpers import part

UTC = dt.UTC


def _approved(cast, unit, at, status="approved", phases=("study", "analysis")):
    return TransitionApplication.objects.create(
        campaign=cast.campaign,
        participation=part(cast, unit),
        from_phase=phases[0],
        to_phase=phases[1],
        summary="小结",
        status=status,
        waiting_since=at,
        submitted_at=at,
        office_decided_at=at if status == "approved" else None,
    )


def test_approvals_count_in_the_week_of_their_local_day(cast2005):
    c = cast2005
    _approved(c, c.unit_a, dt.datetime(2005, 2, 6, 15, 59, tzinfo=UTC))  # Sun 23:59 Beijing
    _approved(c, c.unit_b, dt.datetime(2005, 2, 6, 16, 30, tzinfo=UTC))  # Mon 00:30 Beijing
    _approved(c, c.unit_c, dt.datetime(2005, 2, 7, 3, 0, tzinfo=UTC))  # Mon 11:00 Beijing
    _approved(
        c,
        c.unit_c,
        dt.datetime(2005, 2, 8, 3, 0, tzinfo=UTC),
        status="submitted",
        phases=("analysis", "rectify"),
    )
    office = c.user("office")
    report = selectors.tally_report(user=office, campaign=c.campaign, per_unit=False)
    (chart,) = charts.dashboard(office, c.campaign, report, only="transitions")
    assert chart["categories"] == ["2005-01-31", "2005-02-07"]
    assert chart["series"] == [{"name": "批准转段", "data": [1, 2]}]
    # A group's chart counts its own units only.
    leader = c.user("group_leader")
    mine = selectors.tally_report(user=leader, campaign=c.campaign, per_unit=False)
    (own,) = charts.dashboard(leader, c.campaign, mine, only="transitions")
    assert sum(own["series"][0]["data"]) == 1
