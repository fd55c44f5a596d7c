"""Published heads, kept outside the database, catch a chain that was cut back."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from dudao.core.audit import (
    ANCHOR_MISSING,
    current_head,
    read_anchors,
    record_event,
    verify_anchors,
    verify_chain,
)
from dudao.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def _events(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            record_event(actor=None, action="test.event", target_type="thing", target_id=i)


def test_it_publishes_the_head_to_a_file_and_prints_it(tmp_path, settings, capsys):
    settings.DUDAO_AUDIT_ANCHOR_FILE = str(tmp_path / "anchors" / "heads.jsonl")
    _events(3)
    call_command("publish_audit_head")
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    last = AuditEvent.objects.get(seq=3)
    assert printed["seq"] == 3 and printed["hash"] == last.hash
    assert printed["published_at"] and printed["event_time"]
    _events(2)
    call_command("publish_audit_head")
    lines = (tmp_path / "anchors" / "heads.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [3, 5]


def test_it_gives_the_current_head_for_reports_and_the_archive():
    assert current_head().seq == 0 and "尚无事件" in str(current_head())
    _events(2)
    head = current_head()
    assert (head.seq, head.hash) == (2, AuditEvent.objects.get(seq=2).hash)
    assert "第 2 号" in str(head) and head.hash in str(head)


def test_it_fails_a_truncated_chain_against_a_published_anchor(tmp_path, capsys):
    anchors = tmp_path / "heads.jsonl"
    _events(4)
    call_command("publish_audit_head", file=str(anchors))
    _events(3)
    call_command("publish_audit_head", file=str(anchors))
    call_command("verify_audit", anchors=str(anchors))
    assert "2 个链头均在链中" in capsys.readouterr().out

    # Cut the chain back to event 5 and re-head it: the chain alone still verifies.
    AuditEvent.objects.filter(seq__gt=5).delete()
    AuditChainHead.objects.filter(pk=1).update(
        last_seq=5, last_hash=AuditEvent.objects.get(seq=5).hash
    )
    assert verify_chain() == (5, None)

    broken = verify_anchors(read_anchors(anchors))
    assert (broken.seq, broken.check) == (7, ANCHOR_MISSING)
    with pytest.raises(CommandError, match="第 7 号"):
        call_command("verify_audit", anchors=str(anchors))


def test_it_fails_when_a_published_head_was_rewritten(tmp_path):
    anchors = tmp_path / "heads.jsonl"
    _events(2)
    call_command("publish_audit_head", file=str(anchors))
    AuditEvent.objects.filter(seq=2).update(hash="a" * 64)
    broken = verify_anchors(read_anchors(anchors))
    assert broken.seq == 2 and "重写" in broken.problem
