"""Events written before the chain was keyed: `rekey_audit` checks them and rewrites the chain."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from dudao.core.audit import _fields, compute_hash, legacy_hash, record_event, verify_chain
from dudao.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def _legacy_chain(n: int) -> None:
    """Events as the unkeyed chain wrote them."""
    for i in range(n):
        with transaction.atomic():
            record_event(actor=None, action="test.event", target_type="thing", target_id=i)
    prev = "0" * 64
    for event in AuditEvent.objects.order_by("seq"):
        event.prev_hash = prev
        event.hash = legacy_hash(prev_hash=prev, **_fields(event))
        event.save(update_fields=["prev_hash", "hash"])
        prev = event.hash
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev)


def test_it_tells_the_operator_to_rekey_an_unkeyed_chain():
    _legacy_chain(3)
    broken = verify_chain()[1]
    assert broken.seq == 1 and "rekey_audit" in broken.problem


def test_it_rekeys_an_intact_unkeyed_chain_and_records_that_it_did(capsys):
    _legacy_chain(4)
    # An event appended by the upgraded code before the operator ran the command.
    with transaction.atomic():
        record_event(actor=None, action="test.after_upgrade", target_type="thing", target_id=9)
    call_command("rekey_audit")
    assert "重算 5 条" in capsys.readouterr().out
    assert verify_chain() == (6, None)
    last = AuditEvent.objects.order_by("-seq").first()
    assert last.action == "audit.rekey" and last.data["events"] == 5


def test_it_refuses_to_rekey_a_chain_that_was_tampered_with():
    _legacy_chain(4)
    AuditEvent.objects.filter(seq=2).update(reason="改过")
    before = list(AuditEvent.objects.order_by("seq").values_list("hash", flat=True))
    with pytest.raises(CommandError, match="第 2 号"):
        call_command("rekey_audit")
    assert list(AuditEvent.objects.order_by("seq").values_list("hash", flat=True)) == before


def test_it_rotates_to_a_new_key(settings, monkeypatch):
    for i in range(3):
        with transaction.atomic():
            record_event(actor=None, action="test.event", target_type="thing", target_id=i)
    monkeypatch.setenv("OLD_AUDIT_KEY", settings.DUDAO_AUDIT_KEY)
    settings.DUDAO_AUDIT_KEY = "the-new-key"
    assert verify_chain()[1] is not None
    call_command("rekey_audit", old_key_env="OLD_AUDIT_KEY")
    assert verify_chain() == (4, None)
    event = AuditEvent.objects.get(seq=2)
    assert event.hash == compute_hash(
        prev_hash=event.prev_hash, key=b"the-new-key", **_fields(event)
    )


def test_run_with_the_chains_own_key_it_says_published_heads_still_hold(capsys):
    for i in range(3):
        with transaction.atomic():
            record_event(actor=None, action="test.event", target_type="thing", target_id=i)
    head = AuditChainHead.objects.get(pk=1).last_hash
    call_command("rekey_audit")
    out = capsys.readouterr().out
    assert "密钥未变" in out and "继续有效" in out and "已失效" not in out
    assert head in out
    assert [e.hash for e in AuditEvent.objects.filter(seq__lte=3).order_by("seq")][-1] == head
    assert verify_chain()[1] is None
