"""Anonymous votes on a branch ballot, kept the way surveys keep answers (docs/anonymity.md,
``dudao.surveys.atrest``): nothing ties a code to the grades its vote gave.

- PostgreSQL: one transaction flips the code (compare-and-set ``used = false → true`` while the
  ballot is open) and adds one to a counter per member, in member order (so concurrent votes
  lock counters in one order and never deadlock). The shard, picked at random per vote, spreads
  concurrent increments. At closing, code rows and counters are deleted and inserted again in
  random / fixed order and the tables are vacuumed after the commit, so neither a row's place
  nor its system columns say which vote moved which counter.
- SQLite: the WAL would show which counters moved with which code, so a vote stores a sealed
  box (encrypted with a key derived from the server's secret, padded to one length per ballot)
  opened into the counters at closing and deleted; the WAL is then checkpointed and truncated.
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
from django.db.models import F

from dudao.surveys import atrest as survey_atrest

from .models import BallotCode, GradeTally, SealedVote

log = logging.getLogger(__name__)


def seals_votes() -> bool:
    return connection.vendor == "sqlite"


def _fernet(ballot_id: int):
    from cryptography.fernet import Fernet

    key = hmac.new(
        settings.SECRET_KEY.encode(), f"dudao-member-ballot:{ballot_id}".encode(), hashlib.sha256
    ).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal_size(members: int) -> int:
    # "[123456789, 3], " is at most ~20 bytes per member; one size for every vote of a ballot.
    return 64 + 24 * members


def seal(ballot_id: int, members: int, votes: list[tuple[int, str]]) -> bytes:
    plain = json.dumps(votes, separators=(",", ":")).encode()
    size = seal_size(members)
    if len(plain) > size - 4:
        raise ValueError("vote too large to seal")
    padded = len(plain).to_bytes(4, "big") + plain + secrets.token_bytes(size - 4 - len(plain))
    return _fernet(ballot_id).encrypt(padded)


def unseal(ballot_id: int, box: bytes) -> list[tuple[int, str]]:
    padded = _fernet(ballot_id).decrypt(bytes(box))
    size = int.from_bytes(padded[:4], "big")
    return [(int(p), str(g)) for p, g in json.loads(padded[4 : 4 + size])]


def count_vote(ballot, votes: list[tuple[int, str]], members: int) -> None:
    """Inside the vote's transaction, after the code was flipped."""
    if seals_votes():
        SealedVote.objects.create(ballot_id=ballot.pk, box=seal(ballot.pk, members, votes))
        return
    shard = secrets.randbelow(max(1, ballot.shards))
    for person_id, grade in sorted(votes):
        n = GradeTally.objects.filter(
            ballot_id=ballot.pk, person_id=person_id, grade=grade, shard=shard
        ).update(count=F("count") + 1)
        if n != 1:
            raise RuntimeError("评议计票单元缺失")


def open_sealed(ballot) -> int:
    increments: dict[tuple[int, str], int] = {}
    n = 0
    for box in SealedVote.objects.filter(ballot=ballot).values_list("box", flat=True).iterator():
        for pair in unseal(ballot.pk, box):
            increments[pair] = increments.get(pair, 0) + 1
        n += 1
    for (person_id, grade), k in sorted(increments.items()):
        GradeTally.objects.filter(ballot=ballot, person_id=person_id, grade=grade, shard=0).update(
            count=F("count") + k
        )
    SealedVote.objects.filter(ballot=ballot).delete()
    return n


def rewrite_rows(ballot) -> None:
    """Inside the closing transaction: codes again in random order, counters (shards summed)
    again in one fixed order."""
    rng = secrets.SystemRandom()
    codes = list(BallotCode.objects.filter(ballot=ballot).values_list("pk", "code", "used"))
    rng.shuffle(codes)
    cells: dict[tuple[int, str], int] = {}
    for p, g, c in GradeTally.objects.filter(ballot=ballot).values_list(
        "person_id", "grade", "count"
    ):
        cells[(p, g)] = cells.get((p, g), 0) + c
    BallotCode.objects.filter(ballot=ballot).delete()
    GradeTally.objects.filter(ballot=ballot).delete()
    BallotCode.objects.bulk_create(
        [BallotCode(pk=pk, ballot=ballot, code=c, used=u) for pk, c, u in codes], batch_size=2000
    )
    GradeTally.objects.bulk_create(
        [
            GradeTally(ballot=ballot, person_id=p, grade=g, shard=0, count=n)
            for (p, g), n in sorted(cells.items())
        ],
        batch_size=2000,
    )


def scrub_files() -> bool:
    if connection.in_atomic_block:
        raise RuntimeError("scrub_files runs outside a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                f"VACUUM FULL {BallotCode._meta.db_table}, {GradeTally._meta.db_table}, "
                f"{SealedVote._meta.db_table}"
            )
        return True
    return survey_atrest.scrub_files()


def after_close() -> None:
    def run():
        try:
            if not scrub_files():
                log.warning("WAL not truncated after closing a ballot: a reader holds a snapshot")
        except Exception:
            log.exception("scrubbing after closing a ballot failed; the periodic job retries")

    transaction.on_commit(run)
