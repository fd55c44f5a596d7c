"""Display names are data: the official short name comes from the template (seed 004)."""

from __future__ import annotations

import datetime as dt

import pytest

from dudao.campaigns import actions
from dudao.campaigns.template_loader import load_builtin_template
from dudao.core.errors import DomainError
from dudao.orgs.actions import create_organisation

pytestmark = pytest.mark.django_db


def test_it_keeps_the_official_short_names_and_the_forbidden_ones():
    names = load_builtin_template("xianjinxing-2005").data["names"]
    assert names["full"] == "保持共产党员先进性教育活动"
    assert names["short"] == "先进性教育活动"
    assert names["forbidden_short"] == ["先教活动", "保先活动"]
    assert names["office"]["short"] == "先进性教育活动办公室"
    assert set(names["office"]["forbidden_short"]) == {"先教办", "保先办"}
    names_2014 = load_builtin_template("qunzhong-luxian-2014").data["names"]
    assert names_2014["short"] == "教育实践活动"


def test_a_campaign_takes_its_names_from_the_template():
    template = load_builtin_template("xianjinxing-2005")
    city = create_organisation(actor=None, code="C", name="市委", kind="city_committee")
    campaign = actions.create_campaign(
        actor=None, template=template, root=city, start_date=dt.date(2005, 1, 15)
    )
    assert (campaign.name, campaign.short_name) == ("保持共产党员先进性教育活动", "先进性教育活动")
    with pytest.raises(DomainError, match="先进性教育活动"):
        actions.create_campaign_from_template(
            actor=None,
            template=template,
            root=city,
            short_name="保先活动",
            start_date=dt.date(2005, 7, 1),
        )
