"""The 2014 template's rules (seed 002) evaluate with template data only: talks in rounds,
self-found problems per team, criticisms per leadership member, review rounds of the
review-and-check materials, the democratic life meeting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dudao.campaigns.requirements import evaluate_campaign, evaluate_unit
from dudao.campaigns.template_loader import load_builtin_template
from dudao.orgs import actions as org_actions
from dudao.records.models import Criticism, Meeting, ProblemFound, Talk
from dudao.reviews.models import Document, DocumentVersion, ReviewRound
from dudao.testing import build_cast

pytestmark = pytest.mark.django_db
PHASE = "examine_criticise"


@pytest.fixture
def unit():
    cast = build_cast(template=load_builtin_template("qunzhong-luxian-2014"))
    p = cast.campaign.participations.get(unit=cast.unit_a)
    p.current_phase = PHASE
    p.save(update_fields=["current_phase"])
    deputy = org_actions.create_person(
        actor=None,
        code="P-deputy",
        name="副局长甲",
        branch=cast.branch_a1,
        is_leadership=True,
        audit=False,
    )
    leaders = [cast.people["head"], deputy]
    return cast, p, leaders


def _document(cast, p, kind, rounds, author=None):
    user = cast.user("liaison")
    doc = Document.objects.create(
        campaign=p.campaign,
        participation=p,
        kind=kind,
        phase=PHASE,
        author=author,
        title=kind,
        status="approved",
        created_by=user,
    )
    for n in range(1, rounds + 1):
        version = DocumentVersion.objects.create(
            document=doc,
            number=n,
            text=f"第{n}稿",
            char_count=3,
            submitted_by=user,
            submitted_at=timezone.now(),
        )
        ReviewRound.objects.create(
            document=doc,
            version=version,
            number=n,
            reviewer=cast.user("group_leader"),
            decision="approved" if n == rounds else "returned",
            reason="" if n == rounds else "问题查摆不深",
            decided_at=timezone.now(),
        )
    return doc


def _complete(cast, p, leaders):
    day = dt.date(2014, 3, 3)
    for rnd in (1, 2, 3):
        talk = Talk.objects.create(
            participation=p,
            phase=PHASE,
            round_number=rnd,
            date=day,
            form="one_to_one",
            initiator=leaders[0],
        )
        talk.participants.add(leaders[1])
    ProblemFound.objects.bulk_create(
        [ProblemFound(participation=p, phase=PHASE, text=f"问题{i}") for i in range(15)]
    )
    for critic, target in ((leaders[0], leaders[1]), (leaders[1], leaders[0])):
        Criticism.objects.bulk_create(
            [
                Criticism(
                    participation=p, phase=PHASE, critic=critic, target=target, text=f"批评{i}"
                )
                for i in range(5)
            ]
        )
    _document(cast, p, "team_review_check", 3)
    for leader in leaders:
        _document(cast, p, "leader_review_check", 2, author=leader)
    Meeting.objects.create(
        participation=p, phase=PHASE, kind="democratic_life", date=day, title="专题民主生活会"
    )


def test_it_passes_every_rule_of_the_phase_on_complete_records(unit):
    cast, p, leaders = unit
    _complete(cast, p, leaders)
    report = evaluate_unit(p)
    assert [r.code for r in report.results] == [
        "talk_rounds",
        "talk_pairs",  # 四必谈 coverage (dudao.evaluation; not blocking)
        "self_found",
        "criticisms",
        "team_material_rounds",
        "leader_material_rounds",
        "democratic_life_meeting",
    ]
    assert report.ready, [(r.code, r.summary) for r in report.blocking_failures]


def test_it_names_the_leader_with_four_criticisms(unit):
    cast, p, leaders = unit
    _complete(cast, p, leaders)
    Criticism.objects.filter(critic=leaders[1]).first().delete()
    result = evaluate_unit(p).result("criticisms")
    assert result.status == "failed"
    assert [(f.label, f.have, f.short) for f in result.shortfalls] == [("副局长甲", 4, 1)]
    # only leadership-team members are counted (applies_to.leadership_only).
    assert "应达到 2 人" in result.summary


def test_it_counts_rounds_of_talks_not_talks(unit):
    cast, p, leaders = unit
    _complete(cast, p, leaders)
    Talk.objects.filter(round_number=3).update(round_number=2)
    result = evaluate_unit(p).result("talk_rounds")
    assert result.status == "failed"
    assert "2 轮" in result.summary


def test_it_needs_three_drafts_of_the_team_material(unit):
    cast, p, leaders = unit
    _complete(cast, p, leaders)
    doc = Document.objects.get(kind="team_review_check")
    doc.rounds.order_by("-number").first().delete()
    result = evaluate_unit(p).result("team_material_rounds")
    assert result.status == "failed"
    assert "已审核 2 稿，要求不少于 3 稿" in result.summary


def test_it_needs_two_drafts_from_each_leader(unit):
    cast, p, leaders = unit
    _complete(cast, p, leaders)
    doc = Document.objects.get(kind="leader_review_check", author=leaders[1])
    doc.rounds.order_by("-number").first().delete()
    result = evaluate_unit(p).result("leader_material_rounds")
    assert [(f.label, f.have, f.need) for f in result.shortfalls] == [("副局长甲", 1, 2)]


def test_it_counts_fifteen_problems_for_the_team(unit):
    cast, p, leaders = unit
    _complete(cast, p, leaders)
    ProblemFound.objects.filter(pk=ProblemFound.objects.first().pk).update(source="group")
    result = evaluate_unit(p).result("self_found")
    assert result.status == "failed"
    assert "自查问题 14 条" in result.summary


def test_it_evaluates_units_in_different_phases_in_one_call(unit):
    cast, p, leaders = unit
    reports = evaluate_campaign(cast.campaign)
    phases = {r.phase for r in reports.values()}
    assert phases == {PHASE, "study_listen"}
    assert reports[p.pk].result("talk_rounds").status == "failed"
