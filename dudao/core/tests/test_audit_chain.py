from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from dudao.core.audit import record_event, verify_chain
from dudao.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _events(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            record_event(
                actor=None,
                action="test.event",
                target_type="thing",
                target_id=i,
                data={"i": i, "名称": "𠮷野家"},
            )


def test_it_verifies_an_intact_chain(capsys):
    _events(5)
    checked, broken = verify_chain()
    assert (checked, broken) == (5, None)
    call_command("verify_audit")
    assert "共 5 条" in capsys.readouterr().out


def test_it_names_the_first_tampered_event():
    _events(6)
    AuditEvent.objects.filter(seq=3).update(data={"i": 99})
    AuditEvent.objects.filter(seq=5).update(reason="改过")
    checked, broken = verify_chain()
    assert checked == 2
    assert broken.seq == 3 and "被修改" in broken.problem
    with pytest.raises(CommandError, match="第 3 号"):
        call_command("verify_audit")


def test_it_detects_a_deleted_event_in_the_middle():
    _events(4)
    AuditEvent.objects.filter(seq=2).delete()
    _checked, broken = verify_chain()
    assert broken.seq == 2 and "删除" in broken.problem


def test_it_detects_a_deleted_last_event():
    _events(3)
    AuditEvent.objects.filter(seq=3).delete()
    _checked, broken = verify_chain()
    assert broken is not None and "末尾" in broken.problem


def test_it_detects_a_rewritten_actor_with_a_recomputed_own_hash():
    """Recomputing the tampered event's own hash still breaks the link to the next event."""
    from dudao.core.audit import _event_hash

    _events(3)
    event = AuditEvent.objects.get(seq=2)
    event.actor_label = "别人"
    event.hash = _event_hash(event)
    event.save()
    _checked, broken = verify_chain()
    assert broken.seq == 3 and "前一事件" in broken.problem


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_write_outside_a_transaction():
    with pytest.raises(RuntimeError):
        record_event(actor=None, action="x", target_type="t", target_id=1)


def test_it_writes_events_from_actions_in_the_same_transaction(cast):
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "org.create",
        "person.create",
        "campaign.create",
        "role.grant",
        "participation.enrol",
    } <= actions
    assert verify_chain()[1] is None
