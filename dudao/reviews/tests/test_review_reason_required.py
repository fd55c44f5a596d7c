"""A return or a rejection (推倒重来) without a reason is refused, by the action and by the
database."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from dudao.core.errors import DomainError
from dudao.reviews import actions
from dudao.reviews.models import DocumentStatus, ReviewRound

from .helpers import submit_plan


@pytest.mark.parametrize("decision", ["returned", "rejected"])
def test_it_refuses_a_decision_without_reason(cast05, decision):
    doc = submit_plan(cast05)
    with pytest.raises(DomainError, match="必须写明理由"):
        actions.decide(
            actor=cast05.user("group_leader"), document=doc, decision=decision, reason="   "
        )
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.SUBMITTED
    assert not ReviewRound.objects.exists()


def test_it_rejects_with_reason_and_a_rejected_document_takes_no_new_version(cast05):
    doc = submit_plan(cast05)
    actions.decide(
        actor=cast05.user("group_leader"),
        document=doc,
        decision="rejected",
        reason="照搬照抄上级方案，推倒重来。",
    )
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.REJECTED
    with pytest.raises(DomainError, match="新建一份"):
        submit_plan(cast05, document=doc)
    # Starting over is a new document.
    again = submit_plan(cast05, text="重新起草的方案正文。" * 5)
    assert again.pk != doc.pk


def test_the_database_refuses_a_blank_reason(cast05):
    doc = submit_plan(cast05)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewRound.objects.create(
            document=doc,
            version=doc.versions.get(),
            number=1,
            reviewer=cast05.user("group_leader"),
            decision="returned",
            reason="",
            decided_at=timezone.now(),
        )
