"""The 2014 template carries seed 002's phases, checklist and numbers."""

from __future__ import annotations

import pytest

from dudao.campaigns.template_loader import builtin_template_paths, validate_template_file


@pytest.fixture(scope="module")
def data() -> dict:
    path = next(p for p in builtin_template_paths() if p.stem == "qunzhong-luxian-2014")
    clean, errors = validate_template_file(path)
    assert errors == []
    return clean


def _req(data: dict, code: str) -> dict:
    (req,) = [r for p in data["phases"] for r in p["requirements"] if r["code"] == code]
    return req


def test_it_has_the_three_phases_of_seed_002(data):
    assert [p["name"] for p in data["phases"]] == [
        "学习教育、听取意见",
        "查摆问题、开展批评",
        "整改落实、建章立制",
    ]
    assert data["phases"][0]["code"] == "study_listen"
    assert all(p["kind"] == "phase" for p in data["phases"])


def test_it_has_the_four_reviews_checklist_on_the_plan(data):
    items = data["checklists"]["four_reviews"]["items"]
    assert data["checklists"]["four_reviews"]["name"] == "四审四看"
    assert [i["text"][:4] for i in items] == ["审规定动", "审自选动", "审时间进", "审问题导"]
    assert len(items) == 4
    plan = next(d for d in data["document_kinds"] if d["code"] == "implementation_plan")
    assert plan["checklist"] == "four_reviews" and plan["min_review_rounds"] == 2


def test_it_has_the_talk_problem_and_criticism_numbers(data):
    talks = _req(data, "talk_rounds")
    assert (talks["kind"], talks["params"], talks["scope"]) == (
        "talk_rounds",
        {"min_rounds": 3},
        "per_leadership_team",
    )
    found = _req(data, "self_found")
    assert (found["kind"], found["params"], found["scope"]) == (
        "self_found_problems",
        {"min_count": 15},
        "per_leadership_team",
    )
    criticisms = _req(data, "criticisms")
    assert (criticisms["kind"], criticisms["params"], criticisms["scope"]) == (
        "criticisms_per_person",
        {"min_count": 5},
        "per_person",
    )
    assert criticisms["applies_to"]["leadership_only"] is True


def test_it_reviews_the_team_material_three_drafts_and_each_leader_two(data):
    kinds = {d["code"]: d for d in data["document_kinds"]}
    assert kinds["team_review_check"]["min_review_rounds"] == 3
    assert kinds["leader_review_check"]["min_review_rounds"] == 2
    assert kinds["leader_review_check"]["submitted_by"] == "leadership_member"
    assert _req(data, "team_material_rounds")["params"] == {
        "document_kind": "team_review_check",
        "min_rounds": 3,
    }
    assert _req(data, "leader_material_rounds")["params"]["min_rounds"] == 2
    # Given without min_rounds, the requirement takes the document kind's number.
    assert _req(data, "plan_rounds")["params"] == {
        "document_kind": "implementation_plan",
        "min_rounds": 2,
    }
