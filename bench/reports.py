"""Reports at city scale: `python -m bench.reports --scale city`.

Builds (once per bench database, var/bench_reports.sqlite3 or <db>_bench_reports on
PostgreSQL) a campaign of 10,000 units (``--scale city``; ``small``: 30) in 100 supervision
groups with records of every category the 2005 template reports — per unit four study sessions
(one a party lecture by the unit head), three meetings (one a forum), two problems found, a
good deed, a knowledge test, two rectification items, a regulation, a study note, an approved
transition, and a closed 分析评议阶段成效测评 with its counts (one unit in ten voted
"一般化/走过场" by a majority, so 测评通过 has rounds to weigh and to drop) — with bulk
inserts (no actions: this measures the reads). A small campaign (3 units) sits beside it.
Then measures:

- ``tallies_p95_ms``: the office's campaign report page (every figure of the template, per
  batch, and the dashboard's charts), 95th percentile of ``--repeat`` requests (target < 500),
  as an office reads it (the page's cache keyed by the audit head: see dudao/reports/cache.py);
  ``tallies_uncached_p95_ms``: the same with the cache emptied before each request;
- ``queries`` / ``queries_small``: that page's queries on the city and on the small campaign
  (must be equal: set-based reads);
- ``group_drilldown_p95_ms``: one figure's units of one group (target < 300).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time

from bench.common import emit, machine, setup_django, table

GROUPS = 100
SCALES = {"city": 10_000, "small": 30}


def _build(units: int, *, code: str, name: str) -> int:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone

    from dudao.campaigns.models import Batch, Campaign, Participation, SupervisionGroup
    from dudao.campaigns.template_loader import load_builtin_template
    from dudao.orgs.models import Organisation, OrgKind, Role, RoleAssignment
    from dudao.records.models import Activity, KnowledgeTest, Meeting, ProblemFound, StudySession
    from dudao.rectification.models import Item, Regulation
    from dudao.reviews.models import Document
    from dudao.transitions.models import TransitionApplication

    existing = Campaign.objects.filter(name=name).first()
    if existing is not None:
        if _add_surveys(existing.pk):  # a bench database built before the bench had surveys
            _settle()
        return existing.pk
    print(f"生成{name}：{units} 个单位及其记录……", flush=True)
    started = time.perf_counter()
    template = load_builtin_template("xianjinxing-2005")
    User = get_user_model()
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        next_id = (Organisation.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        root = Organisation(
            id=next_id,
            code=f"{code}-ROOT",
            name=f"{name}市委",
            kind=OrgKind.CITY_COMMITTEE,
            path=f"{next_id:010d}/",
            depth=0,
        )
        orgs = [root] + [
            Organisation(
                id=next_id + 1 + n,
                code=f"{code}-U{n}",
                name=f"{name}单位{n:05d}",
                kind=OrgKind.UNIT,
                parent_id=root.pk,
                path=f"{root.path}{next_id + 1 + n:010d}/",
                depth=1,
                unit_id=next_id + 1 + n,
            )
            for n in range(units)
        ]
        Organisation.objects.bulk_create(orgs, batch_size=5000)
        campaign = Campaign.objects.create(
            name=name,
            short_name=name,
            template=template,
            root=root,
            start_date=today - dt.timedelta(days=120),
            status="running",
        )
        batch = Batch.objects.create(campaign=campaign, number=1, name="第一批")
        groups = SupervisionGroup.objects.bulk_create(
            [
                SupervisionGroup(
                    campaign=campaign, batch=batch, code=f"G{g:03d}", name=f"第{g + 1}督导组"
                )
                for g in range(min(GROUPS, units))
            ]
        )
        Participation.objects.bulk_create(
            [
                Participation(
                    campaign=campaign,
                    batch=batch,
                    unit_id=o.pk,
                    unit_name=o.name,
                    group=groups[i % len(groups)],
                    current_phase=("study", "analysis", "rectify")[i % 3],
                )
                for i, o in enumerate(orgs[1:])
            ],
            batch_size=5000,
        )
        office = User.objects.create_user(f"{code}-office")
        RoleAssignment.objects.create(user=office, role=Role.OFFICE, campaign=campaign)
        pids = list(
            Participation.objects.filter(campaign=campaign)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        day = today - dt.timedelta(days=30)
        sessions, meetings, problems, deeds, tests, items, regs, docs, apps = ([] for _ in range(9))
        for i, pid in enumerate(pids):
            d = day + dt.timedelta(days=i % 28)
            for k, kind in enumerate(("party_lecture", "concentrated", "discussion", "video")):
                sessions.append(
                    StudySession(
                        participation_id=pid,
                        phase="study",
                        kind=kind,
                        date=d,
                        hours=2,
                        topic="学习",
                        speaker_role="unit_head" if k == 0 else "",
                    )
                )
            for kind in ("forum", "mobilisation", "special_org_life"):
                meetings.append(
                    Meeting(participation_id=pid, phase="study", kind=kind, date=d, title="会议")
                )
            for source in ("self", "opinion"):
                problems.append(
                    ProblemFound(participation_id=pid, phase="analysis", source=source, text="问题")
                )
            deeds.append(
                Activity(
                    participation_id=pid,
                    phase="study",
                    kind="good_deed",
                    date=d,
                    description="好事",
                    count=2,
                )
            )
            tests.append(KnowledgeTest(participation_id=pid, phase="study", date=d, title="检测"))
            for n, cls in ((1, "immediate"), (2, "gradual")):
                deadline = today + dt.timedelta(days=(i % 90) - 30)
                items.append(
                    Item(
                        campaign=campaign,
                        participation_id=pid,
                        number=n,
                        level="organisation",
                        problem="问题",
                        rect_class=cls,
                        measures="措施",
                        deadline=deadline,
                        original_deadline=deadline,
                    )
                )
            regs.append(
                Regulation(
                    participation_id=pid,
                    title="制度",
                    adopted_on=d,
                    adopted_by="党委",
                    created_by=office,
                )
            )
            docs.append(
                Document(
                    campaign=campaign,
                    participation_id=pid,
                    kind="study_note",
                    phase="study",
                    status="approved",
                    created_by=office,
                    last_submitted_at=now,
                )
            )
            apps.append(
                TransitionApplication(
                    campaign=campaign,
                    participation_id=pid,
                    from_phase="study",
                    to_phase="analysis",
                    summary="小结",
                    status="approved",
                    waiting_since=now,
                    submitted_at=now,
                    office_decided_at=now,
                )
            )
        for model, rows in (
            (StudySession, sessions),
            (Meeting, meetings),
            (ProblemFound, problems),
            (Activity, deeds),
            (KnowledgeTest, tests),
            (Item, items),
            (Regulation, regs),
            (Document, docs),
            (TransitionApplication, apps),
        ):
            model.objects.bulk_create(rows, batch_size=5000)
        _add_surveys(campaign.pk)
    _settle()
    print(f"  用时 {time.perf_counter() - started:.1f} 秒", flush=True)
    return campaign.pk


def _settle() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
        else:
            # Settled as a database in use is: the bulk insert's pages out of the write-ahead
            # log (reads of a 150,000-row WAL measured the log, ≈ 2× slower, not the page).
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# (找准抓住了, 基本找准, 一般化, 走过场) and (扎实认真, 比较扎实, 一般化, 走过场): a passing
# unit's counts, and a failing one's (more than half "一般化" or "走过场": remedial work).
PASSING = ((9, 6, 3, 1), (8, 7, 3, 1))
FAILING = ((3, 4, 8, 5), (2, 5, 7, 6))
ROUND_QUESTIONS = (
    ("found_problems", ("找准抓住了", "基本找准", "一般化", "走过场")),
    ("formality", ("扎实认真", "比较扎实", "一般化", "走过场")),
)


def _add_surveys(campaign_id: int) -> bool:
    """Each unit's closed phase-effectiveness round and its counts (one counter shard); False
    when the campaign has its rounds already."""
    from django.db import transaction
    from django.utils import timezone

    from dudao.campaigns.models import Participation
    from dudao.surveys.models import RoundStatus, SurveyRound, Tally

    if SurveyRound.objects.filter(campaign_id=campaign_id).exists():
        return False
    now = timezone.now()
    pids = list(
        Participation.objects.filter(campaign_id=campaign_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        SurveyRound.objects.bulk_create(
            [
                SurveyRound(
                    campaign_id=campaign_id,
                    participation_id=pid,
                    instrument="phase_effectiveness",
                    status=RoundStatus.CLOSED,
                    opened_at=now - dt.timedelta(days=i % 28 + 3),
                    closed_at=now - dt.timedelta(days=i % 28),
                )
                for i, pid in enumerate(pids)
            ],
            batch_size=5000,
        )
        rounds = SurveyRound.objects.filter(campaign_id=campaign_id).order_by("participation_id")
        tallies = []
        for i, rid in enumerate(rounds.values_list("pk", flat=True)):
            counts = FAILING if i % 10 == 0 else PASSING
            for (question, options), votes in zip(ROUND_QUESTIONS, counts, strict=True):
                tallies += [
                    Tally(round_id=rid, question=question, option=o, count=n)
                    for o, n in zip(options, votes, strict=True)
                ]
        Tally.objects.bulk_create(tallies, batch_size=5000)
    return True


def _timed(client, url: str, repeat: int, *, cold: bool = False) -> tuple[list[float], int]:
    """Milliseconds of ``repeat`` requests after a first one (``cold``: the cache emptied
    before each, so every request counts from the tables)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for i in range(repeat + 1):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        if i == 0:
            queries = len(ctx.captured_queries)  # the first request also warms caches
            continue
        times.append(elapsed * 1000)
    return times, queries


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--fresh", action="store_true", help="rebuild the bench database")
    args = parser.parse_args()
    vendor = setup_django("reports", fresh=args.fresh)

    from django.contrib.auth import get_user_model
    from django.test import Client

    from dudao.campaigns.models import Participation, SupervisionGroup

    units = SCALES[args.scale]
    big = _build(units, code=f"REP{units}", name=f"报表基准{units}")
    small = _build(3, code="REPSMALL", name="报表基准小")
    User = get_user_model()
    client = Client()
    client.force_login(User.objects.get(username=f"REP{units}-office"))
    cold, queries = _timed(client, f"/reports/campaigns/{big}/", args.repeat // 2, cold=True)
    times, _q = _timed(client, f"/reports/campaigns/{big}/", args.repeat)
    group = SupervisionGroup.objects.filter(campaign_id=big).order_by("code").first()
    drill, drill_queries = _timed(
        client, f"/reports/campaigns/{big}/figures/forums/units/?group={group.pk}", args.repeat
    )
    # The figures the surveys make, read as the API gives them: what was timed also counted.
    figures = {
        f["code"]: f["value"]
        for f in client.get(f"/api/reports/campaigns/{big}/tallies").json()["figures"]
    }
    failing = -(-units // 10)
    assert figures["surveys_run"] == units, figures["surveys_run"]
    assert figures["surveys_passed"] == units - failing, figures["surveys_passed"]
    client.force_login(User.objects.get(username="REPSMALL-office"))
    _s, queries_small = _timed(client, f"/reports/campaigns/{small}/", 2, cold=True)
    count = Participation.objects.filter(campaign_id=big).count()
    tallies_p95, drill_p95 = _p95(times), _p95(drill)
    table(
        [
            ("数据库", vendor),
            ("参加单位", count),
            ("统计报表页 p95（毫秒）", f"{tallies_p95:.0f}"),
            ("统计报表页中位数（毫秒）", f"{statistics.median(times):.0f}"),
            (
                "统计报表页不用缓存 p95 / 中位数（毫秒）",
                f"{_p95(cold):.0f} / {statistics.median(cold):.0f}",
            ),
            ("统计报表页查询数（全市 / 小活动）", f"{queries} / {queries_small}"),
            ("督导组下钻 p95（毫秒）", f"{drill_p95:.0f}"),
            ("督导组下钻查询数", drill_queries),
            (
                "开展测评 / 测评通过",
                f"{figures['surveys_run']:.0f} / {figures['surveys_passed']:.0f}",
            ),
        ],
        ("指标", "结果"),
    )
    emit(
        {
            "bench": "reports",
            "vendor": vendor,
            "units": count,
            "tallies_p95_ms": round(tallies_p95, 1),
            "tallies_median_ms": round(statistics.median(times), 1),
            "tallies_uncached_p95_ms": round(_p95(cold), 1),
            "tallies_uncached_median_ms": round(statistics.median(cold), 1),
            "load_avg": [round(x, 2) for x in os.getloadavg()],
            "queries": queries,
            "queries_small": queries_small,
            "group_drilldown_p95_ms": round(drill_p95, 1),
            "group_drilldown_queries": drill_queries,
            "machine": machine(),
        }
    )


if __name__ == "__main__":
    main()
