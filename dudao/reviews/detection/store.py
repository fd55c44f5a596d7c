"""Writing the passage index: fingerprints and their frequencies, inserted in blocks of rows,
removed again for an earlier version, and ``BulkIndexer`` for loading many texts at once."""

from __future__ import annotations

import numpy as np
from django.db import connection, transaction
from django.db.models import F

from .. import passages as ps
from ..models import FingerprintFrequency, PassageFingerprint, PassageIndex
from .base import Prepared, boilerplate_ids


def _add_frequencies(
    campaign_id: int, hashes: np.ndarray, counts: np.ndarray, *, fresh: bool = False
) -> None:
    """Count ``counts`` more texts for each of the (unique) hashes, in hash order (so a large
    batch walks the unique index once instead of jumping around it); safe under concurrent
    submissions. ``fresh``: the campaign has no counts yet (a plain insert)."""
    if not len(hashes):
        return
    order = np.argsort(hashes, kind="stable")
    table = connection.ops.quote_name(FingerprintFrequency._meta.db_table)
    conflict = ""
    if not fresh:
        conflict = (
            " ON CONFLICT (campaign_id, hash) DO UPDATE "
            f"SET documents = {table}.documents + excluded.documents"
        )
    _insert_rows(
        f"INSERT INTO {table} (campaign_id, hash, documents)",
        int(campaign_id),
        [hashes, counts],
        order=order,
        suffix=conflict,
    )


# Rows per INSERT statement of many rows (the parameters stay far below SQLite's limit of
# 32,766 and PostgreSQL's of 65,535), and rows turned into Python values at a time.
ROWS_PER_STATEMENT = 500
ROWS_PER_BLOCK = 100_000
# Index entries SQLite's ANALYZE reads after a bulk load (enough for the planner's estimates).
ANALYSIS_LIMIT = 2000


def _insert_rows(
    head: str,
    campaign_id: int,
    columns: list[np.ndarray],
    *,
    order: np.ndarray | None = None,
    suffix: str = "",
) -> None:
    """``head`` (``INSERT INTO table (campaign_id, ...)``) for every row of the integer
    ``columns`` (in ``order`` if given), the campaign first: statements of
    ``ROWS_PER_STATEMENT`` rows each — binding one statement per row is most of the cost of a
    bulk load — and Python values made for ``ROWS_PER_BLOCK`` rows at a time, so memory stays
    bounded however many rows there are."""
    n = len(columns[0])
    width = len(columns)
    row = "(" + ", ".join([str(int(campaign_id))] + ["%s"] * width) + ")"
    full_sql = f"{head} VALUES {', '.join([row] * ROWS_PER_STATEMENT)}{suffix}"
    with connection.cursor() as cur:
        for block in range(0, n, ROWS_PER_BLOCK):
            rows = slice(block, min(n, block + ROWS_PER_BLOCK))
            picked = order[rows] if order is not None else rows
            flat = np.column_stack([c[picked].astype(np.int64) for c in columns]).ravel().tolist()
            count = len(flat) // width
            step = ROWS_PER_STATEMENT * width
            whole = count // ROWS_PER_STATEMENT * step
            for start in range(0, whole, step):
                cur.execute(full_sql, flat[start : start + step])
            if whole < len(flat):
                rest = (len(flat) - whole) // width
                cur.execute(f"{head} VALUES {', '.join([row] * rest)}{suffix}", flat[whole:])


def _write_fingerprints(
    campaign_id: int, column: str, owners: np.ndarray, hashes: np.ndarray, positions: np.ndarray
) -> None:
    """Insert fingerprint rows (``column`` is ``version_id`` or ``reference_id``, ``owners`` its
    value per row): COPY on PostgreSQL, statements of many rows on SQLite."""
    if not len(hashes):
        return
    assert column in ("version_id", "reference_id")
    table = connection.ops.quote_name(PassageFingerprint._meta.db_table)
    if connection.vendor == "postgresql":
        rows = zip(owners.tolist(), hashes.tolist(), positions.tolist(), strict=True)
        with (
            connection.cursor() as cur,
            cur.cursor.copy(f"COPY {table} (campaign_id, {column}, hash, pos) FROM STDIN") as copy,
        ):
            for owner, h, p in rows:
                copy.write_row((campaign_id, owner, h, p))
    else:
        _insert_rows(
            f"INSERT INTO {table} (campaign_id, {column}, hash, pos)",
            int(campaign_id),
            [owners, hashes, positions],
        )


