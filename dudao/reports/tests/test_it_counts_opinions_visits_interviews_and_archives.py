"""Opinions collected / classified / fed back, visits, 约谈 and complete archives are counted
per unit, group and campaign like every other figure (seed 002: 218 opinions collected,
classified and fed back; 107 archives for 107 units)."""

from __future__ import annotations

import copy

import pytest

from dudao.reports.selectors import Filters, tally_report

from .helpers import EXPECTED_MORE, seed_opinions_visits_interviews


@pytest.fixture
def more(cast2005, records2005):
    seed_opinions_visits_interviews(cast2005, records2005)
    return records2005


def _check(report, cast, parts, code, want):
    a, b, c = (parts[k].pk for k in "abc")
    assert [report.unit_value(code, pid) for pid in (a, b, c)] == list(want)
    assert report.by_group[code].get(cast.group1.pk, 0) == want[0]
    assert report.by_group[code].get(cast.group2.pk, 0) == want[1] + want[2]
    assert report.values[code] == sum(want)


@pytest.mark.parametrize("code", sorted(EXPECTED_MORE))
def test_it_counts_the_figure_per_unit_group_and_campaign(cast2005, more, code):
    report = tally_report(user=cast2005.user("office"), campaign=cast2005.campaign)
    _check(report, cast2005, more, code, EXPECTED_MORE[code])


@pytest.mark.parametrize("code", sorted(EXPECTED_MORE))
def test_the_campaign_page_totals_agree(cast2005, more, code):
    report = tally_report(user=cast2005.user("office"), campaign=cast2005.campaign, per_unit=False)
    want = EXPECTED_MORE[code]
    assert report.by_group[code].get(cast2005.group1.pk, 0) == want[0]
    assert report.by_group[code].get(cast2005.group2.pk, 0) == want[1] + want[2]
    assert report.values[code] == sum(want)


def _with_sections(cast, tallies=None, archive=None):
    template = cast.campaign.template
    data = copy.deepcopy(template.data)
    if tallies is not None:
        data["reports"]["tallies"] = tallies
    if archive is not None:
        data["archive"]["items"] = archive
    template.data = data
    template.save(update_fields=["data"])


def test_it_counts_opinions_classified_and_narrows_by_channel(cast2005, more):
    _with_sections(
        cast2005,
        tallies=[
            {"key": "opinions_classified", "label": "梳理归类"},
            {
                "key": "opinions_collected",
                "code": "box",
                "label": "意见箱",
                "params": {"channels": ["box", "letter"]},
            },
        ],
    )
    report = tally_report(user=cast2005.user("office"), campaign=cast2005.campaign)
    _check(report, cast2005, more, "opinions_classified", (3, 0, 0))
    _check(report, cast2005, more, "box", (1, 1, 0))


def test_visits_count_people_and_narrow_by_kind(cast2005, more):
    _with_sections(
        cast2005,
        tallies=[
            {"key": "visit_people", "label": "接触人数"},
            {"key": "visits", "code": "forums", "label": "座谈", "params": {"kinds": ["forum"]}},
        ],
    )
    report = tally_report(user=cast2005.user("office"), campaign=cast2005.campaign)
    _check(report, cast2005, more, "visit_people", (13, 0, 0))
    _check(report, cast2005, more, "forums", (1, 0, 0))


def test_archives_complete_follow_the_template_checklist(cast2005, more):
    # Two study-phase meetings make the archive complete: A (forum, mobilisation) and B (two
    # forums) have them, C's one forum was in the analysis phase.
    _with_sections(
        cast2005,
        archive=[
            {
                "code": "meetings",
                "name": "学习动员阶段会议记录",
                "kind": "records",
                "record_kind": "meetings",
                "phase": "study",
                "min_count": 2,
            }
        ],
    )
    office = cast2005.user("office")
    report = tally_report(user=office, campaign=cast2005.campaign)
    _check(report, cast2005, more, "archives_complete", (1, 1, 0))
    totals = tally_report(user=office, campaign=cast2005.campaign, per_unit=False)
    assert totals.values["archives_complete"] == 2
    # Neither a phase nor a date range applies to a unit's whole archive.
    by_phase = tally_report(user=office, campaign=cast2005.campaign, filters=Filters(phase="study"))
    assert by_phase.values["archives_complete"] is None
    # A group sees its own units only.
    group = tally_report(user=cast2005.user("group_leader"), campaign=cast2005.campaign)
    assert group.values["archives_complete"] == 1


def test_the_drill_down_lists_the_complete_units_and_the_opinions(cast2005, more, client):
    _with_sections(
        cast2005,
        archive=[
            {
                "code": "meetings",
                "name": "会议记录",
                "kind": "records",
                "record_kind": "meetings",
                "min_count": 2,
            }
        ],
    )
    client.force_login(cast2005.user("office"))
    camp = cast2005.campaign.pk
    a = more["a"].pk
    page = client.get(f"/reports/campaigns/{camp}/figures/archives_complete/units/{a}/")
    assert page.status_code == 200
    assert "档案清单各项齐全" in page.content.decode()  # the table of the complete unit
    c = more["c"].pk
    page = client.get(f"/reports/campaigns/{camp}/figures/archives_complete/units/{c}/")
    assert page.status_code == 200
    assert "档案清单各项齐全" not in page.content.decode()
    page = client.get(f"/reports/campaigns/{camp}/figures/opinions_collected/units/{a}/")
    body = page.content.decode()
    assert body.count("意见箱") >= 1 and "座谈会" in body
