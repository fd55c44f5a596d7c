"""Document requirements read the reviews app's tables: study notes counted per member (seed
003: 24 notes), a plan approved, the rounds of review a document went through."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dudao.campaigns.requirements import evaluate_unit
from dudao.campaigns.template_loader import load_builtin_template
from dudao.records.models import Exemption
from dudao.reviews.models import Document, DocumentVersion, ReviewRound
from dudao.testing import build_cast
from dudao.web.templatetags.dudao_web import evidence_url

from .seed003 import build_seed003

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    cast = build_cast(template=load_builtin_template("xianjinxing-2005"))
    return cast, build_seed003(cast)


def _doc(cast, participation, kind, *, author=None, status="submitted", rounds=0, title="文书"):
    user = cast.user("liaison")
    doc = Document.objects.create(
        campaign=participation.campaign,
        participation=participation,
        kind=kind,
        phase=participation.current_phase,
        author=author,
        title=title,
        status=status,
        created_by=user,
    )
    version = DocumentVersion.objects.create(
        document=doc,
        number=1,
        text="正文",
        char_count=2,
        submitted_by=user,
        submitted_at=timezone.now(),
    )
    for n in range(1, rounds + 1):
        ReviewRound.objects.create(
            document=doc,
            version=version,
            number=n,
            reviewer=cast.user("group_leader"),
            decision="approved" if n == rounds and status == "approved" else "returned",
            reason="" if n == rounds and status == "approved" else "请补充问题分析",
            decided_at=timezone.now(),
        )
    return doc


def test_it_counts_24_study_notes_by_23_serving_members(seed):
    cast, s = seed
    serving = [p for p in s.members if p.category == "serving"]
    assert len(serving) == 23
    for p in serving:
        _doc(cast, s.participation, "study_note", author=p, title=f"{p.name}的学习心得")
    _doc(cast, s.participation, "study_note", author=serving[0], title="第二篇心得")
    assert Document.objects.filter(kind="study_note").count() == 24
    result = evaluate_unit(s.participation).result("study_notes")
    # Retired and away members have not written one and are not exempted: named.
    assert result.status == "failed"
    assert {f.label for f in result.shortfalls} == {
        "退休党员0",
        "退休党员1",
        "退休党员2",
        "孙外出",
        "周外出",
        "吴外出",
    }
    for p in s.members:
        if p.category != "serving":
            Exemption.objects.create(
                participation=s.participation,
                phase="study",
                person=p,
                requirement="study_notes",
                reason=p.category,
                explanation="不在岗",
                status="confirmed",  # confirmed by the unit's group (issue 10.2)
            )
    result = evaluate_unit(s.participation).result("study_notes")
    assert result.status == "passed", result.summary
    assert len(result.exempted) == 6


def test_it_does_not_count_a_draft_study_note(seed):
    cast, s = seed
    author = s.members[3]
    _doc(cast, s.participation, "study_note", author=author, status="draft")
    result = evaluate_unit(s.participation).result("study_notes")
    assert author.name in {f.label for f in result.shortfalls}


def test_it_passes_the_plan_only_once_approved(seed):
    cast, s = seed
    doc = _doc(
        cast, s.participation, "implementation_plan", status="returned", rounds=1, title="实施方案"
    )
    result = evaluate_unit(s.participation).result("implementation_plan")
    assert result.status == "failed"
    assert "退回修改" in result.summary
    doc.status = "approved"
    doc.save(update_fields=["status"])
    result = evaluate_unit(s.participation).result("implementation_plan")
    assert result.status == "passed"
    # The engine names the record; the page layer makes the link (engine builds no URLs).
    assert result.evidence[0].target == ("document", doc.pk)
    assert evidence_url(result.evidence[0]) == f"/reviews/{doc.pk}/"


def test_it_needs_the_plan_of_the_phase_not_another_phase(seed):
    cast, s = seed
    doc = _doc(cast, s.participation, "implementation_plan", status="approved", rounds=1)
    Document.objects.filter(pk=doc.pk).update(phase="analysis")
    assert evaluate_unit(s.participation).result("implementation_plan").status == "failed"
