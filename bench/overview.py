"""The office overview at scale: `python -m bench.overview --scale city`.

Loads (or reuses) the demo at the given scale in its own bench database, then requests the
office overview as the office clerk with a realistic mix of filters, and — side by side in the
same run — the bare ORM query for the same first page. Reports p50/p95 and the query count per
request; the query count at small scale (measured in a subprocess on its own database) must equal
the count at city scale. Target: p95_ms < 300 on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from bench.common import ROOT, emit, setup_django, table


def _ensure_demo(scale: str) -> None:
    from dudao.demo import generator as demo

    if not demo.demo_exists():
        print(f"生成 {scale} 规模演示数据（城市规模需约半分钟到数分钟）……", flush=True)
        started = time.perf_counter()
        demo.seed(scale_name=scale, seed_value=2005, out=sys.stdout, with_records=False)
        print(f"演示数据已生成，用时 {time.perf_counter() - started:.1f} 秒。", flush=True)


def _mix(campaign) -> list[str]:
    """What a clerk does on the overview: the first page, a phase, one group's units, a name
    typed into the search box, paging deep, and filters combined."""
    base = f"/campaigns/{campaign.pk}/overview/"
    group = campaign.groups.order_by("code").first()
    batches = list(campaign.batches.order_by("number"))
    return [
        base,
        base + "?phase=analysis",
        base + f"?group={group.pk}",
        base + "?q=红星",
        base + "?page=37",
        base + f"?batch={batches[-1].pk}&phase=study&q=镇",
        base + f"?batch={batches[0].pk}&q=局&page=2",
    ]


def _p(values: list[float], pct: int) -> float | None:
    """The pct-th percentile (nearest rank) in ms, one decimal."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1)], 1)


def measure(requests: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dudao.campaigns.models import Participation
    from dudao.demo import generator as demo
    from dudao.orgs.models import Person

    campaign = demo.demo_campaign()
    client = Client()
    client.force_login(get_user_model().objects.get(username="clerk"))
    urls = _mix(campaign)
    queries = {}
    for url in urls:  # warm-up and query counts
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        queries[url] = len(ctx)
    page_ms = []
    by_url: dict[str, list[float]] = {url: [] for url in urls}
    for i in range(requests):
        url = urls[i % len(urls)]
        t = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - t) * 1000
        page_ms.append(elapsed)
        by_url[url].append(elapsed)
        reset_queries()
    bare_ms = []
    for _ in range(requests):
        t = time.perf_counter()
        qs = Participation.objects.filter(campaign=campaign)
        qs.count()
        list(qs.select_related("batch", "group").order_by("unit_name", "id")[:50])
        bare_ms.append((time.perf_counter() - t) * 1000)
    p95 = statistics.quantiles(page_ms, n=20)[18]
    bare_p95 = statistics.quantiles(bare_ms, n=20)[18]
    return {
        "units": Participation.objects.filter(campaign=campaign).count(),
        "members": Person.objects.count(),
        "p50_ms": round(statistics.median(page_ms), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(max(page_ms), 1),
        "queries": max(queries.values()),
        "by_url": {url: (queries[url], _p(by_url[url], 50), _p(by_url[url], 95)) for url in urls},
        "bare_p95_ms": round(bare_p95, 2),
        "ratio": round(p95 / bare_p95, 1) if bare_p95 else None,
        "database": connection.vendor,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["city", "small"], default="city")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup_django(args.scale)
    _ensure_demo(args.scale)
    result = measure(args.requests)
    if args.measure_only:
        emit(result)
        return
    other = "small" if args.scale == "city" else "city"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.overview",
            "--scale",
            other,
            "--requests",
            "20",
            "--measure-only",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    lines = out.stdout.strip().splitlines()
    if len(lines) > 1:  # the other scale's seeding progress, if it had to be generated
        print("\n".join(lines[:-1]))
    small = json.loads(lines[-1])
    by_url = result.pop("by_url")
    result = {"scale": args.scale, **result, f"queries_{other}": small["queries"]}
    table(
        [
            (url.split("overview/")[1] or "(first page)", n, p50, p95)
            for url, (n, p50, p95) in by_url.items()
        ],
        ("request", "queries", "p50_ms", "p95_ms"),
    )
    print()
    table([(k, v) for k, v in result.items()], ("figure", "value"))
    emit(result)


if __name__ == "__main__":
    main()
