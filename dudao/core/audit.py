"""Writing and verifying the keyed, hash-chained audit trail.

Every action calls :func:`record_event` inside its own transaction, so the event exists if and
only if the change does. Each event's hash is an HMAC-SHA256 over its content and the previous
event's hash, keyed with ``settings.DUDAO_AUDIT_KEY`` (from the environment, never stored in the
database). Editing, deleting or reordering an event breaks the chain at that point; recomputing
the later hashes needs the key, so someone who can write to the database but does not hold the
key cannot make ``python manage.py verify_audit`` pass again. ``verify_audit`` names the first
event that does not verify and which check failed.

The head of the chain (sequence, hash, time) is published outside the database by
``publish_audit_head`` (one JSON line per publication in ``settings.DUDAO_AUDIT_ANCHOR_FILE``) and
printed on the weekly report and the archive through :func:`current_head`;
``verify_audit --anchors FILE`` checks that every published head is still in the chain, which
catches a chain that was cut back and re-headed by someone holding the key.

Events written before the chain was keyed carry plain SHA-256 hashes; ``rekey_audit`` verifies
them as they are and rewrites the chain with the key (docs/decisions/0004-keyed-audit-chain.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64

# The three checks each event must pass, in the order they are made.
SEQUENCE_GAP = "sequence_gap"
BROKEN_LINK = "broken_link"
HASH_MISMATCH = "hash_mismatch"
HEAD_MISMATCH = "head_mismatch"
ANCHOR_MISSING = "anchor_missing"
CHECK_LABELS = {
    SEQUENCE_GAP: "序号缺口",
    BROKEN_LINK: "链接断开",
    HASH_MISMATCH: "哈希不符",
    HEAD_MISMATCH: "链头不符",
    ANCHOR_MISSING: "已发布的链头不在链中",
}


# One encoder for every event: json.dumps with these options builds a new one per call.
_CANONICAL = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
).encode


def _canonical(value: Any) -> str:
    return _CANONICAL(value)


def audit_key() -> bytes:
    """The HMAC key, read at call time (settings refuse to start without one when DEBUG is off)."""
    key = getattr(settings, "DUDAO_AUDIT_KEY", "")
    if not key:
        raise RuntimeError("DUDAO_AUDIT_KEY 未设置：无法写入或校验审计链。")
    return key.encode("utf-8")


def _payload(
    *,
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
    return _canonical(
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


def compute_hash(*, prev_hash: str, key: bytes | None = None, **fields: Any) -> str:
    """HMAC-SHA256 of the previous hash and the event's canonical content.

    ``key`` defaults to the configured audit key; passing another key is how a test (or an
    attacker without the key) would recompute a chain, and such a chain does not verify.
    """
    message = (prev_hash + _payload(**fields)).encode("utf-8")
    return hmac.new(audit_key() if key is None else key, message, hashlib.sha256).hexdigest()


# A sequence number no event has: where it stands in a payload is where the number goes.
_SEQ_MARK = 7340192615283049117


class PreparedPayload:
    """An event's canonical content with its sequence number left open, for events prepared
    in bulk before their place in the chain is known (``hash`` equals :func:`compute_hash`
    for the same fields at any ``seq``)."""

    __slots__ = ("head", "tail", "fields")

    def __init__(self, **fields: Any) -> None:
        parts = _payload(seq=_SEQ_MARK, **fields).split(str(_SEQ_MARK))
        if len(parts) == 2:
            self.head, self.tail = parts
            self.fields = None
        else:  # the mark's digits occur in the content too: render at hashing time
            self.head = self.tail = ""
            self.fields = fields

    def hash(self, *, prev_hash: str, seq: int, key: bytes | None = None) -> str:
        if self.fields is not None:
            return compute_hash(prev_hash=prev_hash, key=key, seq=seq, **self.fields)
        message = (prev_hash + self.head + str(seq) + self.tail).encode("utf-8")
        return hmac.new(audit_key() if key is None else key, message, hashlib.sha256).hexdigest()


def legacy_hash(*, prev_hash: str, **fields: Any) -> str:
    """The unkeyed SHA-256 used before the chain was keyed (only ``rekey_audit`` accepts it)."""
    return hashlib.sha256((prev_hash + _payload(**fields)).encode("utf-8")).hexdigest()


def _fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "created_at": event.created_at,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "campaign_id": event.campaign_id,
        "organisation_id": event.organisation_id,
        "reason": event.reason,
        "data": event.data,
    }


def _event_hash(event: AuditEvent, *, key: bytes | None = None) -> str:
    return compute_hash(prev_hash=event.prev_hash, key=key, **_fields(event))


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
    key = audit_key()
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    created_at = timezone.now()
    seq = head.last_seq + 1
    actor_id = actor.pk if actor is not None else None
    label = _actor_label(actor)
    fields = {
        "seq": seq,
        "created_at": created_at,
        "actor_id": actor_id,
        "actor_label": label,
        "action": action,
        "target_type": target_type,
        "target_id": str(target_id),
        "target_label": target_label[:255],
        "campaign_id": campaign_id,
        "organisation_id": organisation_id,
        "reason": reason,
        "data": data,
    }
    digest = compute_hash(prev_hash=head.last_hash, key=key, **fields)
    event = AuditEvent.objects.create(prev_hash=head.last_hash, hash=digest, **fields)
    AuditChainHead.objects.filter(pk=1).update(last_seq=seq, last_hash=digest)
    return event


# --- Verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    event_id: int | None
    problem: str
    check: str = HASH_MISMATCH

    @property
    def check_label(self) -> str:
        return CHECK_LABELS.get(self.check, self.check)

    def __str__(self) -> str:
        where = f"id={self.event_id}" if self.event_id is not None else "不存在"
        return f"第 {self.seq} 号审计事件（{where}）未通过“{self.check_label}”检查：{self.problem}"


def iter_events(batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        chunk = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


def _walk(
    events: Iterable[AuditEvent], accepts: Callable[[AuditEvent], bool]
) -> tuple[int, str, ChainBreak | None]:
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for event in events:
        if event.seq != expected_seq:
            return (
                checked,
                expected_prev,
                ChainBreak(
                    expected_seq,
                    None,
                    f"缺失（下一条为第 {event.seq} 号），事件可能被删除",
                    SEQUENCE_GAP,
                ),
            )
        if event.prev_hash != expected_prev:
            return (
                checked,
                expected_prev,
                ChainBreak(
                    event.seq,
                    event.pk,
                    "所记前一事件哈希与前一事件不符，前一事件可能被修改或删除",
                    BROKEN_LINK,
                ),
            )
        if not accepts(event):
            problem = "内容与哈希不符，事件被修改，或链由不持有审计密钥者重算"
            if event.hash == legacy_hash(prev_hash=event.prev_hash, **_fields(event)):
                problem = "该事件仍是启用密钥前的无密钥哈希：请先运行 manage.py rekey_audit"
            return checked, expected_prev, ChainBreak(event.seq, event.pk, problem, HASH_MISMATCH)
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    return checked, expected_prev, None


def verify_chain(*, key: bytes | None = None) -> tuple[int, ChainBreak | None]:
    """Walk the chain in order. Returns (events checked, first break or None)."""
    key = audit_key() if key is None else key
    checked, last_hash, broken = _walk(
        iter_events(), lambda e: hmac.compare_digest(_event_hash(e, key=key), e.hash)
    )
    if broken is not None:
        return checked, broken
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq != checked:
        return checked, ChainBreak(
            checked + 1,
            None,
            f"链头记录共 {head.last_seq} 条，实际只有 {checked} 条，末尾事件可能被删除",
            HEAD_MISMATCH,
        )
    if head is not None and checked and head.last_hash != last_hash:
        return checked, ChainBreak(checked, None, "链头哈希与最后一条事件不符", HEAD_MISMATCH)
    return checked, None


# --- The head, published outside the database -------------------------------------------------


@dataclass(frozen=True)
class ChainHeadInfo:
    seq: int
    hash: str
    event_time: datetime | None

    def as_dict(self, *, published_at: datetime | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "seq": self.seq,
            "hash": self.hash,
            "event_time": self.event_time.isoformat() if self.event_time else None,
        }
        if published_at is not None:
            data["published_at"] = published_at.isoformat()
        return data

    def __str__(self) -> str:
        if not self.seq:
            return "审计链头：尚无事件"
        when = timezone.localtime(self.event_time).strftime("%Y年%m月%d日 %H:%M")
        return f"审计链头：第 {self.seq} 号事件（{when}），哈希 {self.hash}"


def current_head() -> ChainHeadInfo:
    """The chain's last event as it stands, for the weekly report, the archive and anchors."""
    last = AuditEvent.objects.order_by("-seq").only("seq", "hash", "created_at").first()
    if last is None:
        return ChainHeadInfo(0, GENESIS, None)
    return ChainHeadInfo(last.seq, last.hash, last.created_at)


