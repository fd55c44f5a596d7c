"""Copy detection: character n-gram sets, MinHash signatures, LSH band keys, exact Jaccard and
shared passages. Pure functions over numpy arrays, used both by the app (whose index lives in
the database: ``TextSignature`` / ``SignatureBand``) and by ``bench/textsim.py``.

Why these choices:

* Character 3-grams after dropping whitespace and punctuation: Chinese has no word breaks and a
  copied text often differs only in punctuation or line breaks (a .docx and its typed copy).
* The MinHash family is datasketch's (``MinHash(num_perm, seed).permutations`` and its formula
  ``((a·h + b) mod (2⁶¹−1)) & (2³²−1)``), applied to all shingles of a text at once in numpy. The
  result is exactly what ``datasketch.MinHash.update_batch`` gives for the same 32-bit shingle
  hashes (a test checks it), at a fraction of the cost, because hashing each n-gram through a
  Python callable is what makes the per-item path slow.
* 42 bands of 3 rows: a pair with Jaccard 0.5 becomes a candidate with probability
  1 − (1 − 0.5³)⁴² ≈ 0.996, 0.4 with ≈ 0.94; unrelated texts (Jaccard ≈ 0.02) almost never do.
  Candidates are then filtered by the signature estimate and confirmed by exact Jaccard, so the
  reported figure is exact and false candidates cost only a comparison.
* A band key is one signed 63-bit integer that already includes the band number, so the lookup
  in the database is a single ``key IN (...)`` on an index.
* The superior's template is boilerplate: its n-grams are removed from every text before
  signing and comparing, so two units that both reuse it are not reported as copying each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

NGRAM = 3
BANDS = 42
ROWS = 3
NUM_PERM = BANDS * ROWS
SEED = 2005
# Texts sharing fewer n-grams than this after boilerplate removal are not compared.
MIN_SHINGLES = 20
# Candidates whose signature estimate is below this are not checked exactly. Set well below
# the detection threshold: the estimate's standard deviation at J = 0.5 with 126 rows is 0.045.
ESTIMATE_FLOOR = 0.3
# Confirmed pairs at or above this exact Jaccard are stored and shown to the reviewer.
REPORT_THRESHOLD = 0.3
# Pairs at or above this are "copied" in the campaign-wide cluster report.
CLUSTER_THRESHOLD = 0.5

_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_SHIFT61 = np.uint64(61)
_PERM_A, _PERM_B = MinHash(num_perm=NUM_PERM, seed=SEED).permutations
_NOISE = re.compile(r"[\W_]+", re.UNICODE)

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_ROW_MULT = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9][:ROWS], dtype=np.uint64
)


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a fixed, well-spread 64-bit mixing (the same in every process,
    unlike Python's salted ``hash``)."""
    x = x.copy()
    x ^= x >> np.uint64(30)
    x *= _M1
    x ^= x >> np.uint64(27)
    x *= _M2
    x ^= x >> np.uint64(31)
    return x


def normalise(text: str) -> str:
    """The characters that count: letters and digits (CJK included), nothing else."""
    return _NOISE.sub("", text)


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def shingles(text: str, exclude: np.ndarray | None = None) -> np.ndarray:
    """Sorted unique character n-gram ids of the normalised text (a code point fits 21 bits,
    so three of them pack into one uint64), minus any in the sorted array ``exclude``."""
    cps = _codepoints(normalise(text))
    if len(cps) < NGRAM:
        return np.empty(0, dtype=np.uint64)
    ids = (cps[:-2] << np.uint64(42)) | (cps[1:-1] << np.uint64(21)) | cps[2:]
    ids = np.unique(ids)
    if exclude is not None and len(exclude):
        ids = ids[~np.isin(ids, exclude, assume_unique=True)]
    return ids


def shingle_hash32(ids: np.ndarray) -> np.ndarray:
    """The 32-bit hash of each n-gram id, the input of the MinHash permutations."""
    return _mix64(ids) >> np.uint64(32)


def signature(ids: np.ndarray) -> np.ndarray:
    """MinHash signature (NUM_PERM uint32 values) of a shingle-id array, by datasketch's family."""
    if len(ids) == 0:
        return np.full(NUM_PERM, _MAX_HASH, dtype=np.uint32)
    hv = shingle_hash32(ids)
    out = np.full(NUM_PERM, _MAX_HASH, dtype=np.uint64)
    # Blocks of 256 n-grams keep the (block × NUM_PERM) temporaries in cache (3× faster than one
    # big product). x mod (2⁶¹−1) = (x & p) + (x >> 61), then at most one subtraction of p, done
    # as min(y, y − p) (y − p wraps to a huge value when y < p): the same values as datasketch's
    # ``%``, without a 64-bit division per element.
    for start in range(0, len(hv), 256):
        x = np.multiply.outer(hv[start : start + 256], _PERM_A)
        x += _PERM_B
        y = x >> _SHIFT61
        x &= _MERSENNE
        x += y
        np.subtract(x, _MERSENNE, out=y)
        np.minimum(x, y, out=x)
        x &= _MAX_HASH
        np.minimum(out, x.min(axis=0), out=out)
    return out.astype(np.uint32)


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """Band keys (signed int64, one per band) of one signature or of a matrix of signatures."""
    sig = np.atleast_2d(signatures).astype(np.uint64).reshape(-1, BANDS, ROWS)
    acc = (sig * _ROW_MULT).sum(axis=2, dtype=np.uint64)
    acc += np.arange(BANDS, dtype=np.uint64) * np.uint64(0xD6E8FEB86659FD93)
    keys = (_mix64(acc) >> np.uint64(1)).astype(np.int64)
    return keys[0] if np.ndim(signatures) == 1 else keys


def estimate(sig: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Signature estimate of Jaccard between one signature and each row of ``others``."""
    return (np.atleast_2d(others) == sig).mean(axis=1)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) == 0 or len(b) == 0:
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Share of a's n-grams that are also in b (how much of a could come from b)."""
    if len(a) == 0:
        return 0.0
    return len(np.intersect1d(a, b, assume_unique=True)) / len(a)


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<u4").astype(np.uint32)


# --- shared passages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    shared: bool


def shared_spans(text: str, other_ids: np.ndarray, exclude: np.ndarray | None = None) -> list[Span]:
    """Split ``text`` (as displayed, punctuation included) into runs that are or are not part of
    an n-gram also found in ``other_ids``. Boilerplate n-grams are never marked shared."""
    positions = [i for i, ch in enumerate(text) if ch.isalnum()]
    if len(positions) < NGRAM or len(other_ids) == 0:
        return [Span(0, len(text), False)] if text else []
    cps = np.array([ord(text[i]) for i in positions], dtype=np.uint64)
    ids = (cps[:-2] << np.uint64(42)) | (cps[1:-1] << np.uint64(21)) | cps[2:]
    hit = np.isin(ids, other_ids)
    if exclude is not None and len(exclude):
        hit &= ~np.isin(ids, exclude)
    marked = np.zeros(len(text), dtype=bool)
    for k in np.flatnonzero(hit):
        # Mark the whole n-gram, and the punctuation between its characters.
        marked[positions[k] : positions[k + NGRAM - 1] + 1] = True
    spans: list[Span] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or marked[i] != marked[start]:
            spans.append(Span(start, i, bool(marked[start])))
            start = i
    return spans


def shared_share(spans: list[Span]) -> float:
    total = sum(s.end - s.start for s in spans)
    return sum(s.end - s.start for s in spans if s.shared) / total if total else 0.0
