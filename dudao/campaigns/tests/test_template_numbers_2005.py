"""The 2005 template carries the seeds' phases, steps and numbers (seeds 000, 001, 003, 004)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from dudao.campaigns.template_loader import builtin_template_paths, validate_template_file


@pytest.fixture(scope="module")
def data() -> dict:
    path = next(p for p in builtin_template_paths() if p.stem == "xianjinxing-2005")
    clean, errors = validate_template_file(path)
    assert errors == []
    return clean


def _req(data: dict, code: str) -> dict:
    (req,) = [r for p in data["phases"] for r in p["requirements"] if r["code"] == code]
    return req


def _instrument(data: dict, code: str) -> dict:
    (inst,) = [s for s in data["survey_instruments"] if s["code"] == code]
    return inst


def test_it_has_three_phases_then_the_consolidation_stage(data):
    phases = data["phases"]
    assert [(p["code"], p["name"], p["kind"]) for p in phases] == [
        ("study", "学习动员", "phase"),
        ("analysis", "分析评议", "phase"),
        ("rectify", "整改提高", "phase"),
        ("consolidate", "巩固扩大整改成果（回头看）", "consolidation"),
    ]
    assert phases[0]["duration_days"] == 45  # seed 001: 45天左右
    assert [s["name"] for s in phases[0]["steps"]] == [
        "思想发动",
        "学习培训",
        "明确新时期共产党员保持先进性的具体要求",
    ]
    assert "回头看" in [s["name"] for s in phases[3]["steps"]]
    # The last stage ends with the application to end (seed 001).
    assert phases[3]["transition"] == {
        "summary_document": "final_summary",
        "meeting_kind": None,
        "ends_participation": True,
    }


def test_it_has_the_study_numbers_of_seed_001(data):
    hours = _req(data, "study_hours")
    assert (hours["kind"], hours["params"]["min_hours"], hours["scope"]) == (
        "study_hours_per_member",
        45,
        "per_member",
    )
    assert _req(data, "concentrated_days")["params"] == {
        "session_kind": "concentrated",
        "min_days": 3,
    }
    assert _req(data, "central_group_days")["params"] == {
        "session_kind": "central_group",
        "min_days": 1,
    }
    assert _req(data, "session_length")["params"]["min_hours"] == 2
    notes = _req(data, "study_notes")
    assert notes["params"] == {"document_kind": "study_note", "min_count": 1}
    assert notes["scope"] == "per_member"


def test_it_has_the_mobilisation_report_lecture_and_knowledge_test(data):
    assert _req(data, "mobilisation_meeting")["params"] == {
        "meeting_kind": "mobilisation",
        "speaker_role": "unit_head",
        "min_count": 1,
    }
    assert _req(data, "head_lecture")["params"]["speaker_role"] == "unit_head"
    test = _req(data, "knowledge_test")
    assert test["kind"] == "test_participation" and test["params"] == {"share": "1"}
    # Seed 003: one member away missed the test — an exemption the template allows.
    assert test["applies_to"]["exemptable_categories"] == ["away"]
    assert test["blocking"] is True  # seed 001: 凡学习不合格的不得转段


def test_it_has_the_satisfaction_threshold_of_two_thirds(data):
    mass = _instrument(data, "mass_satisfaction")
    assert mass["rule"]["kind"] == "satisfied_share_at_least"
    assert Fraction(mass["rule"]["threshold"]) == Fraction(2, 3)
    assert mass["sampling"] == {"by": "group", "within": "notified_scope"}
    assert mass["anonymous"] is True and mass["min_group_size"] >= 2
    assert _req(data, "mass_satisfaction")["params"] == {"instrument": "mass_satisfaction"}


def test_it_orders_remedial_work_when_more_than_half_say_formality(data):
    effect = _instrument(data, "phase_effectiveness")
    assert effect["rule"] == {
        "kind": "remedial_when_share_above",
        "threshold": "1/2",
        "options": ["一般化", "走过场"],
        "questions": [],
    }
    assert [q["text"] for q in effect["questions"]] == ["是否找准抓住了突出问题", "有没有走过场"]
    assert effect["on_fail"] == {"action": "remedial_work", "document_kind": None}


def test_it_exempts_retired_members_from_the_self_analysis_test(data):
    test = _instrument(data, "self_analysis_test")
    assert test["exclude_categories"] == ["retired"]
    assert test["audience"]["unit_head"] == "unit_members"
    assert test["on_fail"] == {"action": "rewrite_document", "document_kind": "self_analysis"}
    assert test["questions"][0]["options"] == ["满意", "基本满意", "不满意"]


def test_it_has_the_document_kinds_with_checklists_and_publicity(data):
    kinds = {d["code"]: d for d in data["document_kinds"]}
    assert kinds["two_specifics"]["then_reported_to"] == "office"
    assert [i["text"] for i in data["checklists"]["plan_three_checks"]["items"]] == [
        "领导带头的措施是否落实",
        "需要解决的问题是否找准",
        "各项保证措施是否到位",
    ]
    personal = kinds["personal_rectification_plan"]
    assert personal["publicity"] == {"scope": "branch"}
    assert personal["endorsement"] == {"by": "branch_meeting"}
    assert kinds["grassroots_rectification_plan"]["endorsement"] == {"by": "higher_organisation"}
    assert kinds["organ_rectification_plan"]["publicity"] == {"scope": "public"}
    assert kinds["study_note"]["check_copying"] is True  # seed 003: copied from the internet


def test_it_has_three_batches_of_about_six_months(data):
    assert [(b["number"], b["scope"], b["duration_days"]) for b in data["batches"]] == [
        (1, "市、县两级党政机关和部分企事业单位", 180),
        (2, "城市基层和乡镇机关", 180),
        (3, "农村", 180),
    ]
