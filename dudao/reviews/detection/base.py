"""What every part of the copy detection reads: the thresholds (from settings), the
campaign's boilerplate and the number of texts indexed, and a text prepared for matching
(``Prepared``: normalised, its fingerprints minus boilerplate)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from django.conf import settings

from .. import passages as ps
from ..models import PassageIndex, ReferenceKind, ReferenceText

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
