"""The copy-detection index kept in the database, so every process (web workers, commands)
answers the same: a ``TextSignature`` per indexed text and its ``SignatureBand`` keys.

Only the latest version of each document is indexed (an earlier draft is not another
document to be copied from); web reference texts are indexed too; boilerplate reference texts
are not indexed but removed from everything. Called inside the submitting action's
transaction, so a version and its signature exist together.
"""

from __future__ import annotations

import numpy as np

from . import similarity as sim
from .models import (
    DocumentVersion,
    ReferenceKind,
    ReferenceText,
    SignatureBand,
    SimilarityMatch,
    TextSignature,
)


def boilerplate_ids(campaign_id: int) -> np.ndarray:
    parts = [
        sim.shingles(text)
        for text in ReferenceText.objects.filter(
            campaign_id=campaign_id, kind=ReferenceKind.BOILERPLATE
        ).values_list("text", flat=True)
    ]
    return np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.uint64)


def _store(*, campaign_id: int, sig: np.ndarray, count: int, version=None, reference=None):
    row = TextSignature.objects.create(
        campaign_id=campaign_id,
        version=version,
        reference=reference,
        minhash=sim.to_bytes(sig),
        shingle_count=count,
    )
    SignatureBand.objects.bulk_create(
        [
            SignatureBand(signature=row, campaign_id=campaign_id, band=i, key=int(k))
            for i, k in enumerate(sim.band_keys(sig))
        ]
    )
    return row


def _candidates(campaign_id: int, sig: np.ndarray, *, skip_document: int | None):
    keys = [int(k) for k in sim.band_keys(sig)]
    ids = set(
        SignatureBand.objects.filter(campaign_id=campaign_id, key__in=keys).values_list(
            "signature_id", flat=True
        )
    )
    rows = list(
        TextSignature.objects.filter(pk__in=ids).values(
            "pk", "minhash", "version_id", "reference_id", "version__document_id"
        )
    )
    if skip_document is not None:
        rows = [r for r in rows if r["version__document_id"] != skip_document]
    if not rows:
        return []
    matrix = np.vstack([sim.from_bytes(r["minhash"]) for r in rows])
    est = sim.estimate(sig, matrix)
    return [r for r, e in zip(rows, est, strict=True) if e >= sim.ESTIMATE_FLOOR]


def find_similar(campaign_id: int, text: str, *, skip_document: int | None = None, exclude=None):
    """Confirmed similar texts: [(version_id | None, reference_id | None, jaccard, containment)]
    sorted by Jaccard, highest first."""
    exclude = boilerplate_ids(campaign_id) if exclude is None else exclude
    ids = sim.shingles(text, exclude)
    if len(ids) < sim.MIN_SHINGLES:
        return []
    return _confirm(campaign_id, ids, sim.signature(ids), skip_document, exclude)


def _confirm(campaign_id, ids, sig, skip_document, exclude):
    found = []
    cands = _candidates(campaign_id, sig, skip_document=skip_document)
    versions = dict(
        DocumentVersion.objects.filter(
            pk__in=[c["version_id"] for c in cands if c["version_id"]]
        ).values_list("pk", "text")
    )
    refs = dict(
        ReferenceText.objects.filter(
            pk__in=[c["reference_id"] for c in cands if c["reference_id"]]
        ).values_list("pk", "text")
    )
    for c in cands:
        other_text = versions.get(c["version_id"]) or refs.get(c["reference_id"]) or ""
        other = sim.shingles(other_text, exclude)
        j = sim.jaccard(ids, other)
        if j >= sim.REPORT_THRESHOLD:
            found.append((c["version_id"], c["reference_id"], j, sim.containment(ids, other)))
    found.sort(key=lambda x: -x[2])
    return found


def index_version(version: DocumentVersion, *, exclude=None) -> list[SimilarityMatch]:
    """Index a new version (replacing its document's earlier one) and store its matches."""
    document = version.document
    campaign_id = document.campaign_id
    exclude = boilerplate_ids(campaign_id) if exclude is None else exclude
    TextSignature.objects.filter(version__document=document).delete()
    ids = sim.shingles(version.text, exclude)
    if len(ids) < sim.MIN_SHINGLES:
        return []
    sig = sim.signature(ids)
    found = _confirm(campaign_id, ids, sig, document.pk, exclude)
    _store(campaign_id=campaign_id, sig=sig, count=len(ids), version=version)
    SimilarityMatch.objects.filter(version=version).delete()
    return SimilarityMatch.objects.bulk_create(
        [
            SimilarityMatch(
                version=version,
                other_version_id=v,
                other_reference_id=r,
                jaccard=round(j, 4),
                containment=round(c, 4),
            )
            for v, r, j, c in found
        ]
    )


def index_reference(reference: ReferenceText, *, exclude=None) -> None:
    TextSignature.objects.filter(reference=reference).delete()
    if reference.kind != ReferenceKind.WEB:
        return
    exclude = boilerplate_ids(reference.campaign_id) if exclude is None else exclude
    ids = sim.shingles(reference.text, exclude)
    if len(ids) >= sim.MIN_SHINGLES:
        _store(
            campaign_id=reference.campaign_id,
            sig=sim.signature(ids),
            count=len(ids),
            reference=reference,
        )


def reindex_campaign(campaign_id: int) -> int:
    """Rebuild the whole index of a campaign (after the boilerplate changed): every signature
    depends on what is excluded. Matches are recomputed in submission order."""
    exclude = boilerplate_ids(campaign_id)
    TextSignature.objects.filter(campaign_id=campaign_id).delete()
    for ref in ReferenceText.objects.filter(campaign_id=campaign_id, kind=ReferenceKind.WEB):
        index_reference(ref, exclude=exclude)
    latest = (
        DocumentVersion.objects.filter(document__campaign_id=campaign_id)
        .order_by("document_id", "-number")
        .distinct()
    )
    seen: set[int] = set()
    chosen = []
    for v in latest.select_related("document"):
        if v.document_id not in seen:
            seen.add(v.document_id)
            chosen.append(v)
    chosen.sort(key=lambda v: v.submitted_at)
    for v in chosen:
        index_version(v, exclude=exclude)
    return len(chosen)
