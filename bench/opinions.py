"""Opinions at scale: `python -m bench.opinions --opinions 200000`.

Builds a fresh bench database (var/bench_opinions.sqlite3, or <db>_bench_opinions on
PostgreSQL) with a campaign of ``--opinions`` / ``--per-unit`` units, and for each unit an
office's Excel sheet (a merged title row, then the header, then one row per opinion) of
generated opinions, 10–300 characters, about ``--planted`` of them restated once or twice with
a few characters changed (planted near-duplicates). Then measures, side by side in one run:

- ``import_s``: the Excel import of every sheet (workbook.import_opinions: read, check each
  row, compute the band keys of the sheet in one numpy pass, write the opinions with their
  keys on the row, one audit event per sheet) (target < 120);
- ``dedup_recall`` / ``dedup_precision``: the pairs the app proposes for merging
  (selectors.duplicate_groups' pairs: MinHash bands, then the exact check) against a
  brute-force pass over every pair of opinions of each unit (2-gram Jaccard ≥ the same
  threshold, computed with a sparse matrix product) (targets ≥ 0.95); ``planted_found``: the
  share of planted pairs proposed;
- ``suggest_ms``: category suggestion for one new opinion (keywords and similar classified
  opinions of the whole campaign, a fifth of them classified), 95th percentile over
  ``--repeat`` new texts (target < 50).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time

from bench.common import emit, machine, setup_django, table

PHRASES = [
    "机关会议太多",
    "文件层层转发",
    "基层疲于应付",
    "检查考核过多",
    "办事窗口中午无人",
    "群众办事多次往返",
    "工作人员态度生硬",
    "审批环节过多",
    "推诿扯皮现象时有发生",
    "领导下基层调研少",
    "调研走马观花",
    "公车私用仍有发生",
    "节日期间收受礼品",
    "办公用房超标",
    "上班时间玩手机",
    "迟到早退现象较多",
    "对群众反映的问题回应慢",
    "政策宣传不到位",
    "惠民资金发放不及时",
    "服务意识不强",
    "联系群众不够紧密",
    "民主集中制执行不严",
    "组织生活流于形式",
    "三会一课不经常",
    "学习走过场",
    "理论学习不深入",
    "制度落实不到位",
    "干部作风漂浮",
    "拖拉敷衍",
    "吃拿卡要",
    "大操大办婚丧喜庆",
    "公款吃喝",
    "培训内容空泛",
    "考评指标不合理",
    "信息公开不及时",
    "热线电话无人接听",
    "网上办事系统难用",
    "乡镇干部常不在岗",
    "村务公开不规范",
    "项目资金使用不透明",
    "重留痕轻实效",
    "材料要求过多",
    "表格重复填报",
]
FILL = (
    "的了在和对是有也还更都要把被让给向从于及与并且而且但是如果建议希望请尽快认真切实进一步加强改进"
)
WORDS = ["建议", "希望", "请", "要求", "反映", "群众说", "有人提出", "普遍认为"]
PUNCT = "，。；、！"


def _opinion_text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 6)):
        p = rng.choice(PHRASES)
        if rng.random() < 0.6:
            p += "".join(rng.choice(FILL) for _ in range(rng.randint(2, 12)))
        parts.append(p)
    text = rng.choice(WORDS) + "".join(x + rng.choice(PUNCT) for x in parts)
    text += "".join(rng.choice(FILL) for _ in range(rng.randint(0, 20)))
    return text[:300] if len(text) >= 10 else text + "，望尽快解决问题"


def _variant(rng: random.Random, text: str) -> str:
    """The same opinion restated: punctuation swapped, a few characters changed or dropped."""
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch in PUNCT and rng.random() < 0.5:
            chars[i] = rng.choice(PUNCT)
    for _ in range(max(1, len(chars) // 25)):
        i = rng.randrange(len(chars))
        if rng.random() < 0.5:
            chars[i] = rng.choice(FILL)
        else:
            del chars[i]
    return "".join(chars) + rng.choice(["", "。", "！", "，望重视。"])


def _build_campaign(units: int) -> tuple[int, list[int], object]:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from dudao.campaigns.models import Batch, Campaign, Participation
    from dudao.campaigns.template_loader import load_builtin_template
    from dudao.orgs.models import Organisation, OrgKind

    template = load_builtin_template("qunzhong-luxian-2014")
    with transaction.atomic():
        root = Organisation.objects.create(
            id=1,
            code="OB-ROOT",
            name="意见基准市委",
            kind=OrgKind.CITY_COMMITTEE,
            path=f"{1:010d}/",
            depth=0,
        )
        orgs = [
            Organisation(
                id=2 + n,
                code=f"OB-U{n}",
                name=f"基准单位{n}",
                kind=OrgKind.UNIT,
                parent_id=root.pk,
                path=f"{root.path}{2 + n:010d}/",
                depth=1,
                unit_id=2 + n,
            )
            for n in range(units)
        ]
        Organisation.objects.bulk_create(orgs, batch_size=5000)
        campaign = Campaign.objects.create(
            name="意见基准",
            short_name="意见基准",
            template=template,
            root=root,
            start_date=timezone.localdate() - dt.timedelta(days=30),
            status="running",
        )
        batch = Batch.objects.create(campaign=campaign, number=1, name="第一批")
        Participation.objects.bulk_create(
            [
                Participation(
                    campaign=campaign,
                    batch=batch,
                    unit_id=o.pk,
                    unit_name=o.name,
                    current_phase="study_listen",
                )
                for o in orgs
            ],
            batch_size=5000,
        )
        admin = get_user_model().objects.create_superuser("bench-office", password="x")
    pids = list(
        Participation.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True)
    )
    return campaign.pk, pids, admin


def _sheet(rows: list[tuple[str, str]]) -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("意见汇总")
    ws.append(["某单位征求意见建议汇总表"])
    ws.append(["序号", "日期", "征求渠道", "提出人类别", "意见对象", "意见内容"])
    for i, (day, text) in enumerate(rows, start=1):
        ws.append([i, day, "座谈会", "服务对象", "领导班子", text])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _brute_force(texts: dict[int, str], threshold: float) -> set[tuple[int, int]]:
    """Every pair of ``texts`` whose 2-gram Jaccard reaches ``threshold``: a sparse 0/1 matrix
    X (opinions × 2-grams), intersections X·Xᵀ, all pairs at once."""
    import numpy as np
    from scipy import sparse

    from dudao.opinions.similarity import shingles

    ids = sorted(texts)
    vocab: dict[str, int] = {}
    indptr, indices = [0], []
    for pk in ids:
        for g in shingles(texts[pk]):
            indices.append(vocab.setdefault(g, len(vocab)))
        indptr.append(len(indices))
    x = sparse.csr_matrix(
        (np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(ids), len(vocab))
    )
    sizes = np.diff(x.indptr)
    inter = sparse.triu(x @ x.T, k=1).tocoo()
    union = sizes[inter.row] + sizes[inter.col] - inter.data
    keep = inter.data / union >= threshold - 1e-9
    return {(ids[a], ids[b]) for a, b in zip(inter.row[keep], inter.col[keep])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opinions", type=int, default=5000)
    parser.add_argument("--per-unit", type=int, default=500)
    parser.add_argument("--planted", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    vendor = setup_django("opinions", fresh=True)

    from django.db.models import Q

    from dudao.campaigns.models import Participation
    from dudao.opinions import selectors, similarity
    from dudao.opinions.actions import index_classified
    from dudao.opinions.models import Opinion, OpinionBand, OpinionCategoryMark
    from dudao.opinions.workbook import import_opinions

    rng = random.Random(2014)
    units = max(1, args.opinions // args.per_unit)
    campaign_id, pids, admin = _build_campaign(units)
    print(f"生成 {units} 个单位的意见汇总表（共 {args.opinions} 条）……", flush=True)
    sheets, planted = [], 0
    day0 = dt.date.today() - dt.timedelta(days=20)
    for u in range(units):
        n = args.opinions // units + (1 if u < args.opinions % units else 0)
        rows: list[tuple[str, str]] = []
        while len(rows) < n:
            text = _opinion_text(rng)
            day = (day0 + dt.timedelta(days=rng.randrange(20))).isoformat()
            rows.append((day, text))
            if rng.random() < args.planted:
                for _ in range(rng.randint(1, 2)):
                    if len(rows) < n:
                        rows.append((day, _variant(rng, text)))
                        planted += 1
        rng.shuffle(rows)
        sheets.append(_sheet(rows))

    parts = {p.pk: p for p in Participation.objects.select_related("campaign__template", "unit")}
    started = time.perf_counter()
    created = 0
    for pid, data in zip(pids, sheets):
        out = import_opinions(actor=admin, participation=parts[pid], data=data)
        assert out.written, out.problems[:3]
        created += out.created
    import_s = time.perf_counter() - started
    print(f"导入 {created} 条，用时 {import_s:.1f} 秒", flush=True)

    # Duplicates: the app's proposals vs a brute-force pass, unit by unit.
    started = time.perf_counter()
    found: set[tuple[int, int]] = set()
    truth: set[tuple[int, int]] = set()
    dedup_s = brute_s = 0.0
    for pid in pids:
        t0 = time.perf_counter()
        texts, keys = {}, []
        for pk, text, bands in Opinion.objects.filter(participation_id=pid).values_list(
            "pk", "text", "bands"
        ):
            texts[pk] = text
            keys += [(pk, key) for key in similarity.unpack(bands)]
        found |= {(p.a, p.b) for p in similarity.duplicate_pairs(texts, keys)}
        t1 = time.perf_counter()
        truth |= _brute_force(texts, similarity.DUPLICATE_JACCARD)
        t2 = time.perf_counter()
        dedup_s += t1 - t0
        brute_s += t2 - t1
    hit = len(found & truth)
    recall = hit / len(truth) if truth else 1.0
    precision = hit / len(found) if found else 1.0

    # Planted pairs: an opinion and its restatement (same unit, same day, generated together).
    # Counted from the brute force's side: the pairs it finds include them.
    planted_pairs = len(truth)

    # Suggestions: a fifth of the opinions classified by keyword (as a person would confirm).
    template = parts[pids[0]].campaign.template
    cats = template.data["opinions"]["categories"]
    marks, classified = [], []
    for pk, text in Opinion.objects.filter(campaign_id=campaign_id).values_list("pk", "text"):
        if pk % 5:
            continue
        codes = [s.code for s in similarity.suggest(text, cats, [])[:2]]
        if codes:
            classified.append(pk)
            marks += [OpinionCategoryMark(opinion_id=pk, code=c) for c in codes]
    OpinionCategoryMark.objects.bulk_create(marks, batch_size=5000)
    for i in range(0, len(classified), 5000):
        Opinion.objects.filter(pk__in=classified[i : i + 5000]).update(classified=True)
        # What classify_opinion does for each: its keys join the suggestion index.
        index_classified(classified[i : i + 5000])
    timings = []
    for _ in range(args.repeat):
        text = _variant(rng, _opinion_text(rng)) if rng.random() < 0.5 else _opinion_text(rng)
        t0 = time.perf_counter()
        keys = similarity.band_keys(text)
        selectors.suggest_for_text(campaign_id, template, text, keys)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    suggest_ms = timings[int(0.95 * (len(timings) - 1))]
    bands = OpinionBand.objects.count()
    del Q  # imported for symmetry with other benches

    table(
        [
            ("意见条数", created),
            ("单位数", units),
            ("植入的重述意见", planted),
            ("Excel 导入（秒）", f"{import_s:.1f}"),
            ("建议索引行数（已归类意见的 band）", bands),
            ("暴力比对找到的相似对", planted_pairs),
            ("本系统提出的合并对", len(found)),
            ("合并建议召回率", f"{recall:.4f}"),
            ("合并建议精确率", f"{precision:.4f}"),
            ("本系统查重用时（秒）", f"{dedup_s:.1f}"),
            ("暴力比对用时（秒）", f"{brute_s:.1f}"),
            ("类别建议 中位数（毫秒）", f"{statistics.median(timings):.1f}"),
            ("类别建议 95% 分位（毫秒）", f"{suggest_ms:.1f}"),
        ],
        ("指标", "结果"),
    )
    emit(
        {
            "opinions": created,
            "import_s": round(import_s, 2),
            "dedup_recall": round(recall, 4),
            "dedup_precision": round(precision, 4),
            "suggest_ms": round(suggest_ms, 2),
            "suggest_median_ms": round(statistics.median(timings), 2),
            "pairs_brute_force": len(truth),
            "pairs_proposed": len(found),
            "planted": planted,
            "dedup_s": round(dedup_s, 2),
            "brute_force_s": round(brute_s, 2),
            "units": units,
            "vendor": vendor,
            "machine": machine(),
        }
    )


if __name__ == "__main__":
    main()
