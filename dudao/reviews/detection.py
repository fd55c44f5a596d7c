"""The passage index kept in the database, so every process (web workers, commands, the task
worker) answers the same: winnowed fingerprints (``PassageFingerprint``) of the latest version
of every document and of every web reference text, and how many texts each fingerprint occurs
in (``FingerprintFrequency``).

A new text is checked against the whole campaign with one index lookup on its fingerprints;
the texts sharing any of them are candidates, and the shared passages are then grown exactly
over both texts (``dudao.reviews.passages``). A pair is reported when it shares a passage of at
least ``DUDAO_COPY_MIN_PASSAGE`` characters, or when at least ``DUDAO_COPY_MIN_SHARE`` of the
smaller text lies in passages found in the larger, whatever their whole-document similarity.

Boilerplate is not copying: every k-gram of the superior's texts (reference texts of the kind
"boilerplate") is excluded, and so is any fingerprint that occurs in many texts of the campaign
(stock phrases: at least ``DUDAO_COPY_STOCK_MIN_DOCS`` texts and ``DUDAO_COPY_STOCK_SHARE`` of
them). Only the latest version of a document is indexed (an earlier draft is not another
document to copy from). Called inside the submitting action's transaction, so a version and its
fingerprints exist together.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

from . import passages as ps
from . import similarity as sim
from .models import (
    DocumentVersion,
    FingerprintFrequency,
    PassageFingerprint,
    PassageIndex,
    ReferenceKind,
    ReferenceText,
    SimilarityMatch,
)

# Passages shorter than this (normalised characters, boilerplate excluded) are chance matches
# of common wording and count for nothing.
PASSAGE_FLOOR = 12
# At most this many candidate texts (those sharing the most fingerprints) are grown exactly.
MAX_CANDIDATES = 50
# A hash occurring many times in one text (a repeated slogan) seeds at most this many positions.
MAX_SEEDS_PER_HASH = 8


def min_passage() -> int:
    return int(getattr(settings, "DUDAO_COPY_MIN_PASSAGE", 20))


def min_share() -> float:
    return float(getattr(settings, "DUDAO_COPY_MIN_SHARE", 0.3))


def stock_limit(indexed: int) -> int:
    """Texts a fingerprint must occur in to count as a stock phrase of the campaign."""
    floor = int(getattr(settings, "DUDAO_COPY_STOCK_MIN_DOCS", 8))
    share = float(getattr(settings, "DUDAO_COPY_STOCK_SHARE", 0.01))
    return max(floor, math.ceil(share * indexed))


# --- boilerplate and stock phrases --------------------------------------------------------------


def boilerplate_ids(campaign_id: int) -> np.ndarray:
    """Every k-gram hash of the campaign's boilerplate texts, sorted and unique."""
    parts = [
        ps.all_kgram_set(text)
        for text in ReferenceText.objects.filter(
            campaign_id=campaign_id, kind=ReferenceKind.BOILERPLATE
        ).values_list("text", flat=True)
    ]
    return np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)


def indexed_count(campaign_id: int) -> int:
    row = PassageIndex.objects.filter(campaign_id=campaign_id).values_list("documents", flat=True)
    return next(iter(row), 0)


# --- a text's fingerprints -----------------------------------------------------------------------


@dataclass
class Prepared:
    """A text ready to match: normalised, with its fingerprints minus boilerplate."""

    text: str
    norm: str
    hashes: np.ndarray  # int64
    positions: np.ndarray  # int64, in ``norm``
    boiler: np.ndarray  # bool per character of ``norm``

    @classmethod
    def of(cls, text: str, exclude: np.ndarray) -> Prepared:
        norm = ps.normalise(text)
        hashes, positions = ps.winnow(ps.kgram_hashes(ps.codepoints(norm)))
        if len(exclude) and len(hashes):
            keep = ~np.isin(hashes, exclude)
            hashes, positions = hashes[keep], positions[keep]
        return cls(text, norm, hashes, positions, ps.boilerplate_mask(norm, exclude))


@dataclass
class Found:
    """One text sharing passages with the checked text."""

    version_id: int | None
    reference_id: int | None
    passages: list[ps.Passage]
    other_norm: str
    other_text: str
    shared_chars: int
    other_shared: int
    longest: int
    share: float  # of the checked text
    other_share: float


def _measure(prep: Prepared, other_norm: str, found: list[ps.Passage], stock) -> tuple | None:
    """Shares and the longest passage, or None when the pair is not reportable."""
    if not found:
        return None
    longest = max(ps.effective_length(p, prep.boiler, stock) for p in found)
    mine = ps.coverage(found, len(prep.norm), "a")
    theirs = ps.coverage(found, len(other_norm), "b")
    share = mine / len(prep.norm) if prep.norm else 0.0
    other_share = theirs / len(other_norm) if other_norm else 0.0
    smaller_share = share if len(prep.norm) <= len(other_norm) else other_share
    if longest < min_passage() and smaller_share < min_share():
        return None
    return mine, theirs, longest, share, other_share


