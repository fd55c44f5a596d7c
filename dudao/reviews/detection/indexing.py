"""The index's entry points: indexing a new version (and storing its matches) or a reference
text, clearing a campaign, and rebuilding its whole index."""

from __future__ import annotations

from .. import passages as ps
from .. import similarity as sim
from ..models import (
    DocumentVersion,
    FingerprintFrequency,
    PassageFingerprint,
    PassageIndex,
    ReferenceKind,
    ReferenceText,
    SimilarityMatch,
)
from .base import Prepared, boilerplate_ids
from .matching import Found, _find
from .store import BulkIndexer, _index, _unindex


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
