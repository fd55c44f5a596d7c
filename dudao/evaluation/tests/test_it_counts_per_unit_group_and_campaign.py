"""Counts per unit, group and campaign (issue 12 §10) in a fixed number of queries, and the
requirement kinds that read them: every member evaluated, every unqualified member's case."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dudao.campaigns.requirements import evaluate_unit
from dudao.evaluation import actions, selectors

from .helpers import branch_members, part
from .helpers_grades import graded

pytestmark = pytest.mark.django_db


def test_counts_add_up_and_do_not_grow_with_the_units(cast2005):
    ev = graded(cast2005)  # 李晓梅 of unit A: unqualified, no case yet
    with CaptureQueriesContext(connection) as few:
        counts = selectors.campaign_counts(cast2005.campaign)
    a = counts["units"][part(cast2005).pk]
    assert (a.decided, a.unqualified, a.cases) == (1, 1, 0)
    assert a.members == 6  # the six party members of unit A in the cast
    assert counts["total"]["unqualified"] == 1
    assert counts["groups"][cast2005.group1.pk]["decided"] == 1
    actions.open_case(actor=cast2005.user("secretary"), evaluation=ev)
    branch_members(cast2005, cast2005.branch_b1, 30)
    branch_members(cast2005, cast2005.branch_c1, 30)
    with CaptureQueriesContext(connection) as more:
        counts = selectors.campaign_counts(cast2005.campaign)
    assert len(more.captured_queries) == len(few.captured_queries)
    assert counts["units"][part(cast2005).pk].cases == 1


def test_the_requirements_name_what_is_missing(cast2005):
    p = part(cast2005)
    report = evaluate_unit(p, phase="analysis")
    assert report.result("members_evaluated").status == "failed"
    ev = graded(cast2005)
    result = evaluate_unit(p, phase="analysis").result("members_evaluated")
    assert "已确定评议等次 1 名" in result.summary
    handled = evaluate_unit(p, phase="rectify").result("unqualified_handled")
    assert handled.status == "failed" and "已启动组织处理 0 名" in handled.summary
    actions.open_case(actor=cast2005.user("secretary"), evaluation=ev)
    assert evaluate_unit(p, phase="rectify").result("unqualified_handled").status == "passed"