def _frequencies(campaign_id: int, hashes: set[int]) -> dict[int, int]:
    if not hashes:
        return {}
    return dict(
        FingerprintFrequency.objects.filter(
            campaign_id=campaign_id, hash__in=sorted(hashes)
        ).values_list("hash", "documents")
    )


def find_passages(
    campaign_id: int,
    text: str,
    *,
    skip_document: int | None = None,
    skip_reference: int | None = None,
    exclude: np.ndarray | None = None,
) -> list[Found]:
    """Texts of the campaign sharing reportable passages with ``text``, most shared first
    (``skip_document`` / ``skip_reference``: the text's own entry in the index)."""
    exclude = boilerplate_ids(campaign_id) if exclude is None else exclude
    return _find(campaign_id, Prepared.of(text, exclude), skip_document, exclude, skip_reference)


def _hits(campaign_id: int, hashes: list[int], limit: int) -> list[tuple[int, int, int, int]]:
    """(hash, pos, version id, reference id) of every indexed occurrence of the (distinct)
    hashes that is not a stock phrase: one statement, the index looked up per hash of the text
    only when the hash is not stock. (Filtering after the lookup instead reads every
    occurrence of a stock phrase's hash — tens of thousands of rows each in a city campaign —
    only to drop them.)"""
    fp = connection.ops.quote_name(PassageFingerprint._meta.db_table)
    freq = connection.ops.quote_name(FingerprintFrequency._meta.db_table)
    rows: list[tuple[int, int, int, int]] = []
    with connection.cursor() as cur:
        for start in range(0, len(hashes), 5000):
            part = hashes[start : start + 5000]
            values = ", ".join(["(%s)"] * len(part))
            cur.execute(
                f"SELECT f.hash, f.pos, f.version_id, f.reference_id FROM (VALUES {values}) AS h "
                f"CROSS JOIN {fp} f WHERE f.campaign_id = %s AND f.hash = h.column1 "
                f"AND NOT EXISTS (SELECT 1 FROM {freq} q WHERE q.campaign_id = %s "
                "AND q.hash = h.column1 AND q.documents >= %s)",
                [*part, campaign_id, campaign_id, limit],
            )
            rows.extend(cur.fetchall())
    return rows


def _find(
    campaign_id: int, prep: Prepared, skip_document, exclude, skip_reference=None
) -> list[Found]:
    if not len(prep.hashes):
        return []
    limit = stock_limit(indexed_count(campaign_id))
    mine: dict[int, list[int]] = defaultdict(list)
    for h, p in zip(prep.hashes.tolist(), prep.positions.tolist(), strict=True):
        if len(mine[h]) < MAX_SEEDS_PER_HASH:
            mine[h].append(p)
    postings: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
    for h, pos, version_id, reference_id in _hits(campaign_id, sorted(mine), limit):
        if reference_id is not None and reference_id == skip_reference:
            continue
        postings[(version_id, reference_id)].append((h, pos))
    if not postings:
        return []
    version_ids = [v for v, _r in postings if v]
    if skip_document is not None and version_ids:
        own = set(
            DocumentVersion.objects.filter(
                pk__in=version_ids, document_id=skip_document
            ).values_list("pk", flat=True)
        )
        for key in [k for k in postings if k[0] in own]:
            del postings[key]
    # Candidates grouped by how many distinct fingerprints they share; only the best grown.
    # Ties in the order the texts were indexed (not in the order the database returns rows).
    ranked = sorted(
        postings.items(),
        key=lambda kv: (-len({h for h, _p in kv[1]}), kv[0][0] or 0, kv[0][1] or 0),
    )
    ranked = ranked[:MAX_CANDIDATES]
    versions = dict(
        DocumentVersion.objects.filter(pk__in=[v for (v, _r), _x in ranked if v]).values_list(
            "pk", "text"
        )
    )
    refs = dict(
        ReferenceText.objects.filter(pk__in=[r for (_v, r), _x in ranked if r]).values_list(
            "pk", "text"
        )
    )
    grown = []
    for (version_id, reference_id), hits in ranked:
        other_text = versions[version_id] if version_id else refs.get(reference_id, "")
        other_norm = ps.normalise(other_text)
        seeds = []
        per_hash: dict[int, int] = defaultdict(int)
        for h, pos in hits:
            if per_hash[h] >= MAX_SEEDS_PER_HASH:
                continue
            per_hash[h] += 1
            seeds.extend((i, pos) for i in mine[h])
        found = ps.shared_passages(prep.norm, other_norm, seeds, min_length=ps.K)
        found = [p for p in found if ps.effective_length(p, prep.boiler) >= PASSAGE_FLOOR]
        if found:
            grown.append((version_id, reference_id, other_text, other_norm, found))
    # A passage that many texts of the campaign contain is a stock phrase, even where the
    # fingerprints at its edges (chosen by windows reaching into the text around it) are rare:
    # the fingerprints of the windows wholly inside it are kept by every text that has it.
    # Its stock stretch (between such common fingerprints) does not count as shared.
    interiors = [ps.interior_windows(prep.norm, p) for *_rest, found in grown for p in found]
    frequency = _frequencies(campaign_id, {h for ws in interiors for _w, _k, h in ws})
    common = [(w, k) for ws in interiors for w, k, h in ws if frequency.get(h, 0) >= limit]
    stock = ps.stock_mask(len(prep.norm), common) if common else None
    out: list[Found] = []
    for version_id, reference_id, other_text, other_norm, found in grown:
        found = [p for p in found if ps.effective_length(p, prep.boiler, stock) >= PASSAGE_FLOOR]
        measured = _measure(prep, other_norm, found, stock)
        if measured is None:
            continue
        shared, other_shared, longest, share, other_share = measured
        out.append(
            Found(
                version_id,
                reference_id,
                found,
                other_norm,
                other_text,
                shared,
                other_shared,
                longest,
                share,
                other_share,
            )
        )
    out.sort(key=lambda f: (-f.shared_chars, -f.longest, f.version_id or 0, f.reference_id or 0))
    return out


