from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from dudao.campaigns import actions
from dudao.campaigns.models import CampaignTemplate
from dudao.campaigns.template_loader import (
    builtin_template_paths,
    load_builtin_template,
    load_template,
)
from dudao.core.models import AuditEvent
from dudao.orgs.actions import create_organisation

pytestmark = pytest.mark.django_db


def _req(data: dict, code: str) -> dict:
    for phase in data["phases"]:
        for req in phase["requirements"]:
            if req["code"] == code:
                return req
    raise AssertionError(code)


def test_it_loads_every_builtin_template_once():
    assert {p.stem for p in builtin_template_paths()} == {
        "xianjinxing-2005",
        "qunzhong-luxian-2014",
    }
    for path in builtin_template_paths():
        _t, created = load_template(actor=None, path=path)
        assert created
    for path in builtin_template_paths():
        _t, created = load_template(actor=None, path=path)
        assert not created
    assert CampaignTemplate.objects.count() == 2
    assert AuditEvent.objects.filter(action="template.load").count() == 2


def test_it_carries_the_2005_numbers_from_the_seeds():
    data = load_builtin_template("xianjinxing-2005").data
    assert [p["name"] for p in data["phases"]] == [
        "学习动员",
        "分析评议",
        "整改提高",
        "巩固扩大整改成果（回头看）",
    ]
    assert data["phases"][3]["kind"] == "consolidation"
    assert _req(data, "study_hours")["params"]["min_hours"] == 45
    assert _req(data, "concentrated_days")["params"] == {
        "session_kind": "concentrated",
        "min_days": 3.0,
    }
    assert _req(data, "central_group_days")["params"]["min_days"] == 1
    assert _req(data, "study_notes")["params"]["min_count"] == 1
    assert _req(data, "mobilisation_meeting")["params"]["speaker_role"] == "unit_head"
    assert _req(data, "knowledge_test")["kind"] == "test_participation"
    mass = next(s for s in data["survey_instruments"] if s["code"] == "mass_satisfaction")
    assert Fraction(mass["rule"]["threshold"]) == Fraction(2, 3)
    effect = next(s for s in data["survey_instruments"] if s["code"] == "phase_effectiveness")
    assert effect["rule"] == {
        "kind": "remedial_when_share_above",
        "threshold": "1/2",
        "options": ["一般化", "走过场"],
    }
    assert [b["scope"] for b in data["batches"]][2] == "农村"


def test_it_carries_the_2014_numbers_from_seed_002():
    data = load_builtin_template("qunzhong-luxian-2014").data
    assert [p["name"] for p in data["phases"]] == [
        "学习教育、听取意见",
        "查摆问题、开展批评",
        "整改落实、建章立制",
    ]
    assert len(data["checklists"]["four_reviews"]["items"]) == 4
    assert data["checklists"]["four_reviews"]["items"][3]["text"].startswith("审问题导向")
    assert _req(data, "talk_rounds")["params"]["min_rounds"] == 3
    self_found = _req(data, "self_found")
    assert self_found["params"]["min_count"] == 15 and self_found["scope"] == "per_leadership_team"
    assert _req(data, "criticisms")["params"]["min_count"] == 5
    kinds = {d["code"]: d for d in data["document_kinds"]}
    assert kinds["team_review_check"]["min_review_rounds"] == 3
    assert kinds["leader_review_check"]["min_review_rounds"] == 2
    assert kinds["implementation_plan"]["checklist"] == "four_reviews"


def test_it_keeps_display_names_as_data():
    data = load_builtin_template("xianjinxing-2005").data
    assert data["names"]["short"] == "先进性教育活动"
    assert "先教活动" in data["names"]["forbidden_short"]


def test_it_creates_a_campaign_with_the_template_batches_and_first_phase():
    template = load_builtin_template("xianjinxing-2005")
    city = create_organisation(actor=None, code="C", name="市委", kind="city_committee")
    unit = create_organisation(actor=None, code="U", name="市财政局", kind="unit", parent=city)
    campaign = actions.create_campaign(
        actor=None, template=template, root=city, start_date=dt.date(2005, 1, 15)
    )
    assert campaign.short_name == "先进性教育活动"
    assert list(campaign.batches.values_list("name", flat=True)) == ["第一批", "第二批", "第三批"]
    p = actions.enrol_unit(actor=None, campaign=campaign, batch=campaign.batches.first(), unit=unit)
    assert p.current_phase == "study"
