"""批准后更正 (issue 10, "Done when"): a correction of a record behind an approved transition is
shown, with its reason, on the unit's timeline and on the office's dashboard, and the phase it
belongs to is judged again on the record as it now stands."""

from __future__ import annotations

import datetime as dt

import pytest

from dudao.campaigns.requirements import evaluate_campaign
from dudao.records import actions as records
from dudao.transitions import selectors

from .helpers import part

pytestmark = pytest.mark.django_db

NAME = "单位主要负责同志亲自作动员报告"


def _moved_on_after_the_mobilisation(cast):
    p = part(cast)
    meeting = records.record_meeting(
        actor=cast.user("liaison"),
        participation=p,
        kind="mobilisation",
        date=dt.date(2005, 1, 20),
        title="先进性教育动员大会",
        speaker="王建国",
        speaker_role="unit_head",
    )
    before = evaluate_campaign(p.campaign, participation_ids=[p.pk], phase="study")[p.pk]
    assert before.result("mobilisation_meeting").status == "passed"
    p.current_phase = "analysis"  # what approving the transition does
    p.save(update_fields=["current_phase"])
    return p, meeting


def test_the_timeline_shows_the_correction_and_the_phase_judged_again(cast2005, client):
    p, meeting = _moved_on_after_the_mobilisation(cast2005)
    t = selectors.timeline(p)
    study = next(ph for ph in t["phases"] if ph.code == "study")
    assert study.corrections == 0 and study.still_met is None
    records.correct_record(
        "meetings",
        actor=cast2005.user("liaison"),
        record=meeting,
        reason="会议实际由副职主持，录入有误",
        delete=True,
    )
    t = selectors.timeline(p)
    study = next(ph for ph in t["phases"] if ph.code == "study")
    assert study.corrections == 1 and study.still_met is False
    assert NAME in study.now_failing
    event = next(e for e in t["events"] if e.status == "correction")
    assert "先进性教育动员大会" in event.what and "副职主持" in event.detail
    client.force_login(cast2005.user("group_leader"))
    body = client.get(f"/transitions/timeline/{p.pk}/").content.decode()
    assert "批准后更正 1 处" in body and "现未达到" in body and NAME in body
    assert "会议实际由副职主持，录入有误" in body


def test_the_office_dashboard_lists_corrected_units_with_the_verdict(cast2005, client):
    p, meeting = _moved_on_after_the_mobilisation(cast2005)
    client.force_login(cast2005.user("office"))
    url = f"/transitions/campaigns/{p.campaign_id}/"
    assert "没有批准后更正的记录" in client.get(url).content.decode()
    records.correct_record(
        "meetings",
        actor=cast2005.user("unit_head"),
        record=meeting,
        reason="日期录错",
        data={**records.record_data("meetings", meeting), "date": dt.date(2005, 1, 21)},
    )
    rows = selectors.corrections_after_approval(p.campaign)
    assert [(r.unit_name, r.phase_name, len(r.corrections)) for r in rows] == [
        (p.unit_name, "学习动员", 1)
    ]
    assert NAME not in rows[0].now_failing  # the meeting still stands after the date fix
    body = client.get(url).content.decode()
    assert "批准后更正记录的单位" in body and "日期录错" in body and p.unit_name in body
