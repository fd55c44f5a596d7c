"""Rectification at city scale: `python -m bench.rectification --items 1000000`.

Builds (once per bench database, var/bench_rectification.sqlite3 or <db>_bench_rectification
on PostgreSQL) a campaign of ``--units`` units (default 10,000) in 100 supervision groups, one
unit head with a mail address per unit, and ``--items`` rectification items spread evenly over
the units: a third of each class, deadlines from 60 days ago to 120 days ahead, a third closed,
a few explained. A small campaign (10 units × 5 items) sits beside it. Then measures:

- ``overview_p95_ms``: the office's overview page (counts by light and class, per group, the
  oldest overdue, items without owner), 95th percentile of ``--repeat`` requests (target < 300);
- ``queries`` / ``queries_small``: that page's queries on the city and on the small campaign
  (must be equal: set-based reads);
- ``reminders_s``: one run of the 催办 job over all items, reminders written and mailed
  (locmem mail backend) (target < 60);
- ``reminders_repeat_sent``: a second run at once (must be 0).

Reminders from an earlier bench run are deleted first, so every run measures the first run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time

from bench.common import emit, machine, setup_django, table

GROUPS = 100


def _build(units: int, items: int, *, code: str, name: str) -> int:
    """A campaign with ``units`` units and ``items`` items in all; returns the campaign id."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from dudao.campaigns.models import Batch, Campaign, Participation, SupervisionGroup
    from dudao.campaigns.template_loader import load_builtin_template
    from dudao.orgs.models import Organisation, OrgKind, Role, RoleAssignment
    from dudao.rectification.models import Item

    existing = Campaign.objects.filter(name=name).first()
    if existing is not None:
        return existing.pk
    print(f"生成{name}：{units} 个单位、{items} 项整改事项……", flush=True)
    started = time.perf_counter()
    template = load_builtin_template("xianjinxing-2005")
    User = get_user_model()
    today = timezone.localdate()
    rng = random.Random(11)
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
        orgs = [root]
        for n in range(units):
            oid = next_id + 1 + n
            orgs.append(
                Organisation(
                    id=oid,
                    code=f"{code}-U{n}",
                    name=f"{name}单位{n}",
                    kind=OrgKind.UNIT,
                    parent_id=root.pk,
                    path=f"{root.path}{oid:010d}/",
                    depth=1,
                    unit_id=oid,
                )
            )
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
                    current_phase="rectify",
                )
                for i, o in enumerate(orgs[1:])
            ],
            batch_size=5000,
        )
        office = User.objects.create_user(f"{code}-office", email=f"{code}-office@example.cn")
        heads = User.objects.bulk_create(
            [
                User(username=f"{code}-head{n}", email=f"{code}-head{n}@example.cn")
                for n in range(units)
            ],
            batch_size=5000,
        )
        if heads[0].pk is None:
            heads = list(User.objects.filter(username__startswith=f"{code}-head").order_by("pk"))
        assignments = [RoleAssignment(user=office, role=Role.OFFICE, campaign=campaign)]
        assignments += [
            RoleAssignment(user=h, role=Role.UNIT_HEAD, organisation_id=o.pk)
            for h, o in zip(heads, orgs[1:])
        ]
        RoleAssignment.objects.bulk_create(assignments, batch_size=5000)
        pids = list(
            Participation.objects.filter(campaign=campaign)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        per_unit = max(1, items // units)
        table_name = Item._meta.db_table
        cols = (
            "campaign_id, participation_id, number, level, problem, source_kind, rect_class, "
            "measures, target, expected_effect, lead_name, lead_post, co_owners, deadline, "
            "original_deadline, status, closed_on, explanation, carried_over, created_at, "
            "updated_at, version"
        )
        sql = f"INSERT INTO {table_name} ({cols}) VALUES ({', '.join(['%s'] * 22)})"
        now = timezone.now()
        classes = ("immediate", "near_term", "gradual")
        rows = []
        with connection.cursor() as cursor:
            for pid in pids:
                for n in range(1, per_unit + 1):
                    deadline = today + dt.timedelta(days=rng.randint(-60, 120))
                    roll = rng.random()
                    status, closed, explanation = "open", None, ""
                    if roll < 0.33:
                        status, closed = "closed", deadline - dt.timedelta(days=1)
                    elif roll < 0.36:
                        status, explanation = "explained", "政策有明确规定，已向群众说明"
                    rows.append(
                        (
                            campaign.pk,
                            pid,
                            n,
                            "organisation",
                            f"问题{n}",
                            "self_found",
                            classes[n % 3],
                            "措施",
                            "",
                            "",
                            "",
                            "科长",
                            "",
                            deadline,
                            deadline,
                            status,
                            closed,
                            explanation,
                            False,
                            now,
                            now,
                            1,
                        )
                    )
                if len(rows) >= 20000:
                    cursor.executemany(sql, rows)
                    rows = []
            if rows:
                cursor.executemany(sql, rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table_name}")
    # The rows went in by raw SQL, past the counters' signals: rebuild them as an office would
    # after a bulk load (manage.py recount_rectification).
    from dudao.rectification.counters import recount

    recount(campaign.pk)
    print(f"  用时 {time.perf_counter() - started:.1f} 秒", flush=True)
    return campaign.pk


def _overview(client, campaign_id: int, repeat: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/rectification/campaigns/{campaign_id}/"
    times = []
    queries = 0
    for i in range(repeat + 1):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
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
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--fresh", action="store_true", help="rebuild the bench database")
    args = parser.parse_args()
    vendor = setup_django("rectification", fresh=args.fresh)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core import mail
    from django.test import Client

    from dudao.rectification.models import Item, Reminder, ReminderRun
    from dudao.rectification.reminders import send_reminders

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    big = _build(
        args.units, args.items, code=f"R{args.units}x{args.items}", name=f"整改基准{args.items}"
    )
    small = _build(10, 50, code="RSMALL", name="整改基准小")
    items = Item.objects.filter(campaign_id=big).count()
    User = get_user_model()
    client = Client()

    client.force_login(User.objects.get(username=f"R{args.units}x{args.items}-office"))
    times, queries = _overview(client, big, args.repeat)
    client.force_login(User.objects.get(username="RSMALL-office"))
    _small_times, queries_small = _overview(client, small, 2)

    Reminder.objects.all().delete()
    ReminderRun.objects.all().delete()
    mail.outbox = []
    started = time.perf_counter()
    first = send_reminders()
    reminders_s = time.perf_counter() - started
    repeat = send_reminders()

    overview_p95 = _p95(times)
    table(
        [
            ("数据库", vendor),
            ("整改事项", items),
            ("总览页 p95（毫秒）", f"{overview_p95:.0f}"),
            ("总览页中位数（毫秒）", f"{statistics.median(times):.0f}"),
            ("总览页查询数（全市 / 小活动）", f"{queries} / {queries_small}"),
            ("催办一次（秒）", f"{reminders_s:.1f}"),
            ("催办条数 / 邮件数", f"{first.created} / {first.mails}"),
            ("立即再运行发出", repeat.created),
        ],
        ("指标", "结果"),
    )
    emit(
        {
            "bench": "rectification",
            "vendor": vendor,
            "items": items,
            "overview_p95_ms": round(overview_p95, 1),
            "overview_median_ms": round(statistics.median(times), 1),
            "queries": queries,
            "queries_small": queries_small,
            "reminders_s": round(reminders_s, 2),
            "reminders_created": first.created,
            "reminder_mails": first.mails,
            "reminders_repeat_sent": repeat.created,
            "machine": machine(),
        }
    )


if __name__ == "__main__":
    main()
