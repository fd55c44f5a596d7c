from __future__ import annotations

import datetime as dt

import pytest

from dudao.campaigns.models import Participation


@pytest.fixture
def cast(db):
    """The named cast on the 2005 template: phases study/analysis/rectify/consolidate and the
    2005 session kinds."""
    from dudao.campaigns.template_loader import load_builtin_template
    from dudao.testing import build_cast

    return build_cast(template=load_builtin_template("xianjinxing-2005"))


@pytest.fixture
def pa(cast) -> Participation:
    """Unit A's participation (东城区财政局, supervised by 第一督导组)."""
    return Participation.objects.select_related("campaign__template", "unit").get(
        campaign=cast.campaign, unit=cast.unit_a
    )


@pytest.fixture
def unit_people(cast):
    keys = ["head", "liaison", "secretary", "member", "retired", "away"]
    return [cast.people[k] for k in keys]


SATURDAY = dt.date(2005, 1, 29)
MONDAY = dt.date(2005, 1, 31)
