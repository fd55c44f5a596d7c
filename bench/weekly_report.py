"""Weekly reports at city scale: `python -m bench.weekly_report --scale city`.

Builds (once per bench database, var/bench_weekly_report.sqlite3 or <db>_bench_weekly_report on
PostgreSQL) a campaign of 140 supervision groups (seed 002 had 23 groups for 107 units; a city
has several times more) with ``--units-per-group`` units each (default 8), a leader per group,
and this week's record: visits, problems found (some answered, some solved, some overdue) and
rectification items, all with bulk_create. A small campaign of 2 groups sits beside it. Then:

- ``compile_s``: one compile of every group's report for the week (target < 60);
- ``queries_per_group`` / ``queries_per_group_small``: the queries of that compile on the city
  (140 groups) and on the small campaign (2 groups). The compile is set-based, so the count
  does not grow with the groups: the two must be equal;
- ``todo_p95_ms``: a group leader's to-do page (every provider), 95th percentile of
  ``--repeat`` requests (target < 200);
- ``compile_again_created``: a second compile at once creates no report (must be 0).

`--scale small` builds 10 groups instead of 140, for development.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from bench.common import emit, machine, setup_django, table


def _build(groups: int, per_group: int, *, code: str, name: str) -> int:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone

    from dudao.campaigns.models import Batch, Campaign, Participation, SupervisionGroup
    from dudao.campaigns.template_loader import load_builtin_template
    from dudao.orgs.models import Organisation, OrgKind, Role, RoleAssignment
    from dudao.rectification.models import Item
    from dudao.supervision.models import Problem, Visit

    existing = Campaign.objects.filter(name=name).first()
    if existing is not None:
        return existing.pk
    units = groups * per_group
    print(f"生成{name}：{groups} 个督导组、{units} 个单位……", flush=True)
    started = time.perf_counter()
    template = load_builtin_template("xianjinxing-2005")
    User = get_user_model()
    today = timezone.localdate()
    now = timezone.now()
    week = today - dt.timedelta(days=today.weekday())
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
                name=f"{name}单位{n}",
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
            start_date=today - dt.timedelta(days=60),
            status="running",
        )
        batch = Batch.objects.create(campaign=campaign, number=1, name="第一批")
        group_rows = SupervisionGroup.objects.bulk_create(
            [
                SupervisionGroup(
                    campaign=campaign, batch=batch, code=f"G{g:03d}", name=f"第{g + 1}督导组"
                )
                for g in range(groups)
            ]
        )
        if group_rows[0].pk is None:
            group_rows = list(SupervisionGroup.objects.filter(campaign=campaign).order_by("pk"))
        Participation.objects.bulk_create(
            [
                Participation(
                    campaign=campaign,
                    batch=batch,
                    unit_id=o.pk,
                    unit_name=o.name,
                    group=group_rows[i // per_group],
                    current_phase="study",
                )
                for i, o in enumerate(orgs[1:])
            ],
            batch_size=5000,
        )
        leaders = User.objects.bulk_create(
            [User(username=f"{code}-leader{g}") for g in range(groups)]
        )
        if leaders[0].pk is None:
            leaders = list(
                User.objects.filter(username__startswith=f"{code}-leader").order_by("pk")
            )
        office = User.objects.create_user(f"{code}-office")
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=office, role=Role.OFFICE, campaign=campaign)]
            + [
                RoleAssignment(user=u, role=Role.GROUP_LEADER, group=g)
                for u, g in zip(leaders, group_rows)
            ]
        )
        parts = list(
            Participation.objects.filter(campaign=campaign)
            .order_by("pk")
            .values_list("pk", "group_id")
        )
        visits, problems, items = [], [], []
        for i, (pid, gid) in enumerate(parts):
            leader = leaders[i // per_group]
            for n in range(3):
                visits.append(
                    Visit(
                        campaign=campaign,
                        participation_id=pid,
                        group_id=gid,
                        kind=("forum", "talk", "meeting")[n],
                        happened_on=week,
                        spoke=n == 2,
                        people_count=10 + n,
                        notes="座谈",
                        client_token=f"{pid}-{n}",
                        author=leader,
                    )
                )
            for n in range(2):
                status = ("sent", "answered", "solved")[(i + n) % 3]
                problems.append(
                    Problem(
                        campaign=campaign,
                        participation_id=pid,
                        group_id=gid,
                        description=f"问题{n}",
                        deadline=today + dt.timedelta(days=n * 5 - 3),
                        status=status,
                        answer="已答复" if status != "sent" else "",
                        sent_at=now,
                        answered_at=now if status != "sent" else None,
                        solved_at=now if status == "solved" else None,
                        created_by=leader,
                    )
                )
            for n in range(1, 4):
                deadline = today + dt.timedelta(days=n * 7 - 10)
                items.append(
                    Item(
                        campaign=campaign,
                        participation_id=pid,
                        number=n,
                        level="organisation",
                        problem=f"整改问题{n}",
                        rect_class="near_term",
                        measures="措施",
                        deadline=deadline,
                        original_deadline=deadline,
                    )
                )
        Visit.objects.bulk_create(visits, batch_size=5000)
        Problem.objects.bulk_create(problems, batch_size=5000)
        Item.objects.bulk_create(items, batch_size=5000)
    print(f"  用时 {time.perf_counter() - started:.1f} 秒", flush=True)
    return campaign.pk


def _compile(campaign_id: int) -> tuple[float, int, dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from dudao.campaigns.models import Campaign
    from dudao.supervision.weekly import compile_week

    campaign = Campaign.objects.get(pk=campaign_id)
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        outcome = compile_week(campaign, timezone.localdate())
        elapsed = time.perf_counter() - started
    return elapsed, len(ctx.captured_queries), outcome


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["city", "small"], default="city")
    parser.add_argument("--units-per-group", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--fresh", action="store_true", help="rebuild the bench database")
    args = parser.parse_args()
    vendor = setup_django("weekly_report", fresh=args.fresh)

    from django.contrib.auth import get_user_model
    from django.test import Client

    from dudao.supervision.models import WeeklyReport

    groups = 140 if args.scale == "city" else 10
    code = f"W{groups}x{args.units_per_group}"
    big = _build(groups, args.units_per_group, code=code, name=f"周报基准{groups}组")
    small = _build(2, args.units_per_group, code="WSMALL", name="周报基准小")
    WeeklyReport.objects.filter(campaign_id__in=[big, small]).delete()

    compile_s, queries, first = _compile(big)
    _t, again_queries, again = _compile(big)
    _ts, queries_small, _o = _compile(small)

    User = get_user_model()
    client = Client()
    client.force_login(User.objects.get(username=f"{code}-leader0"))
    times = []
    for i in range(args.repeat + 1):
        started = time.perf_counter()
        response = client.get("/supervision/todo/")
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        if i:
            times.append(elapsed)  # the first request warms caches
    todo_p95 = _p95(times)
    reports = WeeklyReport.objects.filter(campaign_id=big).count()
    table(
        [
            ("数据库", vendor),
            ("督导组 / 周报", f"{groups} / {reports}"),
            ("汇总一周（秒）", f"{compile_s:.2f}"),
            ("汇总查询数（全市 / 2 组）", f"{queries} / {queries_small}"),
            ("再次汇总新建", again["created"]),
            ("组长待办页 p95（毫秒）", f"{todo_p95:.0f}"),
            ("组长待办页中位数（毫秒）", f"{statistics.median(times):.0f}"),
        ],
        ("指标", "结果"),
    )
    emit(
        {
            "bench": "weekly_report",
            "vendor": vendor,
            "scale": args.scale,
            "groups": groups,
            "reports": reports,
            "compile_s": round(compile_s, 3),
            "queries_per_group": queries,
            "queries_per_group_small": queries_small,
            "compile_again_queries": again_queries,
            "compile_again_created": again["created"],
            "todo_p95_ms": round(todo_p95, 1),
            "todo_median_ms": round(statistics.median(times), 1),
            "machine": machine(),
        }
    )


if __name__ == "__main__":
    main()
