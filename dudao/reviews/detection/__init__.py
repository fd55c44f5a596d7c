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

One module per part (``base``: thresholds, boilerplate, a prepared text; ``matching``; ``store``:
writing the index; ``indexing``: the entry points); callers keep writing
``from dudao.reviews import detection; detection.index_version(...)``."""

from __future__ import annotations

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
from .indexing import clear_campaign, index_reference, index_version, reindex_campaign
from .matching import (
    Found,
    _hits,  # noqa: F401
    find_passages,
)
from .store import ANALYSIS_LIMIT, ROWS_PER_BLOCK, ROWS_PER_STATEMENT, BulkIndexer

__all__ = [
    "ANALYSIS_LIMIT",
    "BulkIndexer",
    "Found",
    "MAX_CANDIDATES",
    "MAX_SEEDS_PER_HASH",
    "PASSAGE_FLOOR",
    "Prepared",
    "ROWS_PER_BLOCK",
    "ROWS_PER_STATEMENT",
    "boilerplate_ids",
    "clear_campaign",
    "find_passages",
    "index_reference",
    "index_version",
    "indexed_count",
    "min_passage",
    "min_share",
    "reindex_campaign",
    "stock_limit",
]
