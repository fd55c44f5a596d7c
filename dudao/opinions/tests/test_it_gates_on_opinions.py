"""Requirement kinds (issue 12 §10): opinions collected ≥ N, every opinion fed back — in the
shipped templates' listening step, set-based over all units."""

from __future__ import annotations

import pytest

from dudao.campaigns.requirements import evaluate_campaign, evaluate_unit
from dudao.opinions import actions

from .helpers import DAY, opinion, part

pytestmark = pytest.mark.django_db


def test_it_refuses_until_every_opinion_is_fed_back(cast2014):
    p = part(cast2014)
    report = evaluate_unit(p, phase="study_listen")
    assert report.result("opinions_collected").status == "failed"
    a, b = opinion(cast2014, "会议多"), opinion(cast2014, "公款吃喝")
    report = evaluate_unit(p, phase="study_listen")
    assert report.result("opinions_collected").status == "passed"
    fed = report.result("opinions_fed_back")
    assert fed.status == "failed" and fed.blocking and "未反馈 2 条" in fed.summary
    actions.feed_back(
        actor=cast2014.user("liaison"),
        participation=p,
        opinions=[a],
        form="meeting",
        fed_back_on=DAY,
        outcome="answered",
    )
    assert (
        "未反馈 1 条" in evaluate_unit(p, phase="study_listen").result("opinions_fed_back").summary
    )
    actions.feed_back(
        actor=cast2014.user("liaison"),
        participation=p,
        opinions=[b],
        form="meeting",
        fed_back_on=DAY,
        outcome="adopted",
    )
    assert evaluate_unit(p, phase="study_listen").result("opinions_fed_back").status == "passed"


def test_a_hidden_opinion_need_not_be_fed_back(cast2014):
    o = opinion(cast2014, "广告")
    actions.hide_opinion(actor=cast2014.user("group_leader"), opinion=o, reason="广告")
    result = evaluate_unit(part(cast2014), phase="study_listen").result("opinions_fed_back")
    assert result.status == "passed"


def test_it_evaluates_every_unit_at_once_in_2005(cast2005):
    import datetime as dt

    opinion(cast2005, "学习走过场", given_on=dt.date(2005, 3, 1))
    reports = evaluate_campaign(cast2005.campaign, phase="analysis", only=["opinions_fed_back"])
    statuses = {r.unit_name: r.result("opinions_fed_back").status for r in reports.values()}
    assert statuses == {"东城区财政局": "failed", "东城区教育局": "passed", "市档案馆": "passed"}
