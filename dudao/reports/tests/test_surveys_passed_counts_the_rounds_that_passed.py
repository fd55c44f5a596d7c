"""测评通过 counts the closed rounds whose outcome passed: unit by unit and in the totals the
campaign page and the weekly bulletin read, within a date range, and never an open round."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dudao.reports.selectors import Filters, tally_report
from dudao.surveys.models import RoundStatus, SurveyRound, Tally

from .helpers import part


def _round(participation, *, actor, closed_on, satisfied: int, not_satisfied: int, status=None):
    at = timezone.make_aware(dt.datetime.combine(closed_on, dt.time(15)))
    rnd = SurveyRound.objects.create(
        campaign_id=participation.campaign_id,
        participation=participation,
        instrument="rectification_survey" if status is None else "mass_satisfaction",
        status=status or RoundStatus.CLOSED,
        created_by=actor,
        opened_at=at - dt.timedelta(days=1),
        closed_at=at if status is None else None,
    )
    Tally.objects.bulk_create(
        [
            Tally(round=rnd, question="rectification", option="满意", count=satisfied),
            Tally(round=rnd, question="rectification", option="不满意", count=not_satisfied),
        ]
    )
    return rnd


def test_it_counts_the_passed_rounds_per_unit_in_the_totals_and_in_a_week(cast2005):
    a, b, c = (part(cast2005, u) for u in (cast2005.unit_a, cast2005.unit_b, cast2005.unit_c))
    leader = cast2005.user("group_leader")
    march, june = dt.date(2005, 3, 1), dt.date(2005, 6, 1)
    _round(a, actor=leader, closed_on=march, satisfied=25, not_satisfied=5)  # passed
    _round(b, actor=leader, closed_on=march, satisfied=10, not_satisfied=20)  # failed
    _round(c, actor=leader, closed_on=june, satisfied=28, not_satisfied=2)  # passed
    _round(c, actor=leader, closed_on=june, satisfied=30, not_satisfied=0,
           status=RoundStatus.OPEN)  # fmt: skip
    office = cast2005.user("office")
    campaign = cast2005.campaign

    whole = tally_report(user=office, campaign=campaign)
    assert [whole.unit_value("surveys_passed", p.pk) for p in (a, b, c)] == [1, 0, 1]
    assert [whole.unit_value("surveys_run", p.pk) for p in (a, b, c)] == [1, 1, 1]
    totals = tally_report(user=office, campaign=campaign, per_unit=False)
    assert totals.values["surveys_passed"] == 2 and totals.values["surveys_run"] == 3
    assert totals.by_group["surveys_passed"].get(cast2005.group1.pk, 0) == 1
    assert totals.by_group["surveys_passed"].get(cast2005.group2.pk, 0) == 1

    week = Filters(date_from=dt.date(2005, 2, 27), date_to=dt.date(2005, 3, 5))
    for per_unit in (True, False):
        in_week = tally_report(user=office, campaign=campaign, filters=week, per_unit=per_unit)
        assert in_week.values["surveys_passed"] == 1 and in_week.values["surveys_run"] == 2
    mine = tally_report(user=leader, campaign=campaign, filters=week, per_unit=False)
    assert mine.values["surveys_passed"] == 1


def _series(chart, name):
    return next(s["data"] for s in chart["series"] if s["name"] == name)


def test_the_campaign_page_weighs_the_rounds_once_and_its_chart_agrees(cast2005, monkeypatch):
    """The surveys chart takes 测评通过 per group from the table the page already counted:
    the rounds' outcomes are weighed once per page, and chart and table give the same groups."""
    from dudao.reports import cache, charts
    from dudao.reports.tallies import surveys_transitions

    a, b, c = (part(cast2005, u) for u in (cast2005.unit_a, cast2005.unit_b, cast2005.unit_c))
    leader = cast2005.user("group_leader")
    for p, ok in ((a, 25), (b, 10), (c, 28)):
        _round(p, actor=leader, closed_on=dt.date(2005, 3, 1), satisfied=ok, not_satisfied=30 - ok)
    weighed = []
    real = surveys_transitions.outcomes_for_rounds
    monkeypatch.setattr(
        surveys_transitions,
        "outcomes_for_rounds",
        lambda rounds, template: weighed.append(len(rounds)) or real(rounds, template),
    )
    office = cast2005.user("office")
    report, drawn = cache.campaign_page(office, cast2005.campaign, Filters())
    assert weighed == [3]
    (chart,) = [ch for ch in drawn if ch["key"] == "surveys"]
    names = [name for _gid, name in charts._group_names(report)]
    passed = dict(zip(names, _series(chart, "测评通过"), strict=True))
    by_group = report.by_group["surveys_passed"]
    assert passed == {name: by_group.get(gid, 0) for gid, name in charts._group_names(report)}
    assert sum(passed.values()) == 2
    # Without the figure in the table (another template), the chart counts it itself.
    (alone,) = charts.dashboard(
        office,
        cast2005.campaign,
        tally_report(user=office, campaign=cast2005.campaign, codes=[]),
        only="surveys",
    )
    assert sum(_series(alone, "测评通过")) == 2