def _count_texts(campaign_id: int, delta: int) -> None:
    if not PassageIndex.objects.filter(campaign_id=campaign_id).update(
        documents=F("documents") + delta
    ):
        PassageIndex.objects.get_or_create(campaign_id=campaign_id)
        PassageIndex.objects.filter(campaign_id=campaign_id).update(
            documents=F("documents") + delta
        )


def _unindex(campaign_id: int, **source) -> None:
    rows = PassageFingerprint.objects.filter(campaign_id=campaign_id, **source)
    old = sorted(set(rows.values_list("hash", flat=True)))
    if not old:
        return
    rows.delete()
    for start in range(0, len(old), 5000):
        FingerprintFrequency.objects.filter(
            campaign_id=campaign_id, hash__in=old[start : start + 5000]
        ).update(documents=F("documents") - 1)
    _count_texts(campaign_id, -1)


def _index(campaign_id: int, prep: Prepared, **source) -> None:
    if not len(prep.hashes):
        return
    ((name, obj),) = source.items()
    owners = np.full(len(prep.hashes), obj.pk, dtype=np.int64)
    _write_fingerprints(campaign_id, f"{name}_id", owners, prep.hashes, prep.positions)
    unique = np.unique(prep.hashes)
    _add_frequencies(campaign_id, unique, np.ones(len(unique), dtype=np.int64))
    _count_texts(campaign_id, 1)