def publish_head(path) -> dict[str, Any]:
    """Append the current head as one JSON line to ``path`` and return what was written."""
    from pathlib import Path

    record = current_head().as_dict(published_at=timezone.now())
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        fh.flush()
    return record


def read_anchors(path) -> list[dict[str, Any]]:
    from pathlib import Path

    anchors = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            anchors.append({"line": number, "seq": int(item["seq"]), "hash": str(item["hash"])})
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"链头文件第 {number} 行无法读取：{exc}") from exc
    return anchors


def verify_anchors(anchors: Iterable[dict[str, Any]]) -> ChainBreak | None:
    """Each published head must still be an event of the chain with the same hash."""
    anchors = list(anchors)
    seqs = {a["seq"] for a in anchors if a["seq"] > 0}
    found = dict(AuditEvent.objects.filter(seq__in=seqs).values_list("seq", "hash"))
    for anchor in anchors:
        seq = anchor["seq"]
        if seq == 0:
            continue
        if seq not in found:
            return ChainBreak(
                seq,
                None,
                f"链头文件第 {anchor['line']} 行发布过的第 {seq} 号事件已不在链中，链被截断",
                ANCHOR_MISSING,
            )
        if not hmac.compare_digest(found[seq], anchor["hash"]):
            return ChainBreak(
                seq,
                None,
                f"链头文件第 {anchor['line']} 行发布的哈希与链中第 {seq} 号事件不符，链被重写",
                ANCHOR_MISSING,
            )
    return None


