from __future__ import annotations

import datetime as dt

import pytest

from dudao.reports.selectors import Filters, tally_report

from .helpers import EXPECTED


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_it_counts_each_category_per_unit_group_and_campaign(cast2005, records2005, code):
    report = tally_report(user=cast2005.user("office"), campaign=cast2005.campaign)
    a, b, c = (records2005[k].pk for k in "abc")
    want_a, want_b, want_c = EXPECTED[code]
    assert [report.unit_value(code, pid) for pid in (a, b, c)] == [want_a, want_b, want_c]
    assert report.by_group[code].get(cast2005.group1.pk, 0) == want_a
    assert report.by_group[code].get(cast2005.group2.pk, 0) == want_b + want_c
    assert report.values[code] == want_a + want_b + want_c


def test_it_counts_only_the_group_s_units_for_a_group(cast2005, records2005):
    report = tally_report(user=cast2005.user("group_leader"), campaign=cast2005.campaign)
    assert [u.name for u in report.units] == ["东城区财政局"]
    assert report.values["forums"] == 1
    assert report.values["study_sessions"] == 3


def test_it_filters_by_phase_group_and_dates(cast2005, records2005):
    office = cast2005.user("office")
    by_phase = tally_report(
        user=office, campaign=cast2005.campaign, filters=Filters(phase="analysis")
    )
    assert by_phase.values["study_sessions"] == 1
    assert by_phase.values["forums"] == 1
    # Rectification items carry no phase: not applicable under a phase filter.
    assert by_phase.values["items_immediate"] is None
    by_group = tally_report(
        user=office, campaign=cast2005.campaign, filters=Filters(group_id=cast2005.group2.pk)
    )
    assert by_group.values["forums"] == 3
    assert len(by_group.units) == 2
    by_date = tally_report(
        user=office,
        campaign=cast2005.campaign,
        filters=Filters(date_from=dt.date(2005, 2, 2), date_to=dt.date(2005, 2, 28)),
    )
    assert by_date.values["study_sessions"] == 1  # B's video on 8 February
    assert by_date.values["forums"] == 0


def test_it_reports_every_registered_tally_without_a_reports_section(db):
    from dudao.reports.registry import all_tallies
    from dudao.testing import build_cast

    cast = build_cast()  # the cast's minimal template has no reports section
    report = tally_report(user=cast.user("office"), campaign=cast.campaign)
    assert [f.code for f in report.figures] == list(all_tallies())
    assert all(v == 0 for v in report.values.values())


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_the_totals_only_report_counts_the_same_per_group_and_campaign(cast2005, records2005, code):
    report = tally_report(user=cast2005.user("office"), campaign=cast2005.campaign, per_unit=False)
    want_a, want_b, want_c = EXPECTED[code]
    assert report.by_group[code].get(cast2005.group1.pk, 0) == want_a
    assert report.by_group[code].get(cast2005.group2.pk, 0) == want_b + want_c
    assert report.values[code] == want_a + want_b + want_c


@pytest.mark.parametrize("who", ["office", "group_leader"])
def test_a_week_s_totals_only_report_counts_what_the_per_unit_report_counts(
    cast2005, records2005, who
):
    """The bulletin's week facts are counted totals only: for every figure, in ranges with
    records and in one with none, as the office and as a group, the same as unit by unit."""
    user = cast2005.user(who)
    counted = []
    for start, end in (
        (dt.date(2005, 2, 2), dt.date(2005, 2, 28)),
        (dt.date(2005, 1, 1), dt.date(2005, 12, 31)),
        (dt.date(2004, 1, 1), dt.date(2004, 1, 7)),
    ):
        week = Filters(date_from=start, date_to=end)
        per_unit = tally_report(user=user, campaign=cast2005.campaign, filters=week)
        totals = tally_report(user=user, campaign=cast2005.campaign, filters=week, per_unit=False)
        assert totals.values == per_unit.values
        counted.append(sum(1 for v in per_unit.values.values() if v))
    assert counted[1] > 0 and counted[1] >= counted[0] and counted[2] == 0