class BulkIndexer:
    """Index many web reference texts of a campaign at once (a rebuild, a restore, an import of
    a whole web corpus): the same fingerprints and rows as ``index_reference``, computed for a
    batch of texts in a few array operations and written in statements of many rows (COPY on
    PostgreSQL); the text counts are summed in memory and written once, in hash order, at the
    end.

    ``rebuild_lookup``: drop the fingerprint lookup index while loading and build it once at
    the end (inserting tens of millions of random hashes into a B-tree that outgrew the cache
    is what is slow). Only for loads nothing checks against meanwhile. Use as a context
    manager; each ``add`` runs in its own transaction."""

    # Pending (text, hash) pairs merged into the counts at a time: bounds the memory.
    FOLD_EVERY = 20_000_000
    # SQLite's page cache during the load (KiB; the connection's own is restored after): room
    # for the sorter that builds the lookup index over tens of millions of rows.
    SQLITE_CACHE_KIB = 262_144

    def __init__(self, campaign_id: int, *, exclude=None, rebuild_lookup: bool = False):
        self.campaign_id = campaign_id
        self.exclude = boilerplate_ids(campaign_id) if exclude is None else exclude
        self.rebuild_lookup = rebuild_lookup
        self.texts = 0
        self.fingerprints = 0
        self._pending: list[np.ndarray] = []
        self._pending_size = 0
        self._hashes = np.empty(0, dtype=np.int64)
        self._counts = np.empty(0, dtype=np.int64)

    @staticmethod
    def _lookup_index():
        return next(i for i in PassageFingerprint._meta.indexes if i.name == "fingerprint_lookup")

    def __enter__(self) -> BulkIndexer:
        self._fresh = not FingerprintFrequency.objects.filter(campaign_id=self.campaign_id).exists()
        self._cache_size = None
        if connection.vendor == "sqlite":
            with connection.cursor() as cur:
                cur.execute("PRAGMA cache_size")
                self._cache_size = int(cur.fetchone()[0])
                cur.execute(f"PRAGMA cache_size = -{int(self.SQLITE_CACHE_KIB)}")
        if self.rebuild_lookup:
            self._ddl("remove_sql")
        return self

    def _ddl(self, which: str) -> None:
        # Plain statements (the schema editor is refused inside a transaction on SQLite).
        index = self._lookup_index()
        q = connection.ops.quote_name
        if which == "remove_sql":
            sql = f"DROP INDEX {q(index.name)}"
        else:
            columns = ", ".join(
                q(PassageFingerprint._meta.get_field(f).column) for f in index.fields
            )
            sql = f"CREATE INDEX {q(index.name)} ON {q(PassageFingerprint._meta.db_table)} ({columns})"
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                # Deferred foreign-key checks of rows just loaded must run before the DDL.
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute(sql)

    def add(self, references: list[tuple[int, str]]) -> None:
        """Index web reference texts already saved: (reference id, text) each."""
        if not references:
            return
        norms = [ps.normalise(text) for _pk, text in references]
        owner, hashes, positions = ps.fingerprints_many(norms)
        if len(self.exclude) and len(hashes):
            keep = ~np.isin(hashes, self.exclude)
            owner, hashes, positions = owner[keep], hashes[keep], positions[keep]
        ids = np.fromiter((pk for pk, _t in references), dtype=np.int64, count=len(references))
        with transaction.atomic():
            _write_fingerprints(self.campaign_id, "reference_id", ids[owner], hashes, positions)
        # Each text counts once per distinct fingerprint: unique (text, hash) pairs.
        order = np.lexsort((hashes, owner))
        o, h = owner[order], hashes[order]
        first = np.ones(len(h), dtype=bool)
        first[1:] = (o[1:] != o[:-1]) | (h[1:] != h[:-1])
        self._pending.append(h[first])
        self._pending_size += int(first.sum())
        self.texts += len(np.unique(owner))  # texts with a fingerprint left, as ``_index``
        self.fingerprints += len(hashes)
        if self._pending_size > self.FOLD_EVERY:
            self._fold()

    def _fold(self) -> None:
        """Merge the pending hashes into the sorted counts: the new ones counted among
        themselves, added where already counted, inserted in order where not — never a sort of
        everything counted so far (tens of millions of hashes at city scale)."""
        if not self._pending:
            return
        new, new_counts = np.unique(np.concatenate(self._pending), return_counts=True)
        self._pending, self._pending_size = [], 0
        at = np.searchsorted(self._hashes, new)
        known = at < len(self._hashes)
        known[known] = self._hashes[at[known]] == new[known]
        self._counts[at[known]] += new_counts[known]  # ``new`` is unique: so are the places
        fresh = ~known
        self._hashes = np.insert(self._hashes, at[fresh], new[fresh])
        self._counts = np.insert(self._counts, at[fresh], new_counts[fresh].astype(np.int64))

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self._fold()
                with transaction.atomic():
                    fresh = (
                        self._fresh
                        and not FingerprintFrequency.objects.filter(
                            campaign_id=self.campaign_id
                        ).exists()
                    )  # nothing was indexed one by one meanwhile
                    _add_frequencies(self.campaign_id, self._hashes, self._counts, fresh=fresh)
                    if self.texts:
                        _count_texts(self.campaign_id, self.texts)
        finally:
            if self.rebuild_lookup:
                self._ddl("create_sql")
                table = connection.ops.quote_name
                with connection.cursor() as cur:
                    if connection.vendor == "sqlite":
                        # Statistics from a sample of each index, not a scan of tens of millions
                        # of rows (PostgreSQL's ANALYZE samples already).
                        cur.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
                    for model in (PassageFingerprint, FingerprintFrequency):
                        cur.execute(f"ANALYZE {table(model._meta.db_table)}")
                    if connection.vendor == "sqlite":
                        cur.execute("PRAGMA analysis_limit = 0")
            if self._cache_size is not None:
                with connection.cursor() as cur:
                    cur.execute(f"PRAGMA cache_size = {self._cache_size}")
