"""Exemptions: only for requirements whose template lists the reason; withdrawn ones kept."""

from __future__ import annotations

import pytest

from dudao.core.errors import ConflictError, DomainError
from dudao.records import actions
from dudao.records.models import Exemption

pytestmark = pytest.mark.django_db


def _exempt(cast, pa, **kw):
    fields = dict(
        actor=cast.user("liaison"),
        participation=pa,
        person=cast.people["away"],
        requirement="knowledge_test",
        reason="away",
        explanation="外出务工，在广州",
    )
    fields.update(kw)
    return actions.record_exemption(**fields)


def test_it_records_an_exemption_the_template_allows(cast, pa):
    e = _exempt(cast, pa)
    assert e.phase == "study" and e.withdrawn_at is None


def test_it_refuses_a_reason_the_requirement_does_not_list(cast, pa):
    # knowledge_test: exemptable_categories [away] only.
    with pytest.raises(DomainError, match="只能因外出/流动免于"):
        _exempt(cast, pa, reason="retired", person=cast.people["retired"])
    # mobilisation_meeting has no exemptable categories at all.
    with pytest.raises(DomainError, match="不能免于"):
        _exempt(cast, pa, requirement="mobilisation_meeting")
    # A requirement of another phase.
    with pytest.raises(DomainError, match="没有这项要求"):
        _exempt(cast, pa, requirement="self_analysis_docs")
    # Someone from another unit.
    with pytest.raises(DomainError, match="周敏"):
        _exempt(cast, pa, person=cast.people["b_member"])


def test_it_requires_an_explanation(cast, pa):
    with pytest.raises(DomainError, match="情况说明"):
        _exempt(cast, pa, explanation=" ")


def test_recording_the_same_exemption_twice_keeps_one(cast, pa):
    first = _exempt(cast, pa)
    assert _exempt(cast, pa).pk == first.pk
    assert Exemption.objects.count() == 1


def test_a_withdrawn_exemption_is_kept_and_cannot_be_withdrawn_twice(cast, pa):
    e = _exempt(cast, pa)
    with pytest.raises(DomainError, match="理由"):
        actions.withdraw_exemption(actor=cast.user("liaison"), exemption=e, reason="")
    actions.withdraw_exemption(actor=cast.user("liaison"), exemption=e, reason="已返回，参加补考")
    with pytest.raises(ConflictError, match="李晓梅"):
        actions.withdraw_exemption(actor=cast.user("unit_head"), exemption=e, reason="再撤一次")
    again = _exempt(cast, pa)
    assert again.pk != e.pk
    assert Exemption.objects.count() == 2
    assert Exemption.objects.filter(withdrawn_at__isnull=False).count() == 1
