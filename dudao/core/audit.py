"""Writing and verifying the hash-chained audit trail.

Every action calls :func:`record_event` inside its own transaction, so the event exists if and
only if the change does. Each event's hash covers its content and the previous event's hash;
editing, deleting or reordering an event later breaks the chain at that point, and
``python manage.py verify_audit`` names the first broken event.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def compute_hash(
    *,
    prev_hash: str,
    seq: int,
    created_at,
    actor_id,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    target_label: str,
    campaign_id,
    organisation_id,
    reason: str,
    data: Any,
) -> str:
    payload = _canonical(
        {
            "seq": seq,
            "created_at": created_at.isoformat(timespec="microseconds"),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": action,
            "target_type": target_type,
            "target_id": str(target_id),
            "target_label": target_label,
            "campaign_id": campaign_id,
            "organisation_id": organisation_id,
            "reason": reason,
            "data": data,
        }
    )
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def _event_hash(event: AuditEvent) -> str:
    return compute_hash(
        prev_hash=event.prev_hash,
        seq=event.seq,
        created_at=event.created_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        target_label=event.target_label,
        campaign_id=event.campaign_id,
        organisation_id=event.organisation_id,
        reason=event.reason,
        data=event.data,
    )


def _actor_label(actor) -> str:
    if actor is None:
        return "系统"
    full = (getattr(actor, "get_full_name", lambda: "")() or "").strip()
    return full or getattr(actor, "username", str(actor))


def record_event(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    target_label: str = "",
    campaign_id: int | None = None,
    organisation_id: int | None = None,
    reason: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must be called inside the action's transaction")
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
        target_label = target_label or str(target)[:255]
    # json round-trip so that what is hashed is exactly what the JSON column returns later.
    data = json.loads(_canonical(data or {}))
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    created_at = timezone.now()
    seq = head.last_seq + 1
    actor_id = actor.pk if actor is not None else None
    label = _actor_label(actor)
    digest = compute_hash(
        prev_hash=head.last_hash,
        seq=seq,
        created_at=created_at,
        actor_id=actor_id,
        actor_label=label,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_label=target_label,
        campaign_id=campaign_id,
        organisation_id=organisation_id,
        reason=reason,
        data=data,
    )
    event = AuditEvent.objects.create(
        seq=seq,
        created_at=created_at,
        actor_id=actor_id,
        actor_label=label,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_label=target_label,
        campaign_id=campaign_id,
        organisation_id=organisation_id,
        reason=reason,
        data=data,
        prev_hash=head.last_hash,
        hash=digest,
    )
    AuditChainHead.objects.filter(pk=1).update(last_seq=seq, last_hash=digest)
    return event


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        return f"第 {self.seq} 号审计事件（id={self.event_id}）：{self.problem}"


def iter_events(batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        chunk = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


def verify_chain() -> tuple[int, ChainBreak | None]:
    """Walk the chain in order. Returns (events checked, first break or None)."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for event in iter_events():
        if event.seq != expected_seq:
            return checked, ChainBreak(
                expected_seq, None, f"缺失（下一条为第 {event.seq} 号），事件可能被删除"
            )
        if event.prev_hash != expected_prev:
            return checked, ChainBreak(
                event.seq, event.pk, "前一事件哈希不符，前一事件可能被修改或删除"
            )
        if _event_hash(event) != event.hash:
            return checked, ChainBreak(event.seq, event.pk, "内容与哈希不符，事件被修改")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq != checked:
        return checked, ChainBreak(
            checked + 1,
            None,
            f"链头记录共 {head.last_seq} 条，实际只有 {checked} 条，末尾事件可能被删除",
        )
    if head is not None and checked and head.last_hash != expected_prev:
        return checked, ChainBreak(checked, None, "链头哈希与最后一条事件不符")
    return checked, None
