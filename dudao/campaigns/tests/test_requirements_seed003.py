"""Seed 003's unit against the 2005 template's study-phase rules."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Count

from dudao.campaigns.requirements import evaluate_unit
from dudao.campaigns.template_loader import load_builtin_template
from dudao.records import models as records
from dudao.records.models import Attendance, Exemption, StudySession
from dudao.testing import build_cast

from .seed003 import build_seed003

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    cast = build_cast(template=load_builtin_template("xianjinxing-2005"))
    return cast, build_seed003(cast)


def _exempt(seed, person, requirement, reason="away"):
    Exemption.objects.create(
        participation=seed.participation,
        phase=seed.participation.current_phase,
        person=person,
        requirement=requirement,
        reason=reason,
        explanation="外出务工",
        status="confirmed",  # confirmed by the unit's group (issue 10.2)
    )


def test_it_builds_the_unit_as_seed_003_tallies_it(seed):
    _, s = seed
    assert len(s.members) == 29
    assert StudySession.objects.filter(participation=s.participation).count() == 12
    assert Attendance.objects.filter(participation=s.participation).count() == 392
    tested = records.TestResult.objects.filter(test=s.test, score__isnull=False).count()
    assert tested == 28
    kinds = dict(
        StudySession.objects.filter(participation=s.participation)
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    assert kinds == {
        "discussion": 2,
        "exchange": 1,
        "video": 3,
        "report_meeting": 2,
        "party_lecture": 3,
        "concentrated": 1,
    }


def test_it_fails_test_participation_naming_the_away_member_without_an_exemption(seed):
    _, s = seed
    result = evaluate_unit(s.participation).result("knowledge_test")
    assert result.status == "failed"
    assert [f.label for f in result.shortfalls] == ["孙外出"]
    assert "外出务工" in result.shortfalls[0].note
    assert "应参加 29 人，实参加 28 人" in result.summary


def test_it_passes_test_participation_once_the_away_member_is_exempted(seed):
    _, s = seed
    _exempt(s, s.away_untested, "knowledge_test")
    result = evaluate_unit(s.participation).result("knowledge_test")
    assert result.status == "passed", result.summary
    assert result.shortfalls == []
    assert [e.label for e in result.exempted] == ["孙外出"]
    assert "应参加 28 人，实参加 28 人" in result.summary


def test_it_ignores_a_withdrawn_exemption(seed):
    _, s = seed
    _exempt(s, s.away_untested, "knowledge_test")
    Exemption.objects.update(withdrawn_at="2005-03-06T10:00:00+08:00", withdraw_reason="已返回")
    assert evaluate_unit(s.participation).result("knowledge_test").status == "failed"


def test_it_shows_the_half_hour_shortfall_at_44_5_hours_and_passes_45(seed):
    _, s = seed
    for p in s.members:
        if p.category == "away":
            _exempt(s, p, "study_hours")
    result = evaluate_unit(s.participation).result("study_hours")
    assert result.status == "failed"
    assert len(result.shortfalls) == 1
    short = result.shortfalls[0]
    assert short.label == "钱不足"
    assert short.have == Decimal("44.5")
    assert short.need == Decimal("45")
    assert short.short == Decimal("0.5")
    assert "李刚好" not in [f.label for f in result.shortfalls]
    # 29 members, 3 away exempted: 26 counted, 25 reach 45 hours.
    assert "应达到 26 人，已达到 25 人" in result.summary


def test_it_counts_away_members_who_are_not_exempted(seed):
    _, s = seed
    result = evaluate_unit(s.participation).result("study_hours")
    labels = {f.label: f for f in result.shortfalls}
    assert set(labels) == {"钱不足", "孙外出", "周外出", "吴外出"}
    assert labels["孙外出"].have == Decimal("8")
    assert labels["周外出"].short == Decimal("9")


def test_it_does_not_count_non_party_staff(seed):
    _, s = seed
    result = evaluate_unit(s.participation).result("study_hours")
    assert not any(f.label.startswith("职工") for f in result.shortfalls)


def test_it_refuses_exemption_reasons_the_template_does_not_allow(seed):
    """The knowledge test may be exempted only for members away (seed 003: the away member);
    a retired member must take it. The records action refuses, and the report is unchanged."""
    from dudao.campaigns.requirements.engine import phase_requirements
    from dudao.core.errors import DomainError
    from dudao.records.actions import record_exemption

    cast, s = seed
    reqs = {r["code"]: r for r in phase_requirements(cast.campaign.template.data, "study")}
    assert reqs["knowledge_test"]["applies_to"]["exemptable_categories"] == ["away"]
    assert "retired" in reqs["study_hours"]["applies_to"]["exemptable_categories"]
    retired = next(p for p in s.members if p.category == "retired")
    with pytest.raises(DomainError):
        record_exemption(
            actor=cast.user("admin"),
            participation=s.participation,
            person=retired,
            requirement="knowledge_test",
            reason="retired",
            explanation="年老体弱",
        )
    assert not Exemption.objects.filter(person=retired).exists()
    record_exemption(
        actor=cast.user("admin"),
        participation=s.participation,
        person=s.away_untested,
        requirement="knowledge_test",
        reason="away",
        explanation="外出务工，在广州",
    )
    # Proposed by the unit, it does not count until the group confirms it (issue 10.2).
    assert evaluate_unit(s.participation).result("knowledge_test").status != "passed"
    Exemption.objects.filter(person=s.away_untested).update(status="confirmed")
    assert evaluate_unit(s.participation).result("knowledge_test").status == "passed"


def test_it_finds_the_unit_heads_lecture_among_the_study_sessions(seed):
    _, s = seed
    result = evaluate_unit(s.participation).result("head_lecture")
    assert result.status == "passed", result.summary
    assert any("明确责任" in e.label for e in result.evidence)


def test_it_reports_the_missing_concentrated_days(seed):
    _, s = seed
    result = evaluate_unit(s.participation).result("concentrated_days")
    assert result.status == "failed"
    assert result.shortfalls[0].have == 1
    assert result.shortfalls[0].short == Decimal("2")
    assert "集中学习培训已安排 1 天" in result.summary


def test_it_is_not_ready_while_blocking_requirements_fail(seed):
    _, s = seed
    report = evaluate_unit(s.participation)
    assert not report.ready
    codes = {r.code for r in report.blocking_failures}
    assert {"study_hours", "knowledge_test", "implementation_plan"} <= codes
    # concentrated study outside working hours is a warning (blocking: false), and it passes.
    assert report.result("concentrated_off_hours").status == "passed"
