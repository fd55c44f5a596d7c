"""Near-duplicate opinions and category suggestions: MinHash (datasketch) over character
2-grams of the normalised text, banded into keys kept in ``OpinionBand``.

Why these choices:

* Opinions are short (10–300 characters): a 2-gram set is what still overlaps when someone
  restates an opinion with a few words changed; longer shingles (the reviews app's 8-grams,
  made for passages of documents) would find nothing in a sentence.
* Normalised with the reviews app's ``passages.normalise`` (NFKC, width, case, punctuation and
  spaces dropped), for comparison only: the stored text is what the giver wrote.
* ``NUM_PERM`` = ``BANDS`` × ``ROWS``: with 16 bands of 2 rows a pair at Jaccard 0.5 shares a
  key with probability 1 − (1 − 0.5²)¹⁶ ≈ 0.99, at 0.6 with ≈ 0.999 (candidates only). Every
  candidate pair is then checked on the exact 2-gram Jaccard, so a proposal is never a false
  one: the threshold decides, the bands only make it cheap (bench/opinions.py measures the
  recall against a brute-force pass).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

from dudao.reviews.passages import normalise

BANDS = 16
ROWS = 2
NUM_PERM = BANDS * ROWS
# Two opinions whose 2-gram sets overlap this much are proposed as the same opinion.
DUPLICATE_JACCARD = 0.5
# A classified opinion this similar lends its categories to a new one's suggestion.
NEIGHBOUR_JACCARD = 0.3
MAX_NEIGHBOURS = 50
# Band rows read for one suggestion (see selectors.suggest_for_text).
MAX_BAND_ROWS = 1600

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_BAND_SALT = np.arange(BANDS, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
_PERMS = MinHash(num_perm=NUM_PERM, seed=20050123).permutations
_MERSENNE = np.uint64((1 << 61) - 1)  # datasketch's prime and 32-bit mask
_MAX_HASH = np.uint64((1 << 32) - 1)


def _identity(value):
    return value


def _mix(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * _M1
        x = x ^ (x >> np.uint64(27))
        x = x * _M2
        return x ^ (x >> np.uint64(31))


def shingles(text: str) -> frozenset[str]:
    """The normalised text's character 2-grams (a 1-character text: that character)."""
    norm = normalise(text)
    if len(norm) < 2:
        return frozenset([norm]) if norm else frozenset()
    return frozenset(norm[i : i + 2] for i in range(len(norm) - 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def _grams(text: str) -> np.ndarray:
    """The normalised text's distinct 2-grams, hashed to 32 bits (datasketch's permutations
    expect 32-bit hash values)."""
    norm = normalise(text)
    if not norm:
        return np.empty(0, dtype=np.uint64)
    cps = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    grams = (cps[:-1] << np.uint64(21)) | cps[1:] if len(cps) > 1 else cps
    return _mix(np.unique(grams)) >> np.uint64(32)


def _keys(hashvalues: np.ndarray) -> np.ndarray:
    """Band keys (rows: texts) from MinHash signatures (rows: texts, NUM_PERM columns)."""
    hv = hashvalues.astype(np.uint64).reshape(len(hashvalues), BANDS, ROWS)
    with np.errstate(over="ignore"):
        keys = _mix((hv[:, :, 0] << np.uint64(32)) ^ hv[:, :, 1] ^ _BAND_SALT) >> np.uint64(1)
    return keys.astype(np.int64)


def minhash(text: str) -> MinHash:
    """The text's datasketch MinHash (the reference the batch path below must equal)."""
    m = MinHash(num_perm=NUM_PERM, hashfunc=_identity, permutations=_PERMS)
    grams = _grams(text)
    if len(grams):
        m.update_batch(grams.tolist())
    return m


def band_keys(text: str) -> list[int]:
    """The text's ``BANDS`` band keys (63-bit, so they fit a database BIGINT); none for a text
    without letters or digits."""
    if not normalise(text):
        return []
    return _keys(minhash(text).hashvalues[None, :])[0].tolist()


_CHUNK = 200_000  # 2-grams per batch: NUM_PERM × this many uint64 in memory at once


def band_keys_many(texts: list[str]) -> list[list[int]]:
    """``band_keys`` of many texts at once: datasketch's permutation, ``(a·h + b) mod p`` masked
    to 32 bits, applied to every 2-gram of a batch in one numpy operation and reduced per text
    (an import of 200,000 opinions would spend minutes in one MinHash object per text)."""
    a, b = _PERMS
    out: list[list[int]] = [[] for _ in texts]
    grams = [_grams(t) for t in texts]
    i = 0
    while i < len(texts):
        j, total = i, 0
        while j < len(texts) and (total < _CHUNK or j == i):
            total += len(grams[j])
            j += 1
        batch = [(k, g) for k, g in zip(range(i, j), grams[i:j]) if len(g)]
        if batch:
            flat = np.concatenate([g for _k, g in batch])[:, None]
            with np.errstate(over="ignore"):
                phv = np.bitwise_and((flat * a + b) % _MERSENNE, _MAX_HASH)
            starts = np.cumsum([0] + [len(g) for _k, g in batch[:-1]])
            sig = np.minimum.reduceat(phv, starts, axis=0)
            for (k, _g), keys in zip(batch, _keys(sig).tolist()):
                out[k] = keys
        i = j
    return out


@dataclass(frozen=True)
class Pair:
    a: int
    b: int
    similarity: float


def duplicate_pairs(
    texts: dict[int, str], keys: Iterable[tuple[int, int]], *, threshold: float = DUPLICATE_JACCARD
) -> list[Pair]:
    """Pairs of ``texts`` (id → text) that share a band key (``keys``: (id, key) rows) and whose
    2-gram Jaccard reaches ``threshold``, most similar first."""
    buckets: dict[int, list[int]] = defaultdict(list)
    for opinion_id, key in keys:
        buckets[key].append(opinion_id)
    candidates: set[tuple[int, int]] = set()
    for ids in buckets.values():
        if len(ids) < 2:
            continue
        ids = sorted(set(ids))
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                candidates.add((a, b))
    sets = {}
    pairs = []
    for a, b in candidates:
        if a not in texts or b not in texts:
            continue
        sa = sets.get(a) or sets.setdefault(a, shingles(texts[a]))
        sb = sets.get(b) or sets.setdefault(b, shingles(texts[b]))
        sim = jaccard(sa, sb)
        if sim >= threshold:
            pairs.append(Pair(a, b, sim))
    pairs.sort(key=lambda p: (-p.similarity, p.a, p.b))
    return pairs


def clusters(pairs: Iterable[Pair]) -> list[list[int]]:
    """Connected groups of the pairs (union-find), each sorted, the oldest id first."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        ra, rb = find(p.a), find(p.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = defaultdict(list)
    for x in parent:
        groups[find(x)].append(x)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


@dataclass
class Suggestion:
    code: str
    name: str
    score: float
    keywords: list[str]
    neighbours: int

    @property
    def reason(self) -> str:
        parts = []
        if self.keywords:
            parts.append("关键词：" + "、".join(self.keywords))
        if self.neighbours:
            parts.append(f"相似的已归类意见 {self.neighbours} 条")
        return "；".join(parts)


def suggest(
    text: str, categories: list[dict], neighbours: Iterable[tuple[str, Iterable[str]]]
) -> list[Suggestion]:
    """Categories for ``text``: each keyword of a category found in the text counts 1, each
    similar classified opinion (``neighbours``: (text, its category codes)) counts its
    similarity for each of its categories. Best first; a category with nothing for it is left
    out. A person confirms (DOMAIN.md §3.3: 梳理归类)."""
    norm = normalise(text)
    mine = shingles(text)
    out: dict[str, Suggestion] = {
        c["code"]: Suggestion(c["code"], c["name"], 0.0, [], 0) for c in categories
    }
    for c in categories:
        for word in c.get("keywords", []):
            if normalise(word) and normalise(word) in norm:
                out[c["code"]].keywords.append(word)
                out[c["code"]].score += 1.0
    for other, codes in neighbours:
        sim = jaccard(mine, shingles(other))
        if sim < NEIGHBOUR_JACCARD:
            continue
        for code in set(codes):
            if code in out:
                out[code].score += sim
                out[code].neighbours += 1
    return sorted((s for s in out.values() if s.score > 0), key=lambda s: (-s.score, s.code))
