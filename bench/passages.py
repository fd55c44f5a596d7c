"""Passage-level copy detection at campaign scale: `python -m bench.passages --docs 400000`.

A synthetic campaign corpus of Chinese texts (words from a Zipf-weighted vocabulary of CJK
characters, some digits and Latin letters), with stock phrases shared by many texts (the
campaign's slogans, which are not copying) and planted copies: passages of 20 to 400
characters taken from an earlier text, making 1 % to 90 % of the copying text, with their
punctuation changed and digits and letters turned full-width.

The index is the app's: every text is stored as a web reference text of one campaign (bulk
SQL, as a restore would), and indexed by the app's ``detection.BulkIndexer`` (winnowed
fingerprints in ``PassageFingerprint``, their text counts in ``FingerprintFrequency``; the
lookup index built once after the load). Each check of a text is the app's own
``detection.find_passages`` — an index lookup, not a scan.

Measured in one run:
- ``recall`` / ``precision`` against the planted truth over a sample of checked texts
  (a reported pair that was not planted counts as correct only if the brute force confirms it);
- ``bf_recall`` / ``bf_precision`` against a brute-force check of the same sample against a
  random sample of the corpus: every pair sharing a normalised 20-character run that is not
  part of a stock phrase, found by comparing all 20-grams of both texts.
Last line: {"docs", "recall", "precision", "bf_recall", "bf_precision", "index_s",
"query_ms", "peak_mb", ...}.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import emit, machine, setup_django, table  # noqa: E402

SEED = 15
PUNCT = "，。；、：！"
FULL = str.maketrans(
    {
        **{chr(c): chr(c + 0xFEE0) for c in range(0x30, 0x3A)},
        **{chr(c): chr(c + 0xFEE0) for c in range(0x41, 0x5B)},
    }
)


def _vocab(rng: np.random.Generator):
    chars = np.array([chr(0x4E00 + i) for i in range(3500)])
    lengths = rng.choice([1, 2, 2, 2, 3, 4], size=30000)
    words = ["".join(rng.choice(chars, size=n)) for n in lengths]
    words += [f"{n}年" for n in range(1990, 2030)] + ["GDP", "ABC", "CPU", "3%", "12个"]
    # Zipf-like, with the head flattened: the commonest word is under 1 % of the text.
    weights = 1.0 / (np.arange(1, len(words) + 1) + 20)
    rng.shuffle(weights)
    return np.array(words, dtype=object), np.cumsum(weights / weights.sum())


class Corpus:
    """Text number i, regenerated from its number (nothing held in memory but the plan)."""

    def __init__(self, docs: int, copy_rate: float = 0.03):
        rng = np.random.default_rng(SEED)
        self.words, self.cum = _vocab(rng)
        self.stock = [
            self._plain(np.random.default_rng([SEED, 7, k]), int(rng.integers(14, 32)))
            for k in range(40)
        ]
        self.docs = docs
        self.plan: dict[
            int, tuple[int, int, int, float]
        ] = {}  # target -> (source, start, len, share)
        plan_rng = random.Random(SEED)
        for i in range(docs):
            if i > 200 and plan_rng.random() < copy_rate:
                source = plan_rng.randrange(0, i)
                length = plan_rng.randint(20, 400)
                share = plan_rng.uniform(0.01, 0.9)
                self.plan[i] = (source, plan_rng.random(), length, share)

    def _plain(self, rng, chars: int) -> str:
        # Words average about 2.3 characters: draw enough at once, then cut.
        picks = np.searchsorted(self.cum, rng.random(chars // 2 + 4)).clip(0, len(self.words) - 1)
        text = "".join(self.words[picks])
        while len(text) < chars:
            text += self._plain(rng, chars - len(text))
        return text[:chars]

    def _own(self, i: int, chars: int) -> str:
        rng = np.random.default_rng([SEED, i])
        body = self._plain(rng, chars)
        parts, k = [], 0
        while k < len(body):
            step = int(rng.integers(8, 30))
            piece = body[k : k + step]
            k += step
            if rng.random() < 0.08:
                piece = self.stock[int(rng.integers(0, len(self.stock)))]
            parts.append(piece + PUNCT[int(rng.integers(0, len(PUNCT)))])
        return "".join(parts)

    def base_length(self, i: int) -> int:
        return int(np.random.default_rng([SEED, i, 1]).integers(200, 1200))

    def copied(self, i: int) -> str | None:
        """The passage text i took from its source (as it appears in the source)."""
        if i not in self.plan:
            return None
        source, where, length, _share = self.plan[i]
        src = self.text(source)
        length = min(length, len(src))
        start = int(where * (len(src) - length))
        return src[start : start + length]

    def text(self, i: int) -> str:
        if i not in self.plan:
            return self._own(i, self.base_length(i))
        _source, _where, _length, share = self.plan[i]
        passage = self.copied(i)
        own_chars = min(6000, max(30, int(len(passage) / share) - len(passage)))
        own = self._own(i, own_chars)
        # Disguise: other punctuation, spaces and line breaks, full-width digits and letters.
        disguised = passage.translate(FULL).replace("，", " , ").replace("。", "．\n")
        cut = int(np.random.default_rng([SEED, i, 2]).integers(0, len(own) + 1))
        return own[:cut] + disguised + own[cut:]


def _build_index(corpus: Corpus, campaign_id: int, user_id: int, chunk: int = 5000) -> dict:
    """Store the corpus as web reference texts (bulk SQL, as a restore would) and index them
    with the app's own ``detection.BulkIndexer`` (what ``reindex_campaign`` uses too)."""
    from django.db import connection, transaction

    from dudao.reviews import detection
    from dudao.reviews.models import PassageFingerprint, ReferenceText

    ref_table = connection.ops.quote_name(ReferenceText._meta.db_table)
    now = "2026-12-01 00:00:00"
    spent = 0.0  # indexing only: generating the synthetic texts is not the app's work
    cpu = 0.0  # the same, in this process's CPU time (the machine is shared)
    t0, c0 = time.perf_counter(), time.process_time()
    bulk = detection.BulkIndexer(campaign_id, rebuild_lookup=True).__enter__()
    spent += time.perf_counter() - t0
    cpu += time.process_time() - c0
    for start in range(0, corpus.docs, chunk):
        texts = [(i + 1, corpus.text(i)) for i in range(start, min(corpus.docs, start + chunk))]
        t0, c0 = time.perf_counter(), time.process_time()
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {ref_table} (id, campaign_id, kind, title, text, char_count, "
                "uploaded_by_id, uploaded_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (pk, campaign_id, "web", f"文本{pk - 1}", text, len(text), user_id, now)
                    for pk, text in texts
                ],
            )
        bulk.add(texts)
        spent += time.perf_counter() - t0
        cpu += time.process_time() - c0
        print(
            f"  已建索引 {min(corpus.docs, start + chunk):,} / {corpus.docs:,} 篇 "
            f"（{spent:.0f} 秒）",
            flush=True,
        )
    t0, c0 = time.perf_counter(), time.process_time()
    bulk.__exit__(None, None, None)
    spent += time.perf_counter() - t0
    cpu += time.process_time() - c0
    names = {
        c["index"] and n
        for n, c in connection.introspection.get_constraints(
            connection.cursor(), PassageFingerprint._meta.db_table
        ).items()
    }
    assert "fingerprint_lookup" in names, "the fingerprint lookup index is missing"
    return {
        "fingerprints": bulk.fingerprints,
        "distinct": len(bulk._hashes),
        "index_s": spent,
        "index_cpu_s": cpu,
    }