# --- Re-keying --------------------------------------------------------------------------------


def rekey_chain(*, old_key: bytes | None = None, batch: int = 1000) -> tuple[int, str, str]:
    """Verify the chain under its old hashing and rewrite every hash with the current key.

    The old hashing is the unkeyed SHA-256 of events written before the chain was keyed, or
    ``old_key`` when rotating keys; events already written with the current key (appended after
    an upgrade, before this ran) are accepted too. Runs in one transaction holding the head row,
    so no event is appended meanwhile. Returns (events rewritten, old head hash, new head hash);
    raises ``ValueError`` naming the first event that does not verify under either hashing.
    """
    new_key = audit_key()

    def accepts(event: AuditEvent) -> bool:
        fields = _fields(event)
        if old_key is not None:
            old = compute_hash(prev_hash=event.prev_hash, key=old_key, **fields)
        else:
            old = legacy_hash(prev_hash=event.prev_hash, **fields)
        if hmac.compare_digest(old, event.hash):
            return True
        return hmac.compare_digest(_event_hash(event, key=new_key), event.hash)

    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        checked, old_head, broken = _walk(iter_events(), accepts)
        if broken is not None:
            raise ValueError(str(broken))
        if head.last_seq != checked:
            raise ValueError(f"链头记录共 {head.last_seq} 条，实际 {checked} 条")
        prev = GENESIS
        pending: list[AuditEvent] = []
        for event in iter_events():
            event.prev_hash = prev
            event.hash = _event_hash(event, key=new_key)
            prev = event.hash
            pending.append(event)
            if len(pending) >= batch:
                AuditEvent.objects.bulk_update(pending, ["prev_hash", "hash"])
                pending = []
        if pending:
            AuditEvent.objects.bulk_update(pending, ["prev_hash", "hash"])
        AuditChainHead.objects.filter(pk=1).update(last_seq=checked, last_hash=prev)
        record_event(
            actor=None,
            action="audit.rekey",
            target_type="audit.chain",
            target_label="审计链",
            reason="审计链改用密钥重算",
            data={"events": checked, "old_head_hash": old_head, "new_head_hash": prev},
        )
    return checked, old_head, prev
