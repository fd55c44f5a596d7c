"""Evaluation is set-based: the number of queries does not grow with units or members."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dudao.campaigns import actions as campaign_actions
from dudao.campaigns.requirements import evaluate_campaign, evaluate_unit
from dudao.campaigns.template_loader import load_builtin_template
from dudao.orgs import actions as org_actions
from dudao.orgs.models import OrgKind
from dudao.testing import build_cast

from .seed003 import build_seed003

pytestmark = pytest.mark.django_db


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _add_units(cast, n: int, members: int) -> None:
    batch = cast.campaign.batches.get(number=1)
    for i in range(n):
        unit = org_actions.create_organisation(
            actor=None, code=f"QX{i}", name=f"加测单位{i}", kind=OrgKind.UNIT, parent=cast.district
        )
        branch = org_actions.create_organisation(
            actor=None, code=f"QX{i}-B", name=f"加测支部{i}", kind=OrgKind.BRANCH, parent=unit
        )
        for j in range(members):
            org_actions.create_person(
                actor=None, code=f"QX{i}-{j}", name=f"党员{i}-{j}", branch=branch, audit=False
            )
        campaign_actions.enrol_unit(actor=None, campaign=cast.campaign, batch=batch, unit=unit)


def test_it_uses_the_same_number_of_queries_for_3_units_and_for_13():
    cast = build_cast(template=load_builtin_template("xianjinxing-2005"))
    build_seed003(cast)
    campaign = cast.campaign
    small = _queries(lambda: evaluate_campaign(campaign))
    _add_units(cast, 10, 12)
    large = _queries(lambda: evaluate_campaign(campaign))
    assert small == large
    assert large <= 30


def test_it_reports_one_unit_with_a_bounded_number_of_queries():
    cast = build_cast(template=load_builtin_template("xianjinxing-2005"))
    seed = build_seed003(cast)
    n = _queries(lambda: evaluate_unit(seed.participation))
    _add_units(cast, 3, 20)
    assert _queries(lambda: evaluate_unit(seed.participation)) == n
    assert n <= 40
