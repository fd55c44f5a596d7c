"""The 2019 kinds: research topics taken and reported per leadership member (documents), the
problem list and the named rectification areas (through the rectification port)."""

from __future__ import annotations

import pytest

from dudao.campaigns.models import Participation
from dudao.campaigns.requirements import evaluate_unit
from dudao.campaigns.requirements.ports_rectification import (
    ProblemListFacts,
    use_rectification_source,
)
from dudao.campaigns.template_loader import load_builtin_template
from dudao.reviews.models import Document
from dudao.testing import build_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return build_cast(template=load_builtin_template("buwang-chuxin-2019"))


def _part(cast):
    return Participation.objects.select_related("campaign__template").get(
        campaign=cast.campaign, unit=cast.unit_a
    )


def _result(report, code):
    return next(r for r in report.results if r.code == code)


def _report(cast, source=None):
    p = _part(cast)
    if source is None:
        return evaluate_unit(p)
    with use_rectification_source(source):
        return evaluate_unit(p)


def _topic(cast, status, title="关于基层减负的调研"):
    return Document.objects.create(
        campaign=cast.campaign,
        participation=_part(cast),
        kind="research_report",
        phase="theme_education",
        author=cast.people["head"],
        title=title,
        status=status,
        created_by=cast.user("liaison"),
    )


def test_it_names_a_leader_who_has_taken_no_topic(cast):
    r = _result(_report(cast), "research_topics")
    assert r.status == "failed"
    assert r.summary == "应领题 1 人，已领题 0 人，已报告 0 人"
    (short,) = r.shortfalls
    assert short.label == "王建国" and short.note == "尚未领题"


def test_a_topic_taken_but_not_reported_does_not_pass(cast):
    _topic(cast, "submitted")
    r = _result(_report(cast), "research_topics")
    assert r.status == "failed"
    assert r.summary == "应领题 1 人，已领题 1 人，已报告 0 人"
    assert r.shortfalls[0].note == "已领题 1 个，尚未全部形成报告"


def test_a_reported_topic_passes(cast):
    _topic(cast, "approved")
    r = _result(_report(cast), "research_topics")
    assert r.status == "passed" and r.summary == "应领题 1 人，已领题 1 人，已报告 1 人"


def test_without_a_rectification_app_the_list_and_areas_are_not_met(cast):
    report = _report(cast)
    assert _result(report, "problem_list").summary == "尚未建立问题清单"
    areas = _result(report, "special_rectification")
    assert areas.status == "failed" and len(areas.shortfalls) == 8
    assert areas.shortfalls[0].have == "未开始"


class Partly:
    def problem_lists(self, *, campaign_id, phase, participation_ids):
        return {pid: ProblemListFacts(items=10, done=9) for pid in participation_ids}

    def area_statuses(self, *, campaign_id, phase, areas, participation_ids):
        return {
            pid: {a: "done" for a in areas[:-1]} | {areas[-1]: "in_progress"}
            for pid in participation_ids
        }


def test_the_list_and_areas_are_read_through_the_port(cast):
    report = _report(cast, Partly())
    assert _result(report, "problem_list").status == "passed"
    done = _result(report, "list_rectified")
    assert done.status == "failed" and "已整改 9 条" in done.summary
    areas = _result(report, "special_rectification")
    assert areas.summary == "专项整治 8 项，已达到 7 项"
    (short,) = areas.shortfalls
    assert short.label == "群众身边的腐败问题" and short.have == "整治中"