def _grams(norm: str, stock: re.Pattern, n: int = 20) -> set[str]:
    """Every n-gram of a normalised text that lies outside the stock phrases (the text is cut
    at every stock phrase: a run that reaches into one does not count)."""
    out = set()
    for seg in stock.split(norm):
        out.update(seg[k : k + n] for k in range(len(seg) - n + 1))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=300, help="texts checked through the index")
    parser.add_argument("--bf-corpus", type=int, default=3000, help="corpus sample for brute force")
    args = parser.parse_args()

    load_at_start = [round(x, 1) for x in os.getloadavg()]
    vendor = setup_django("passages", fresh=True)
    from django.contrib.auth import get_user_model

    from dudao.campaigns import actions as campaign_actions
    from dudao.campaigns.template_loader import load_builtin_template
    from dudao.orgs import actions as org_actions
    from dudao.reviews import detection
    from dudao.reviews import passages as ps

    user = get_user_model().objects.create(username="bench-office")
    root = org_actions.create_organisation(
        actor=None, code="BENCH-ROOT", name="基准市委", kind="city_committee", audit=False
    )
    campaign = campaign_actions.create_campaign(
        actor=None,
        template=load_builtin_template("xianjinxing-2005"),
        root=root,
        start_date=__import__("datetime").date(2005, 1, 1),
    )
    corpus = Corpus(args.docs)
    built = _build_index(corpus, campaign.pk, user.pk)
    index_s = built["index_s"]

    rng = random.Random(SEED + 1)
    targets = sorted(corpus.plan)
    sample = rng.sample(targets, min(len(targets), args.sample // 2))
    sample += rng.sample(range(args.docs), args.sample - len(sample))
    min_passage = detection.min_passage()
    stock_grams = re.compile(
        "|".join(re.escape(ps.normalise(p)) for p in sorted(corpus.stock, key=len, reverse=True))
    )

    times, reported = [], {}
    for i in sample:
        text = corpus.text(i)
        t0 = time.perf_counter()
        found = detection.find_passages(campaign.pk, text, skip_reference=i + 1)
        times.append((time.perf_counter() - t0) * 1000)
        reported[i] = {f.reference_id - 1 for f in found}

    # Planted truth: the pairs whose copied passage is long enough (normalised) to report.
    truth = set()
    for i in sample:
        if i in corpus.plan and _grams(ps.normalise(corpus.copied(i)), stock_grams, min_passage):
            truth.add((i, corpus.plan[i][0]))
    found_pairs = {(i, j) for i, js in reported.items() for j in js}

    # Brute force over a random sample of the corpus, plus the planted sources.
    bf_docs = set(rng.sample(range(args.docs), min(args.docs, args.bf_corpus)))
    bf_docs |= {j for _i, j in truth}
    bf_grams = {j: _grams(ps.normalise(corpus.text(j)), stock_grams) for j in bf_docs}
    bf_pairs = set()
    for i in sample:
        mine = _grams(ps.normalise(corpus.text(i)), stock_grams)
        for j, theirs in bf_grams.items():
            if j != i and not mine.isdisjoint(theirs):
                bf_pairs.add((i, j))
    reported_in_bf = {(i, j) for i, j in found_pairs if j in bf_docs}
    for i, j in sorted(bf_pairs - reported_in_bf)[:5]:
        a, b = ps.normalise(corpus.text(i)), ps.normalise(corpus.text(j))
        shared = sorted(_grams(a, stock_grams) & _grams(b, stock_grams))
        print(f"  穷举发现而未报告：{i}~{j}，共同 20 字片段 {len(shared)} 个，例：{shared[:1]}")
    bf_recall = len(bf_pairs & reported_in_bf) / len(bf_pairs) if bf_pairs else 1.0
    bf_precision = len(bf_pairs & reported_in_bf) / len(reported_in_bf) if reported_in_bf else 1.0

    def confirmed(pair):
        if pair in truth:
            return True
        i, j = pair
        theirs = bf_grams.get(j) or _grams(ps.normalise(corpus.text(j)), stock_grams)
        return not _grams(ps.normalise(corpus.text(i)), stock_grams).isdisjoint(theirs)

    recall = len(truth & found_pairs) / len(truth) if truth else 1.0
    precision = (
        sum(1 for p in found_pairs if confirmed(p)) / len(found_pairs) if found_pairs else 1.0
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "bench": "passages",
        "database": vendor,
        "docs": args.docs,
        "planted": len(corpus.plan),
        "fingerprints": built["fingerprints"],
        "sample": len(sample),
        "recall": round(recall, 4),
        "precision": round(precision, 4),
        "bf_recall": round(bf_recall, 4),
        "bf_precision": round(bf_precision, 4),
        "index_s": round(index_s, 1),
        "index_cpu_s": round(built["index_cpu_s"], 1),
        "query_ms": round(statistics.median(times), 1),
        "query_p95_ms": round(sorted(times)[int(len(times) * 0.95) - 1], 1),
        "peak_mb": round(peak_mb, 1),
        "load_avg": [round(x, 1) for x in os.getloadavg()],
        "load_avg_at_start": load_at_start,
        "machine": machine(),
    }
    table(
        [
            ("文本数", f"{args.docs:,}"),
            ("指纹数", f"{built['fingerprints']:,}"),
            ("植入抄袭", f"{len(corpus.plan):,}"),
            ("召回率 / 准确率（对照植入）", f"{recall:.3f} / {precision:.3f}"),
            ("召回率 / 准确率（对照穷举）", f"{bf_recall:.3f} / {bf_precision:.3f}"),
            ("建索引（秒）", f"{index_s:.1f}"),
            ("单篇查询中位数（毫秒）", f"{result['query_ms']}"),
            ("内存峰值（MB）", f"{peak_mb:.0f}"),
        ],
        ("项目", "结果"),
    )
    emit(result)


if __name__ == "__main__":
    main()
