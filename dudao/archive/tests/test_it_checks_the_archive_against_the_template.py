"""The completeness checklist comes from the template's ``archive`` section and names what is
missing; the unit page shows it."""

from __future__ import annotations

import copy

import pytest
import yaml

from dudao.archive import rules, selectors
from dudao.campaigns.template_loader import BUILTIN_DIR
from dudao.campaigns.template_schema import validate_template_data


def _state(checklist, code):
    return next(s for s in checklist.lines if s.line.code == code)


def test_each_shipped_template_has_its_own_archive_section():
    sections = {}
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        clean, errors = validate_template_data(yaml.safe_load(path.read_text("utf-8")))
        assert errors == [], path
        sections[path.stem] = [i["code"] for i in clean["archive"]["items"]]
        assert clean["archive"]["source"]
    assert len({tuple(v) for v in sections.values()}) == 3


def test_the_schema_names_a_wrong_reference():
    path = next(BUILTIN_DIR.glob("xianjinxing-2005.yaml"))
    data = yaml.safe_load(path.read_text("utf-8"))
    broken = copy.deepcopy(data)
    broken["archive"]["items"][0]["document_kind"] = "no_such_kind"
    broken["archive"]["items"][1]["phase"] = "no_such_phase"
    _, errors = validate_template_data(broken)
    texts = [str(e) for e in errors]
    assert any("archive.items[0].document_kind" in t and "no_such_kind" in t for t in texts)
    assert any("archive.items[1].phase" in t for t in texts)
    del broken["archive"]["items"][1]["record_kind"]
    _, errors = validate_template_data(broken)
    assert any("record_kind" in str(e) for e in errors)


def test_an_empty_unit_misses_every_line_with_counts(part):
    checklist = selectors.checklist(part)
    assert [s.line.code for s in checklist.lines] == [
        line.code for line in rules.lines_of(part.campaign.template)
    ]
    plan = _state(checklist, "plan")
    assert not plan.ok and plan.missing == "应有 1 项，现有 0 项，缺 1 项"
    assert not checklist.complete


def test_filled_lines_turn_complete_and_open_items_are_named(filled):
    checklist = selectors.checklist(filled)
    assert _state(checklist, "plan").ok
    # The self-analysis was submitted, not approved: it does not count.
    assert not _state(checklist, "self_analysis").ok
    assert _state(checklist, "analysis_meetings").have == 2
    assert _state(checklist, "analysis_survey").ok
    assert _state(checklist, "study_decision").ok
    assert not _state(checklist, "analysis_decision").ok
    rect = _state(checklist, "rectify_items")
    assert rect.have == 1 and not rect.ok and "1 项整改事项未办结" in rect.missing


def test_a_template_section_changes_the_checklist_without_code(filled):
    template = filled.campaign.template
    data = copy.deepcopy(template.data)
    data["archive"]["items"] = [
        {
            "code": "meetings3",
            "name": "会议记录三次",
            "kind": "records",
            "record_kind": "meetings",
            "min_count": 3,
        },
    ]
    template.data = data
    template.save(update_fields=["data"])
    checklist = selectors.checklist(filled)
    assert [(s.line.name, s.have, s.ok) for s in checklist.lines] == [("会议记录三次", 2, False)]


def test_checklists_of_many_units_take_fixed_queries(
    cast2005, filled, django_assert_max_num_queries
):
    from dudao.campaigns.models import Participation

    parts = list(
        Participation.objects.filter(campaign=cast2005.campaign).select_related(
            "campaign__template"
        )
    )
    assert len(parts) > 1
    with django_assert_max_num_queries(8):
        out = selectors.checklists(parts)
    assert set(out) == {p.pk for p in parts}


@pytest.mark.parametrize("role", ["office", "group_leader", "unit_head"])
def test_the_unit_page_shows_what_is_missing(client, cast2005, filled, role):
    client.force_login(cast2005.user(role))
    page = client.get(f"/units/{cast2005.unit_a.pk}/").content.decode()
    assert "活动档案" in page and "缺" in page and "党性分析材料" in page
    assert f"/archive/units/{filled.pk}/" in page


def test_a_member_sees_no_archive_panel(client, cast2005, filled):
    client.force_login(cast2005.user("member"))
    response = client.get(f"/units/{cast2005.unit_a.pk}/")
    assert "/archive/units/" not in response.content.decode()
