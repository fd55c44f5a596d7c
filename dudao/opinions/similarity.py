"""Near-duplicate opinions and category suggestions: MinHash (datasketch) over character
2-grams of the normalised text, banded into keys kept on the opinion row (``Opinion.bands``)
and, for classified opinions, in the (campaign, key) index ``OpinionBand``.

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


_CHUNK = 1024  # texts per batch: up to ~300 2-grams each, NUM_PERM uint64 per 2-gram


def _permute(hashed: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """datasketch's ``bitwise_and((a * h + b) % p, max_hash)`` for every 2-gram (rows) and
    permutation (columns), with the same uint64 wrap-around, but the modulo done the Mersenne
    way: p = 2⁶¹ − 1, so x mod p = ((x & p) + (x >> 61)) mod p and one subtraction finishes
    it (numpy's 64-bit ``%`` is a division per element, most of the signature's time)."""
    with np.errstate(over="ignore"):
        x = hashed[:, None] * a
        x += b
    r = x >> np.uint64(61)
    x &= _MERSENNE
    x += r
    x -= _MERSENNE * (x >= _MERSENNE)
    x &= _MAX_HASH
    return x


def band_keys_many(texts: list[str], norms: list[str] | None = None) -> list[list[int]]:
    """``band_keys`` of many texts at once (``norms``: their ``normalise``d forms, when the
    caller has them). Every 2-gram of a batch of texts is formed, hashed and permuted in one
    numpy pass — datasketch's permutation, ``(a·h + b) mod p`` masked to 32 bits — and the
    minimum taken per text with ``reduceat``: no Python loop per 2-gram or per permutation
    (an import of 200,000 opinions spent minutes in one MinHash object per text, then seconds
    in one numpy call per text). Repeated 2-grams of a text need no de-duplication: the
    minimum is the same."""
    if norms is None:
        norms = [normalise(t) for t in texts]
    a, b = _PERMS
    out: list[list[int]] = [[] for _ in texts]
    for i in range(0, len(norms), _CHUNK):
        batch = norms[i : i + _CHUNK]
        lens = np.fromiter(map(len, batch), dtype=np.int64, count=len(batch))
        if not lens.any():
            continue
        cps = np.frombuffer("".join(batch).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        owner = np.repeat(np.arange(len(batch)), lens)
        # A 2-gram is two neighbouring characters of one text; a 1-character text is its
        # character (as ``_grams`` does).
        same = owner[:-1] == owner[1:]
        grams = ((cps[:-1] << np.uint64(21)) | cps[1:])[same]
        gram_owner = owner[:-1][same]
        single = np.flatnonzero(lens == 1)
        if len(single):
            starts_all = np.concatenate([[0], np.cumsum(lens)[:-1]])
            grams = np.concatenate([grams, cps[starts_all[single]]])
            gram_owner = np.concatenate([gram_owner, single])
            order = np.argsort(gram_owner, kind="stable")
            grams, gram_owner = grams[order], gram_owner[order]
        hashed = _mix(grams) >> np.uint64(32)
        phv = _permute(hashed, a, b)
        counts = np.bincount(gram_owner, minlength=len(batch))
        has = np.flatnonzero(counts)
        starts = np.concatenate([[0], np.cumsum(counts[has])[:-1]])
        sig = np.minimum.reduceat(phv, starts, axis=0)
        for k, keys in zip(has.tolist(), _keys(sig).tolist()):
            out[i + k] = keys
    return out


_PACK = np.dtype("<i8")


def pack(keys: list[int]) -> bytes:
    """Band keys as stored on the opinion row (``Opinion.bands``: 8 bytes each)."""
    return np.asarray(keys, dtype=_PACK).tobytes()


def unpack(data) -> list[int]:
    if not data:
        return []
    return np.frombuffer(bytes(data), dtype=_PACK).tolist()


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
