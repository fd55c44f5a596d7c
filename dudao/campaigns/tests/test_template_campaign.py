"""A campaign created from the loaded 2005 template has its three batches and first phase."""

from __future__ import annotations

import datetime as dt

import pytest

from dudao.campaigns import actions
from dudao.campaigns.template_loader import load_builtin_template
from dudao.orgs.actions import create_organisation

pytestmark = pytest.mark.django_db


def test_it_creates_the_three_batches_and_enrols_units_in_the_first_phase():
    template = load_builtin_template("xianjinxing-2005")
    city = create_organisation(actor=None, code="C", name="市委", kind="city_committee")
    unit = create_organisation(actor=None, code="U", name="市财政局", kind="unit", parent=city)
    campaign = actions.create_campaign(
        actor=None, template=template, root=city, start_date=dt.date(2005, 1, 15)
    )
    batches = list(campaign.batches.order_by("number").values_list("number", "name", "scope"))
    assert batches == [
        (1, "第一批", "市、县两级党政机关和部分企事业单位"),
        (2, "第二批", "城市基层和乡镇机关"),
        (3, "第三批", "农村"),
    ]
    assert actions.first_phase_code(campaign) == "study"
    participation = actions.enrol_unit(
        actor=None, campaign=campaign, batch=campaign.batches.get(number=1), unit=unit
    )
    assert participation.current_phase == "study"
    assert template.phase_name(participation.current_phase) == "学习动员"
