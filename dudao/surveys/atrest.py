"""Anonymity at rest: what a round's closing does to the database files (docs/anonymity.md).

While a round is open a ballot must flip its code's ``used`` flag and count its answers in one
transaction. Whatever stores them, that transaction's traces can tie the two together:

- SQLite keeps every commit in its WAL file until a checkpoint resets it, and a reader holding
  a read transaction (a backup, a long report) keeps the checkpoint from resetting past its
  snapshot — no writer can evict it. Replaying the WAL then shows, commit by commit, which code
  flipped and which counters moved. So on SQLite a ballot does not touch the counters at all:
  it stores a *sealed* ballot (``SealedBallot``: encrypted with a per-round key derived from
  the server's secret key, which is not in the database, and padded to one length). The WAL
  shows that some code was used and that some sealed ballot was stored, not what it says.
  At closing the sealed ballots are opened, added to the counters and deleted in one commit;
  ``PRAGMA secure_delete`` zeroes the freed bytes; after the commit the WAL is checkpointed
  and truncated (retried by the periodic job ``surveys.scrub_closed_rounds`` while a reader
  holds an old snapshot).
- PostgreSQL stores a row's creating and deleting transaction ids (``xmin``/``xmax``) with it,
  and an UPDATE writes a new row version where there is room — typically at the end, so the
  physical order (``ctid``) of used codes follows submission order. So at closing the round's
  code rows and counters are deleted and inserted again, in random order (codes) and one fixed
  order (counters), in the closing transaction; after it commits ``VACUUM FULL`` rewrites both
  tables into new files, without the dead row versions and their transaction ids, keeping the
  random order.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets

from django.conf import settings
from django.db import connection, transaction

from .models import SealedBallot, SurveyCode, Tally

log = logging.getLogger(__name__)
SEAL_SIZE = 1024  # every sealed ballot is padded to this many bytes before encryption


def seals_ballots() -> bool:
    return connection.vendor == "sqlite"


def _fernet(round_id: int):
    from cryptography.fernet import Fernet

    key = hmac.new(
        settings.SECRET_KEY.encode(), f"dudao-ballot-box:{round_id}".encode(), hashlib.sha256
    ).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(round_id: int, chosen: list[tuple[str, str]]) -> bytes:
    plain = json.dumps(chosen, ensure_ascii=False).encode()
    if len(plain) > SEAL_SIZE - 4:
        raise ValueError("ballot too large to seal")
    padded = len(plain).to_bytes(4, "big") + plain + secrets.token_bytes(SEAL_SIZE - 4 - len(plain))
    return _fernet(round_id).encrypt(padded)


def unseal(round_id: int, box: bytes) -> list[tuple[str, str]]:
    padded = _fernet(round_id).decrypt(bytes(box))
    size = int.from_bytes(padded[:4], "big")
    return [tuple(pair) for pair in json.loads(padded[4 : 4 + size])]


def open_sealed_ballots(round_) -> int:
    """Inside the closing transaction: count the round's sealed ballots, then delete them."""
    from django.db.models import F

    increments: dict[tuple[str, str], int] = {}
    boxes = SealedBallot.objects.filter(round=round_).values_list("box", flat=True)
    n = 0
    for box in boxes.iterator():
        for pair in unseal(round_.pk, box):
            increments[pair] = increments.get(pair, 0) + 1
        n += 1
    for (question, option), k in increments.items():
        updated = Tally.objects.filter(
            round=round_, question=question, option=option, shard=0
        ).update(count=F("count") + k)
        if updated != 1:
            raise RuntimeError("计票单元缺失：测评轮次与模板题目不一致")
    SealedBallot.objects.filter(round=round_).delete()
    return n


def rewrite_round_rows(round_) -> None:
    """Inside the closing transaction: delete and re-insert the round's code rows in random
    order and its counters (shards summed) in one fixed order, so that neither their physical
    place nor their system columns say anything about when or in which ballot they changed."""
    rng = secrets.SystemRandom()
    codes = list(
        SurveyCode.objects.filter(round=round_).values_list("pk", "code", "used", "via_link")
    )
    rng.shuffle(codes)
    cells: dict[tuple[str, str], int] = {}
    for q, o, c in Tally.objects.filter(round=round_).values_list("question", "option", "count"):
        cells[(q, o)] = cells.get((q, o), 0) + c
    SurveyCode.objects.filter(round=round_).delete()
    Tally.objects.filter(round=round_).delete()
    SurveyCode.objects.bulk_create(
        [SurveyCode(pk=pk, round=round_, code=c, used=u, via_link=v) for pk, c, u, v in codes],
        batch_size=2000,
    )
    Tally.objects.bulk_create(
        [
            Tally(round=round_, question=q, option=o, shard=0, count=n)
            for (q, o), n in sorted(cells.items())
        ]
    )


def scrub_files() -> bool:
    """Outside any transaction: leave no old row version in the files. True when done.

    PostgreSQL: VACUUM FULL of the code and counter tables (a short exclusive lock on each;
    they are small: a code row is ~40 bytes). SQLite: checkpoint the WAL into the database and
    truncate it; False while a reader holds an old snapshot (the periodic job retries)."""
    if connection.in_atomic_block:
        raise RuntimeError("scrub_files runs outside a transaction")
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"VACUUM FULL {SurveyCode._meta.db_table}, {Tally._meta.db_table}")
            return True
        # TRUNCATE waits (holding the write lock) for readers of old snapshots: not for long.
        cur.execute("PRAGMA busy_timeout=2000")
        try:
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy, _log_frames, _done = cur.fetchone()
        finally:
            cur.execute("PRAGMA busy_timeout=20000")
        return not busy


def after_close() -> None:
    """Scrub once the closing commits; a scrub that cannot finish is retried periodically."""

    def run():
        try:
            if not scrub_files():
                log.warning("WAL not truncated after closing a round: a reader holds a snapshot")
        except Exception:
            log.exception("scrubbing after closing a round failed; the periodic job retries")

    transaction.on_commit(run)


def scrub_closed_rounds() -> bool:
    """Periodic job (SQLite): checkpoint and truncate the WAL again, so that a truncation
    blocked by a reader at closing time happens once the reader is gone. On PostgreSQL the
    VACUUM FULL at closing does not depend on readers' snapshots being gone... except the dead
    versions a snapshot still sees, which VACUUM FULL must keep: see docs/anonymity.md."""
    if connection.vendor != "sqlite":
        return True
    return scrub_files()


def sealed_counts(round_) -> dict[tuple[str, str], int]:
    """{(question, option): n} of the round's still-sealed ballots (SQLite, open round). Needs
    the server's key; for tests and for checking a ballot box, never shown while open."""
    out: dict[tuple[str, str], int] = {}
    for box in SealedBallot.objects.filter(round=round_).values_list("box", flat=True):
        for pair in unseal(round_.pk, box):
            out[pair] = out.get(pair, 0) + 1
    return out
