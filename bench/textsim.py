"""Copy detection at campaign scale: `python -m bench.textsim --docs 20000` (recall/precision
against brute force) or `--docs 400000` (index build time, per-document query time, memory).

A synthetic corpus of Chinese texts: words drawn from a Zipf-weighted vocabulary of CJK
characters, a paragraph of the superior's template (boilerplate) pasted into a third of the
texts, and planted near-copies of earlier texts at several edit rates (word substitutions,
deletions, insertions; sometimes a paragraph moved). Every text is regenerated from its number,
so workers never ship texts and the main process never holds the corpus.

The pipeline is the app's (dudao.reviews.similarity): character 3-grams minus boilerplate,
datasketch-family MinHash (126 rows), 42 LSH bands, signature estimate, exact Jaccard. The
index here is the same band keys held in one sorted numpy array instead of the database table.

Ground truth (20,000 only): for every text, the exact number of 3-grams it shares with every
other text, counted through an inverted index (pairs that share none have Jaccard 0); pairs
with Jaccard ≥ 0.5 are the truth. Nothing is sampled.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import emit, machine, table  # noqa: E402
from dudao.reviews import similarity as sim  # noqa: E402

THRESHOLD = 0.5
SEED = 4
EDIT_RATES = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3)
PUNCT = "，。；、"
BOILERPLATE = None  # built per process from the seed


def _vocab():
    rng = np.random.default_rng(SEED)
    chars = np.array([chr(0x4E00 + i) for i in range(3500)])
    lengths = rng.choice([1, 2, 2, 2, 3, 4], size=30000)
    words = ["".join(rng.choice(chars, size=n)) for n in lengths]
    weights = 1.0 / np.arange(1, len(words) + 1) ** 0.9
    return np.array(words, dtype=object), weights / weights.sum()


WORDS, WEIGHTS = _vocab()
CUM = np.cumsum(WEIGHTS)


def _words(rng, n):
    return WORDS[np.searchsorted(CUM, rng.random(n), side="right").clip(0, len(WORDS) - 1)]


def _paragraphs(rng, chars):
    """Paragraphs as lists of tokens (words and punctuation), about ``chars`` characters."""
    paras, total = [], 0
    while total < chars:
        n = int(rng.integers(20, 60))
        toks = list(_words(rng, n))
        for k in range(int(rng.integers(3, 9)), n, int(rng.integers(5, 12))):
            toks[k] = toks[k] + PUNCT[int(rng.integers(0, 4))]
        paras.append(toks)
        total += sum(len(t) for t in toks)
    return paras


def boilerplate() -> str:
    rng = np.random.default_rng([SEED, 999_999_999])
    return "\n".join("".join(p) for p in _paragraphs(rng, 300))


class Corpus:
    """Text number i, regenerated on demand; some texts are edited copies of an earlier one."""

    def __init__(self, n: int, chars: int, copy_share: float):
        self.n, self.chars, self.copy_share = n, chars, copy_share
        self.bp = boilerplate()

    def plan(self, i: int):
        rng = np.random.default_rng([SEED, i])
        if i > 10 and rng.random() < self.copy_share:
            source = int(rng.integers(max(0, i - 5000), i))
            rate = float(EDIT_RATES[int(rng.integers(0, len(EDIT_RATES)))])
            return rng, source, rate
        return rng, None, 0.0

    def paragraphs(self, i: int):
        rng, source, rate = self.plan(i)
        if source is None:
            paras = _paragraphs(rng, self.chars)
            if rng.random() < 0.33:
                paras.insert(int(rng.integers(0, len(paras) + 1)), [self.bp])
            return paras
        paras = [list(p) for p in self.paragraphs(source)]
        for p in paras:
            k = 0
            while k < len(p):
                r = rng.random()
                if r < rate / 2:
                    p[k] = _words(rng, 1)[0]
                elif r < rate * 3 / 4:
                    del p[k]
                    continue
                elif r < rate:
                    p.insert(k + 1, _words(rng, 1)[0])
                    k += 1
                k += 1
        if len(paras) > 2 and rng.random() < 0.3:
            moved = paras.pop(int(rng.integers(0, len(paras))))
            paras.insert(int(rng.integers(0, len(paras) + 1)), moved)
        return paras

    def text(self, i: int) -> str:
        return "\n".join("".join(p) for p in self.paragraphs(i))


_CORPUS: Corpus | None = None
_EXCLUDE: np.ndarray | None = None


def _init(n, chars, share):
    global _CORPUS, _EXCLUDE
    _CORPUS = Corpus(n, chars, share)
    _EXCLUDE = sim.shingles(_CORPUS.bp)


def _sign(bounds):
    lo, hi, keep = bounds
    sigs = np.empty((hi - lo, sim.NUM_PERM), dtype=np.uint32)
    kept = []
    for k, i in enumerate(range(lo, hi)):
        ids = sim.shingles(_CORPUS.text(i), _EXCLUDE)
        sigs[k] = sim.signature(ids)
        if keep:
            kept.append(ids)
    return lo, sigs, kept


class Index:
    """All band keys of all texts in one sorted array (keys carry their band number)."""

    def __init__(self, sigs: np.ndarray):
        keys = sim.band_keys(sigs).ravel()
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.ids = (order // sim.BANDS).astype(np.int32)
        self.sigs = sigs

    def candidates(self, sig: np.ndarray) -> np.ndarray:
        q = sim.band_keys(sig)
        lo = np.searchsorted(self.keys, q, side="left")
        hi = np.searchsorted(self.keys, q, side="right")
        if not (hi > lo).any():
            return np.empty(0, dtype=np.int32)
        return np.unique(np.concatenate([self.ids[a:b] for a, b in zip(lo, hi) if b > a]))


def query(index: Index, corpus: Corpus, exclude, text: str, *, skip: int = -1, shingle_of=None):
    """Texts with exact Jaccard ≥ THRESHOLD to ``text``: [(id, jaccard)]."""
    ids = sim.shingles(text, exclude)
    if len(ids) < sim.MIN_SHINGLES:
        return []
    sig = sim.signature(ids)
    cands = index.candidates(sig)
    cands = cands[cands != skip]
    if len(cands) == 0:
        return []
    est = sim.estimate(sig, index.sigs[cands])
    out = []
    for c in cands[est >= sim.ESTIMATE_FLOOR]:
        other = shingle_of(int(c)) if shingle_of else sim.shingles(corpus.text(int(c)), exclude)
        j = sim.jaccard(ids, other)
        if j >= THRESHOLD:
            out.append((int(c), j))
    return out


def build(n: int, chars: int, share: float, workers: int, keep: bool):
    chunk = 500
    tasks = [(lo, min(n, lo + chunk), keep) for lo in range(0, n, chunk)]
    sigs = np.empty((n, sim.NUM_PERM), dtype=np.uint32)
    kept: list = [None] * n
    with Pool(workers, initializer=_init, initargs=(n, chars, share)) as pool:
        for lo, part, ks in pool.imap_unordered(_sign, tasks):
            sigs[lo : lo + len(part)] = part
            for k, ids in enumerate(ks):
                kept[lo + k] = ids
    return sigs, kept


def brute_force_pairs(shingle_sets: list[np.ndarray]) -> set[tuple[int, int]]:
    n = len(shingle_sets)
    sizes = np.array([len(s) for s in shingle_sets], dtype=np.int64)
    flat = np.concatenate(shingle_sets)
    owner = np.repeat(np.arange(n, dtype=np.int32), sizes)
    order = np.argsort(flat, kind="stable")
    flat, owner = flat[order], owner[order]
    uniq, starts, counts = np.unique(flat, return_index=True, return_counts=True)
    truth = set()
    for i, s in enumerate(shingle_sets):
        pos = np.searchsorted(uniq, s)
        st, ct = starts[pos], counts[pos]
        multi = ct > 1
        st, ct = st[multi], ct[multi]
        if len(ct) == 0:
            continue
        offs = np.repeat(st - np.cumsum(ct) + ct, ct) + np.arange(ct.sum())
        inter = np.bincount(owner[offs], minlength=n)
        inter[i] = 0
        others = np.flatnonzero(inter)
        others = others[others > i]
        j = inter[others] / (sizes[i] + sizes[others] - inter[others])
        for o in others[j >= THRESHOLD]:
            truth.add((i, int(o)))
    return truth


def peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return round(own, 1), round(kids, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--chars", type=int, default=0, help="characters per text")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    n = args.docs
    accuracy = n <= 50_000
    chars = args.chars or (800 if accuracy else 1500)
    share = 0.15 if accuracy else 0.05
    _init(n, chars, share)
    corpus, exclude = _CORPUS, _EXCLUDE

    t0 = time.perf_counter()
    cpu0 = time.process_time()
    sigs, kept = build(n, chars, share, args.workers, keep=accuracy)
    index = Index(sigs)
    index_s = time.perf_counter() - t0
    # CPU seconds of the workers and the main process: on a shared machine the wall time also
    # measures the neighbours; CPU / workers is what two idle cores would take.
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    index_cpu_s = kids.ru_utime + kids.ru_stime + time.process_time() - cpu0

    # Query: one new text at a time (near-copies of random texts and fresh texts).
    rng = np.random.default_rng([SEED, 12345])
    times, hits = [], 0
    for q in range(args.queries):
        if q % 2 == 0:
            src = corpus.paragraphs(int(rng.integers(0, n)))
            text = "\n".join("".join(p) for p in src[1:]) + "".join(_words(rng, 20))
        else:
            text = "\n".join("".join(p) for p in _paragraphs(rng, chars))
        t = time.perf_counter()
        found = query(index, corpus, exclude, text)
        times.append((time.perf_counter() - t) * 1000)
        hits += bool(found)
    query_ms = float(np.percentile(times, 50))
    query_p95 = float(np.percentile(times, 95))

    result = {
        "bench": "textsim",
        "docs": n,
        "chars_per_doc": chars,
        "workers": args.workers,
        "index_s": round(index_s, 1),
        "index_cpu_s": round(index_cpu_s, 1),
        "index_cpu_s_per_worker": round(index_cpu_s / args.workers, 1),
        "query_ms": round(query_ms, 2),
        "query_p95_ms": round(query_p95, 2),
        "queries_with_copies": hits,
    }
    rows = [
        ("文本数", n),
        ("每篇字数", chars),
        ("建索引（秒）", result["index_s"]),
        ("建索引 CPU 时间（秒，合计）", result["index_cpu_s"]),
        ("单篇查询中位数（毫秒）", result["query_ms"]),
        ("单篇查询 P95（毫秒）", result["query_p95_ms"]),
    ]
    if accuracy:
        t1 = time.perf_counter()
        truth = brute_force_pairs(kept)
        brute_s = time.perf_counter() - t1
        t2 = time.perf_counter()
        found = set()
        for i in range(n):
            ids = kept[i]
            if len(ids) < sim.MIN_SHINGLES:
                continue
            cands = index.candidates(sigs[i])
            cands = cands[cands > i]
            if len(cands) == 0:
                continue
            est = sim.estimate(sigs[i], sigs[cands])
            for c in cands[est >= sim.ESTIMATE_FLOOR]:
                if sim.jaccard(ids, kept[int(c)]) >= THRESHOLD:
                    found.add((i, int(c)))
        lsh_s = time.perf_counter() - t2
        tp = len(found & truth)
        recall = tp / len(truth) if truth else 1.0
        precision = tp / len(found) if found else 1.0
        result.update(
            truth_pairs=len(truth),
            found_pairs=len(found),
            recall=round(recall, 4),
            precision=round(precision, 4),
            brute_force_s=round(brute_s, 1),
            all_pairs_lsh_s=round(lsh_s, 1),
        )
        rows += [
            ("真实相似对（Jaccard≥0.5）", len(truth)),
            ("检出相似对", len(found)),
            ("召回率", result["recall"]),
            ("准确率", result["precision"]),
            ("暴力比对（秒）", result["brute_force_s"]),
        ]
    own, kids = peak_mb()
    result["peak_mb"] = own
    result["worker_peak_mb"] = kids
    result["machine"] = machine()
    rows += [("主进程内存峰值（MB）", own), ("工作进程内存峰值（MB）", kids)]
    table(rows, ("指标", "数值"))
    emit(result)


if __name__ == "__main__":
    main()