# --- the index ------------------------------------------------------------------------------------


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


def _passages_json(prep: Prepared, found: Found) -> list[list[int]]:
    _norm, where_a = ps.normalise_with_positions(prep.text)
    _other, where_b = ps.normalise_with_positions(found.other_text)
    out = []
    for p in found.passages:
        a0, a1, b0, b1 = ps.to_original(p, where_a, where_b)
        out.append([a0, a1, b0, b1, p.length])
    return out


def index_version(version: DocumentVersion, *, exclude=None) -> list[SimilarityMatch]:
    """Index a new version (replacing its document's earlier one) and store its matches."""
    document = version.document
    campaign_id = document.campaign_id
    exclude = boilerplate_ids(campaign_id) if exclude is None else exclude
    earlier = list(
        DocumentVersion.objects.filter(document=document)
        .exclude(pk=version.pk)
        .values_list("pk", flat=True)
    )
    if earlier and PassageFingerprint.objects.filter(version_id__in=earlier).exists():
        _unindex(campaign_id, version_id__in=earlier)
    prep = Prepared.of(version.text, exclude)
    found = _find(campaign_id, prep, document.pk, exclude)
    _index(campaign_id, prep, version=version)
    SimilarityMatch.objects.filter(version=version).delete()
    mine_ids = sim.shingles(version.text)
    return SimilarityMatch.objects.bulk_create(
        [
            SimilarityMatch(
                version=version,
                other_version_id=f.version_id,
                other_reference_id=f.reference_id,
                jaccard=round(sim.jaccard(mine_ids, sim.shingles(f.other_text)), 4),
                containment=round(f.share, 4),
                other_share=round(f.other_share, 4),
                shared_chars=f.shared_chars,
                longest=f.longest,
                passages=_passages_json(prep, f),
            )
            for f in found
        ]
    )


def index_reference(reference: ReferenceText, *, exclude=None) -> None:
    _unindex(reference.campaign_id, reference=reference)
    if reference.kind != ReferenceKind.WEB:
        return
    exclude = boilerplate_ids(reference.campaign_id) if exclude is None else exclude
    _index(reference.campaign_id, Prepared.of(reference.text, exclude), reference=reference)


def clear_campaign(campaign_id: int) -> None:
    PassageFingerprint.objects.filter(campaign_id=campaign_id).delete()
    FingerprintFrequency.objects.filter(campaign_id=campaign_id).delete()
    PassageIndex.objects.filter(campaign_id=campaign_id).delete()


def reindex_campaign(campaign_id: int) -> int:
    """Rebuild the whole index of a campaign (after the boilerplate changed): every fingerprint
    set depends on what is excluded. Matches are recomputed in submission order."""
    exclude = boilerplate_ids(campaign_id)
    clear_campaign(campaign_id)
    web = ReferenceText.objects.filter(campaign_id=campaign_id, kind=ReferenceKind.WEB)
    with BulkIndexer(campaign_id, exclude=exclude) as bulk:
        batch = []
        for row in web.values_list("pk", "text").iterator(chunk_size=2000):
            batch.append(row)
            if len(batch) == 2000:
                bulk.add(batch)
                batch = []
        bulk.add(batch)
    latest = (
        DocumentVersion.objects.filter(document__campaign_id=campaign_id)
        .order_by("document_id", "-number")
        .select_related("document")
    )
    seen: set[int] = set()
    chosen = []
    for v in latest:
        if v.document_id not in seen:
            seen.add(v.document_id)
            chosen.append(v)
    chosen.sort(key=lambda v: v.submitted_at)
    for v in chosen:
        index_version(v, exclude=exclude)
    return len(chosen)
