"""Passage-level copy detection: winnowed character k-gram fingerprints and the shared passages
they lead to. Pure functions over numpy arrays, used by the app (whose fingerprint index lives
in the database: ``PassageFingerprint``) and by ``bench/passages.py``.

Why these choices:

* Units rarely copy whole documents; they take a few sentences or paragraphs (seeds 002, 003).
  Whole-document similarity misses that, so a pair is judged by the passages it shares.
* Matching normalises for comparison only — never what is stored or shown: NFKC (full-width
  and half-width letters and digits equal, compatibility ideographs folded), lower case, and
  every character that is not a letter or digit (punctuation, spaces, line breaks) dropped.
  A copy that changed "，" to "," or "２００５" to "2005" is still the same passage.
* Winnowing (Schleimer, Wilkerson and Aiken, 2003): of every window of ``WINDOW`` consecutive
  k-gram hashes the smallest is kept (the rightmost on ties), with its position. Two texts
  sharing a normalised passage of at least ``WINDOW + K - 1`` characters are guaranteed to share
  one kept hash; about 2 / (WINDOW + 1) of the positions are kept, so the index stays small.
* From each shared hash the passage is grown left and right over the normalised texts to its
  full length, so the reported passages are exact, not estimates.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

# k-gram length and winnowing window: every shared normalised passage of 19 characters or more
# is found (WINDOW + K - 1); a sentence of 25 characters is 22–24 after punctuation is dropped.
K = 8
WINDOW = 12
GUARANTEE = WINDOW + K - 1

_BASE = np.uint64(0x100000001B3)  # FNV's 64-bit prime, as the polynomial base
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _fold_table() -> dict[int, str]:
    """Characters whose NFKC form differs, in the ranges where Chinese office text has them:
    Latin-1 and general punctuation, letterlike forms and numbers (Ⅳ, ①, ㈠), CJK symbols and
    compatibility ideographs, full-width and half-width forms."""
    table: dict[int, str] = {}
    ranges = [(0x00A0, 0x0180), (0x2000, 0x33FF), (0xF900, 0xFAFF), (0xFE10, 0xFFEF)]
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            folded = unicodedata.normalize("NFKC", ch)
            if folded != ch:
                table[cp] = folded
    return table


_FOLD = _fold_table()
# Scanning for the few characters to fold in C is much faster than translating every one.
_FOLDABLE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_FOLD)) + "]")
# ``[\W_]`` is exactly "not str.isalnum()" for str patterns.
_NOISE = re.compile(r"[\W_]+")


def _keep(ch: str) -> bool:
    return ch.isalnum()


def normalise(text: str) -> str:
    """The characters that count for matching, folded: letters and digits (CJK included)."""
    folded = _FOLDABLE.sub(lambda m: _FOLD[ord(m.group())], text).lower()
    return _NOISE.sub("", folded)


def normalise_with_positions(text: str) -> tuple[str, np.ndarray]:
    """``normalise(text)`` and, for each of its characters, the index in ``text`` it came from
    (so that a passage found in the normalised text is shown where it is in the original)."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for c in _FOLD.get(ord(ch), ch).lower():
            if _keep(c):
                chars.append(c)
                where.append(i)
    return "".join(chars), np.asarray(where, dtype=np.int64)


def codepoints(norm: str) -> np.ndarray:
    return np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def _mix64(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(30))
    x *= _M1
    x ^= x >> np.uint64(27)
    x *= _M2
    x ^= x >> np.uint64(31)
    return x


def kgram_hashes(cps: np.ndarray) -> np.ndarray:
    """One 63-bit hash (as int64, so it fits a database BIGINT) per k-gram of the code points."""
    n = len(cps) - K + 1
    if n <= 0:
        return np.empty(0, dtype=np.int64)
    with np.errstate(over="ignore"):
        h = np.zeros(n, dtype=np.uint64)
        for j in range(K):
            h = h * _BASE + cps[j : j + n]
        return (_mix64(h) >> np.uint64(1)).astype(np.int64)


def window_offsets(hashes: np.ndarray) -> np.ndarray:
    """For each window of WINDOW consecutive hashes, the offset of its rightmost minimum. One
    pass per window column over contiguous slices (an ``argmin`` over a strided window view
    is an order of magnitude slower: it is the whole cost of fingerprinting otherwise)."""
    n = len(hashes) - WINDOW + 1
    best = hashes[:n].copy()
    offset = np.zeros(n, dtype=np.int64)
    for j in range(1, WINDOW):
        value = hashes[j : j + n]
        better = value <= best  # ties go right
        np.copyto(best, value, where=better)
        offset[better] = j
    return offset


