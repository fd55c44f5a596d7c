"""The chain is keyed: recomputing it with the product's own function but without the key fails."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from dudao.core.audit import (
    BROKEN_LINK,
    HASH_MISMATCH,
    SEQUENCE_GAP,
    _fields,
    compute_hash,
    legacy_hash,
    record_event,
    verify_chain,
)
from dudao.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def _events(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            record_event(actor=None, action="test.event", target_type="thing", target_id=i)


def _rewrite_from(seq: int, hasher) -> None:
    """What someone with write access to the database does: edit, then recompute every later
    hash with the product's chain function, so every link and the head look consistent."""
    events = list(AuditEvent.objects.order_by("seq"))
    prev = events[seq - 2].hash if seq > 1 else "0" * 64
    for event in events[seq - 1 :]:
        event.prev_hash = prev
        event.hash = hasher(prev_hash=prev, **_fields(event))
        event.save(update_fields=["prev_hash", "hash", "reason"])
        prev = event.hash
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev)


@pytest.mark.parametrize(
    "hasher",
    [
        pytest.param(lambda **kw: compute_hash(key=b"a-guessed-key", **kw), id="wrong-key"),
        pytest.param(
            lambda **kw: compute_hash(key=b"dev-insecure-audit-key-do-not-use-in-production", **kw),
            id="dev-default-key",
        ),
        pytest.param(legacy_hash, id="unkeyed"),
    ],
)
def test_it_names_the_edited_event_when_later_hashes_are_recomputed_without_the_key(hasher):
    _events(6)
    AuditEvent.objects.filter(seq=3).update(reason="事后改写的理由")
    _rewrite_from(3, hasher)

    checked, broken = verify_chain()

    assert checked == 2
    assert broken.seq == 3
    assert broken.event_id == AuditEvent.objects.get(seq=3).pk
    assert broken.check == HASH_MISMATCH
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_audit")
    message = str(excinfo.value)
    assert "第 3 号" in message and "哈希不符" in message


def test_it_verifies_the_same_chain_recomputed_with_the_key():
    """Control: the rewrite itself is sound, only the key is missing in the case above."""
    _events(4)
    AuditEvent.objects.filter(seq=2).update(reason="改写")
    _rewrite_from(2, compute_hash)
    assert verify_chain() == (4, None)


def test_it_names_the_check_that_failed(capsys):
    _events(5)
    AuditEvent.objects.filter(seq=4).update(prev_hash="f" * 64)
    assert verify_chain()[1].check == BROKEN_LINK
    AuditEvent.objects.filter(seq=2).delete()
    broken = verify_chain()[1]
    assert (broken.seq, broken.check) == (2, SEQUENCE_GAP)
    with pytest.raises(CommandError, match="序号缺口"):
        call_command("verify_audit")


def test_it_fails_verification_under_another_key(settings):
    _events(3)
    settings.DUDAO_AUDIT_KEY = "another-deployment-key"
    broken = verify_chain()[1]
    assert (broken.seq, broken.check) == (1, HASH_MISMATCH)
