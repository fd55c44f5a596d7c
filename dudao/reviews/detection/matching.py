"""Finding the texts that share passages with a prepared text: one index lookup on its
fingerprints for candidates, then the shared passages grown exactly over both texts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db import connection

from .. import passages as ps
from ..models import DocumentVersion, FingerprintFrequency, PassageFingerprint, ReferenceText
from .base import (
    MAX_CANDIDATES,
    MAX_SEEDS_PER_HASH,
    PASSAGE_FLOOR,
    Prepared,
    boilerplate_ids,
    indexed_count,
    min_passage,
    min_share,
    stock_limit,
)


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
