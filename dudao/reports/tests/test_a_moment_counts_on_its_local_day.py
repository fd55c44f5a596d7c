"""A date filter on a moment (an order's ``ordered_at``) counts it on its day in the current
time zone, at both edges of the range, as ``ordered_at__date`` would; a date column named
``date`` behind a relation (``session__date``) stays a date."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from dudao.records.models import Attendance
from dudao.reports.selectors import Filters, date_range_q, tally_report
from dudao.transitions.models import RemedialOrder

LOCAL = ZoneInfo("Asia/Shanghai")


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2005, 3, day, hour, minute, tzinfo=LOCAL)


@pytest.mark.parametrize(
    ("ordered", "counted"),
    [
        (_at(1, 0, 0), True),  # midnight opening the first day (16:00 UTC the day before)
        (_at(1, 7, 59), True),  # still 28 February in UTC
        (_at(3, 23, 59), True),  # the last minute of the last day
        (_at(4, 0, 0), False),  # midnight after it
        (_at(4, 7, 30), False),  # still 3 March in UTC
        (dt.datetime(2005, 2, 28, 23, 59, tzinfo=LOCAL), False),
    ],
)
def test_an_order_counts_on_its_local_day(cast2005, records2005, settings, ordered, counted):
    settings.TIME_ZONE = "Asia/Shanghai"
    RemedialOrder.objects.update(ordered_at=ordered)
    with timezone.override(LOCAL):
        report = tally_report(
            user=cast2005.user("office"),
            campaign=cast2005.campaign,
            filters=Filters(date_from=dt.date(2005, 3, 1), date_to=dt.date(2005, 3, 3)),
            codes=["remedial_orders"],
        )
        by_cast = RemedialOrder.objects.filter(
            ordered_at__date__gte=dt.date(2005, 3, 1), ordered_at__date__lte=dt.date(2005, 3, 3)
        ).count()
    assert report.values["remedial_orders"] == (1 if counted else 0) == by_cast


def test_a_date_behind_a_relation_stays_a_date(db):
    q = date_range_q(Attendance, "session__date", dt.date(2005, 3, 1), dt.date(2005, 3, 3))
    assert dict(q.children) == {
        "session__date__gte": dt.date(2005, 3, 1),
        "session__date__lte": dt.date(2005, 3, 3),
    }
    moment = date_range_q(RemedialOrder, "ordered_at__date", None, dt.date(2005, 3, 3))
    assert dict(moment.children) == {
        "ordered_at__lt": timezone.make_aware(dt.datetime(2005, 3, 4)),
    }
