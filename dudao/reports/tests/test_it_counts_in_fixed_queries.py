from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dudao.campaigns.models import Participation
from dudao.orgs.actions import create_organisation
from dudao.records.models import Meeting
from dudao.reports.selectors import tally_report

from .helpers import D


def _queries(user, campaign) -> int:
    tally_report(user=user, campaign=campaign)  # the user's scope is read once, then kept
    with CaptureQueriesContext(connection) as ctx:
        report = tally_report(user=user, campaign=campaign)
    return len(ctx.captured_queries), report


def _more_units(cast, n):
    parent = cast.unit_a.parent
    batch = cast.campaign.batches.get(number=1)
    for i in range(n):
        org = create_organisation(
            actor=cast.user("admin"),
            code=f"RPT{i:03}",
            name=f"扩展单位{i:03}",
            kind=cast.unit_a.kind,
            parent=parent,
        )
        p = Participation.objects.create(
            campaign=cast.campaign,
            batch=batch,
            unit=org,
            group=cast.group2,
            current_phase="study",
            unit_name=org.name,
        )
        Meeting.objects.create(participation=p, phase="study", kind="forum", date=D, title="座谈会")


def test_it_counts_in_the_same_queries_for_3_and_30_units(cast2005, records2005):
    office = cast2005.user("office")
    small, _ = _queries(office, cast2005.campaign)
    _more_units(cast2005, 27)
    large, report = _queries(office, cast2005.campaign)
    assert report.values["forums"] == 4 + 27
    assert small == large


def test_a_group_report_counts_in_fixed_queries_too(cast2005, records2005):
    leader = cast2005.user("group_member")
    small, _ = _queries(leader, cast2005.campaign)
    _more_units(cast2005, 10)
    large, _ = _queries(leader, cast2005.campaign)
    assert small == large