def winnow(hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Robust winnowing: (hashes, positions) kept, positions ascending and unique."""
    n = len(hashes)
    if n == 0:
        return hashes, np.empty(0, dtype=np.int64)
    if n <= WINDOW:
        # A text shorter than one window keeps its minimum (the rightmost one).
        pos = n - 1 - int(np.argmin(hashes[::-1]))
        return hashes[pos : pos + 1], np.array([pos], dtype=np.int64)
    pos = np.arange(n - WINDOW + 1) + window_offsets(hashes)
    # The rightmost minimum never moves left as the window slides: drop repeats in one pass.
    pos = pos[np.concatenate(([True], pos[1:] != pos[:-1]))]
    return hashes[pos], pos


def fingerprints(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Winnowed fingerprints of a text: (hash int64, position in the normalised text)."""
    return winnow(kgram_hashes(codepoints(normalise(text))))


def fingerprints_many(norms: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Winnowed fingerprints of many normalised texts at once: (text index, hash, position in
    that text), ordered by text then position — exactly ``winnow(kgram_hashes(...))`` of each
    text, computed in a few array operations over all texts together instead of a dozen per
    text (indexing hundreds of thousands of texts is otherwise dominated by the per-call cost)."""
    empty = np.empty(0, dtype=np.int64)
    lengths = np.fromiter((len(s) for s in norms), dtype=np.int64, count=len(norms))
    grams = np.maximum(lengths - K + 1, 0)  # k-grams of each text
    if not grams.any():
        return empty, empty, empty
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    hashes = kgram_hashes(codepoints("".join(norms)))  # also k-grams spanning two texts
    # Texts with at least one full window: windows starting in [start, start + grams - WINDOW].
    long_texts = np.flatnonzero(grams >= WINDOW)
    texts_out, pos_out = [empty], [empty]
    if len(long_texts) and len(hashes) >= WINDOW:
        offsets = window_offsets(hashes)  # also windows spanning two texts, dropped here
        counts = grams[long_texts] - WINDOW + 1
        first = np.repeat(starts[long_texts] - np.cumsum(counts) + counts, counts)
        window_starts = first + np.arange(int(counts.sum()))
        pos = window_starts + offsets[window_starts]
        keep = np.concatenate(([True], pos[1:] != pos[:-1]))
        pos = pos[keep]
        owner = np.repeat(long_texts, counts)[keep]
        texts_out.append(owner)
        pos_out.append(pos)
    # A text shorter than one window keeps its minimum (the rightmost one), as ``winnow``.
    for t in np.flatnonzero((grams > 0) & (grams < WINDOW)).tolist():
        piece = hashes[starts[t] : starts[t] + grams[t]]
        texts_out.append(np.array([t], dtype=np.int64))
        pos_out.append(np.array([starts[t] + len(piece) - 1 - int(np.argmin(piece[::-1]))]))
    owner = np.concatenate(texts_out).astype(np.int64)
    pos = np.concatenate(pos_out).astype(np.int64)
    order = np.argsort(pos, kind="stable")  # global positions: text order, then position
    owner, pos = owner[order], pos[order]
    return owner, hashes[pos], pos - starts[owner]


def all_kgram_set(text: str) -> np.ndarray:
    """Every k-gram hash of a text, sorted and unique (for boilerplate, which must exclude every
    k-gram it contains, not only the ones its own winnowing kept)."""
    return np.unique(kgram_hashes(codepoints(normalise(text))))


# --- passages between two texts ----------------------------------------------------------------


@dataclass(frozen=True)
class Passage:
    """A maximal shared run, in normalised coordinates of both texts: [a, a + length) in the
    first, [b, b + length) in the second."""

    a: int
    b: int
    length: int


def _grow(x: str, y: str, i: int, j: int) -> tuple[int, int, int]:
    lo = 0
    while i - lo > 0 and j - lo > 0 and x[i - lo - 1] == y[j - lo - 1]:
        lo += 1
    hi = 0
    nx, ny = len(x), len(y)
    while i + hi < nx and j + hi < ny and x[i + hi] == y[j + hi]:
        hi += 1
    return i - lo, j - lo, lo + hi


def shared_passages(
    x: str,
    y: str,
    seeds: list[tuple[int, int]],
    *,
    min_length: int = K,
) -> list[Passage]:
    """Maximal passages shared by normalised texts ``x`` and ``y``, grown from seed positions
    (pairs of k-gram starts whose hashes are equal; a hash collision grows to nothing and is
    dropped). Overlapping growths are merged; passages sorted by their place in ``x``."""
    found: dict[tuple[int, int], Passage] = {}
    covered: list[tuple[int, int, int]] = []  # (a_start, a_end, b - a) of passages so far
    for i, j in sorted(seeds):
        if any(s <= i < e and d == j - i for s, e, d in covered):
            continue  # inside a passage already grown on the same diagonal
        a, b, length = _grow(x, y, i, j)
        if length < min_length:
            continue
        found[(a, b)] = Passage(a, b, length)
        covered.append((a, a + length, b - a))
    return _disjoint(sorted(found.values(), key=lambda p: (p.a, -p.length)))


def _disjoint(passages: list[Passage]) -> list[Passage]:
    """Drop passages whose stretch of the first text is inside a longer one already kept (a
    repeated phrase matched at two places of the other text)."""
    out: list[Passage] = []
    end = -1
    for p in passages:
        if p.a + p.length <= end:
            continue
        out.append(p)
        end = max(end, p.a + p.length)
    return out


def coverage(passages: list[Passage], length: int, side: str = "a") -> int:
    """Characters of one text (normalised) inside any passage."""
    if not passages or length == 0:
        return 0
    mask = np.zeros(length, dtype=bool)
    for p in passages:
        start = p.a if side == "a" else p.b
        mask[start : start + p.length] = True
    return int(mask.sum())


def effective_length(p: Passage, *masks: np.ndarray | None) -> int:
    """Characters of a passage (in the first text) that are not boilerplate or stock."""
    covered = None
    for mask in masks:
        if mask is None or not len(mask):
            continue
        piece = mask[p.a : p.a + p.length]
        covered = piece if covered is None else covered | piece
    return p.length if covered is None else p.length - int(covered.sum())


def interior_windows(norm: str, passage: Passage) -> list[tuple[int, int, int]]:
    """(window start, start of its minimum k-gram — both in ``norm`` —, minimum hash) of every
    window lying wholly inside the passage. Its
    minimum is kept by every text that contains the passage, wherever it sits (winnowing is
    local), so the text counts of these fingerprints tell how common the passage's wording is.
    Empty for a passage shorter than GUARANTEE."""
    piece = norm[passage.a : passage.a + passage.length]
    hashes = kgram_hashes(codepoints(piece))
    if len(hashes) < WINDOW:
        return []
    offsets = window_offsets(hashes)
    return [
        (passage.a + w, passage.a + w + int(o), int(hashes[w + o]))
        for w, o in enumerate(offsets.tolist())
    ]


# A stretch of common wording longer than this is not a stock phrase (official formulations
# run to a few dozen characters, two of them side by side to twice that) but a text that many
# copied from one source — a web article thirty members all copied is copying, however many
# texts contain it.
STOCK_MAX_RUN = 80


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.view(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def stock_mask(length: int, windows: list[tuple[int, int]]) -> np.ndarray:
    """Characters of a normalised text of ``length`` that are stock wording, from the windows
    ``(window start, minimum k-gram start)`` whose kept fingerprint is common in the campaign:
    each such window counts whole (its other k-grams are the phrase's too, or within a window
    of it). A stretch whose common k-grams themselves run longer than STOCK_MAX_RUN is not
    stock and stays unmasked."""
    mask = np.zeros(length, dtype=bool)
    core = np.zeros(length, dtype=bool)
    for w, k in windows:
        mask[w : w + GUARANTEE] = True
        core[k : k + K] = True
    for start, end in _runs(core):
        if end - start > STOCK_MAX_RUN:
            for m_start, m_end in _runs(mask):
                if m_start <= start and end <= m_end:
                    mask[m_start:m_end] = False
    return mask


def boilerplate_mask(norm: str, boiler: np.ndarray) -> np.ndarray:
    """Which characters of a normalised text lie in a k-gram of the boilerplate set."""
    mask = np.zeros(len(norm), dtype=bool)
    if not len(boiler) or len(norm) < K:
        return mask
    hits = np.flatnonzero(np.isin(kgram_hashes(codepoints(norm)), boiler))
    for k in hits:
        mask[k : k + K] = True
    return mask


def to_original(
    passage: Passage, where_a: np.ndarray, where_b: np.ndarray
) -> tuple[int, int, int, int]:
    """[start, end) of the passage in both original texts (punctuation inside included)."""
    return (
        int(where_a[passage.a]),
        int(where_a[passage.a + passage.length - 1]) + 1,
        int(where_b[passage.b]),
        int(where_b[passage.b + passage.length - 1]) + 1,
    )
