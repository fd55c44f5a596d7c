"""An event prepared before its place in the chain is known hashes as the event itself."""

from __future__ import annotations

import datetime as dt

import pytest

from dudao.core.audit import _SEQ_MARK, PreparedPayload, compute_hash

FIELDS = {
    "created_at": dt.datetime(2026, 11, 3, 12, 0, 5, 250, tzinfo=dt.UTC),
    "actor_id": 12,
    "actor_label": "王 芳",
    "action": "document.submit",
    "target_type": "reviews.document",
    "target_id": "405",
    "target_label": "市教育局机关 “两个务必”专题报告",
    "campaign_id": 1,
    "organisation_id": 7,
    "reason": "",
    "data": {"kind": "plan", "version": 2, "seq": 3, "chars": 1800},
}


@pytest.mark.parametrize("seq", [1, 9, 10, 232282, 10**12])
def test_a_prepared_payload_hashes_as_the_event_at_any_place(seq):
    prepared = PreparedPayload(**FIELDS)
    for key in (b"k", b"another key"):
        assert prepared.hash(prev_hash="ab" * 32, seq=seq, key=key) == compute_hash(
            prev_hash="ab" * 32, seq=seq, key=key, **FIELDS
        )
    assert prepared.hash(prev_hash="0" * 64, seq=seq, key=b"k") != prepared.hash(
        prev_hash="0" * 64, seq=seq + 1, key=b"k"
    )


def test_content_that_holds_the_mark_is_hashed_the_slow_way():
    fields = dict(FIELDS, reason=f"编号 {_SEQ_MARK}")
    prepared = PreparedPayload(**fields)
    assert prepared.fields is not None
    assert prepared.hash(prev_hash="cd" * 32, seq=44, key=b"k") == compute_hash(
        prev_hash="cd" * 32, seq=44, key=b"k", **fields
    )
