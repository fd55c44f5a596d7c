"""Both built-in templates validate and load, with every default filled in."""

from __future__ import annotations

import re

import pytest

from dudao.campaigns.models import CampaignTemplate
from dudao.campaigns.template_loader import (
    builtin_template_paths,
    load_builtin_template,
    load_template,
    validate_template_file,
)
from dudao.campaigns.template_schema import MEMBER_CATEGORIES
from dudao.core.models import AuditEvent
from dudao.orgs.models import PersonCategory

BUILTIN = {"xianjinxing-2005", "qunzhong-luxian-2014", "buwang-chuxin-2019"}


def _requirements(data: dict):
    for phase in data["phases"]:
        yield from phase["requirements"]


def test_it_ships_both_templates_each_named_after_its_code():
    paths = builtin_template_paths()
    assert {p.stem for p in paths} == BUILTIN
    for path in paths:
        data, errors = validate_template_file(path)
        assert errors == []
        assert data["code"] == path.stem
        assert isinstance(data["version"], str)


@pytest.mark.django_db
def test_it_loads_each_builtin_template_with_an_audit_event():
    for path in builtin_template_paths():
        template = load_template(actor=None, path=path)
        assert template.pk and template.code == path.stem
        assert len(template.sha256) == 64
    assert set(CampaignTemplate.objects.values_list("code", flat=True)) == BUILTIN
    events = AuditEvent.objects.filter(action="template.load")
    assert sorted(e.data["code"] for e in events) == sorted(BUILTIN)


@pytest.mark.django_db
def test_it_stores_normalised_requirements_citing_a_seed():
    for code in BUILTIN:
        data = load_builtin_template(code).data
        for req in _requirements(data):
            # The 2019 template is written from public records, not from the seeds.
            cited = r"seed 00[0-4]" if code != "buwang-chuxin-2019" else r"《|通知"
            assert re.search(cited, req["source"]), req["code"]
            # Defaults are stored, so readers of the data need not know them.
            assert set(req) >= {"code", "kind", "name", "params", "scope", "applies_to", "step"}
            assert req["blocking"] in (True, False)
        assert data["phases"][0]["order"] == 1
        assert [p["order"] for p in data["phases"]] == list(range(1, len(data["phases"]) + 1))


def test_it_knows_the_same_member_categories_as_the_person_model():
    assert set(MEMBER_CATEGORIES) == set(PersonCategory.values)
