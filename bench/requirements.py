"""The requirements engine at city scale: `python -m bench.requirements --scale city`.

Reuses (or generates) the city demo in the bench database, adds study-phase records for every
unit once (about ten sessions per unit with attendance for every member, a knowledge test with
results, study notes), then measures side by side in one run:

- ``all_units_s``: every requirement of every unit's current phase (target < 5 s);
- ``hours_rule_s``: the engine evaluating the study-hours rule alone, for every unit;
- ``sql_baseline_s``: one hand-written SQL aggregate computing the same rule (members below the
  hours, exemptions excluded), and ``ratio`` = hours_rule_s / sql_baseline_s (target ≤ 3);
- ``unit_report_ms``: one unit's requirement report page, as its supervision group sees it
  (target < 200).

Each timing is the median of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from decimal import Decimal

from bench.common import emit, machine, setup_django, table

SESSION_PLAN = [
    # (kind, hours, day offset, speaker role): 10 sessions, 45 hours for whoever attends all.
    ("concentrated", "6", 0, ""),
    ("concentrated", "6", 1, ""),
    ("concentrated", "6", 2, ""),
    ("central_group", "6", 5, ""),
    ("discussion", "4", 9, ""),
    ("discussion", "4", 16, ""),
    ("party_lecture", "3", 12, "unit_head"),
    ("video", "3", 19, ""),
    ("report_meeting", "3", 23, ""),
    ("exchange", "4", 26, ""),
]


def _median(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _ensure_records(campaign) -> None:
    """Study-phase records for every unit, generated once per bench database."""
    from django.db import connection, transaction

    from dudao.campaigns.models import Participation
    from dudao.orgs.models import Person
    from dudao.records.models import StudySession

    if StudySession.objects.filter(participation__campaign=campaign).exists():
        return
    print("生成学习动员阶段记录（每单位约 10 次学习、全员出勤登记、知识检测、心得）……", flush=True)
    started = time.perf_counter()
    rng = random.Random(2005)
    parts = list(
        Participation.objects.filter(campaign=campaign).values_list("pk", "unit_id").order_by("pk")
    )
    members: dict[int, list[int]] = {}
    for pk, unit_id in (
        Person.objects.filter(is_party_member=True)
        .order_by("unit_id", "pk")
        .values_list("pk", "unit_id")
        .iterator(chunk_size=20000)
    ):
        members.setdefault(unit_id, []).append(pk)
    start = campaign.start_date
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    q = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cur:
        session_sql = (
            f"INSERT INTO {q('records_studysession')} (participation_id, phase, version, "
            "created_at, updated_at, submit_token, kind, date, hours, topic, speaker, "
            "speaker_role, off_hours, note) VALUES (%s, 'study', 1, %s, %s, '', %s, %s, %s, %s, "
            "%s, %s, %s, '')"
        )
        rows = []
        for pk, _unit in parts:
            for kind, hours, offset, role in SESSION_PLAN:
                rows.append(
                    (
                        pk,
                        now,
                        now,
                        kind,
                        start + dt.timedelta(days=offset),
                        Decimal(hours),
                        f"{kind} 学习",
                        "单位负责人" if role else "",
                        role,
                        kind == "concentrated",
                    )
                )
        cur.executemany(session_sql, rows)
        sessions: dict[int, list[tuple[int, str, Decimal]]] = {}
        for sid, pid, kind, hours in StudySession.objects.filter(
            participation__campaign=campaign
        ).values_list("pk", "participation_id", "kind", "hours"):
            sessions.setdefault(pid, []).append((sid, kind, hours))
        print(f"  学习记录 {len(rows):,} 条", flush=True)
        att_sql = (
            f"INSERT INTO {q('records_attendance')} (session_id, person_id, participation_id, "
            "phase, kind, hours) VALUES (%s, %s, %s, 'study', %s, %s)"
        )
        batch, total = [], 0
        for pk, unit_id in parts:
            for person in members.get(unit_id, []):
                missing = rng.random() < 0.04  # about 4 % miss one session
                skip = rng.randrange(len(SESSION_PLAN)) if missing else -1
                for i, (sid, kind, hours) in enumerate(sessions.get(pk, [])):
                    if i != skip:
                        batch.append((sid, person, pk, kind, hours))
            if len(batch) > 200000:
                cur.executemany(att_sql, batch)
                total += len(batch)
                batch = []
                print(f"  出勤 {total:,} 人次", flush=True)
        cur.executemany(att_sql, batch)
        total += len(batch)
        print(f"  出勤 {total:,} 人次", flush=True)
        cur.executemany(
            f"INSERT INTO {q('records_knowledgetest')} (participation_id, phase, version, "
            "created_at, updated_at, submit_token, date, title, full_score, pass_score) "
            "VALUES (%s, 'study', 1, %s, %s, '', %s, '先进性知识测试', 100, 60)",
            [(pk, now, now, start + dt.timedelta(days=40)) for pk, _ in parts],
        )
        from dudao.records.models import KnowledgeTest

        tests = dict(
            KnowledgeTest.objects.filter(participation__campaign=campaign).values_list(
                "participation_id", "pk"
            )
        )
        result_rows = []
        for pk, unit_id in parts:
            for person in members.get(unit_id, []):
                if rng.random() < 0.985:
                    result_rows.append((tests[pk], person, Decimal(rng.randint(60, 100)), ""))
                else:
                    result_rows.append((tests[pk], person, None, "外出"))
        cur.executemany(
            f"INSERT INTO {q('records_testresult')} (test_id, person_id, score, absence_reason) "
            "VALUES (%s, %s, %s, %s)",
            result_rows,
        )
        print(f"  检测成绩 {len(result_rows):,} 条", flush=True)
    _ensure_notes(campaign, parts, members, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    print(f"记录已生成，用时 {time.perf_counter() - started:.1f} 秒。", flush=True)


def _ensure_notes(campaign, parts, members, rng) -> None:
    """One study note for about 96 % of members (the reviews app's Document rows)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from dudao.reviews.models import Document

    user = get_user_model().objects.order_by("pk").first()
    now = timezone.now()
    docs = []
    with transaction.atomic():
        for pk, unit_id in parts:
            for person in members.get(unit_id, []):
                if rng.random() < 0.96:
                    docs.append(
                        Document(
                            campaign=campaign,
                            participation_id=pk,
                            kind="study_note",
                            phase="study",
                            author_id=person,
                            title="学习心得",
                            status="submitted",
                            created_by=user,
                            created_at=now,
                        )
                    )
            if len(docs) >= 50000:
                Document.objects.bulk_create(docs, batch_size=5000)
                docs = []
        Document.objects.bulk_create(docs, batch_size=5000)
    print("  学习心得已生成", flush=True)


BASELINE_SQL = """
SELECT pa.id, SUM(CASE WHEN COALESCE(h.total, 0) < %s THEN 1 ELSE 0 END) AS short
FROM campaigns_participation pa
JOIN orgs_person pe ON pe.unit_id = pa.unit_id AND pe.is_party_member
LEFT JOIN (
    SELECT participation_id, person_id, SUM(hours) AS total
    FROM records_attendance WHERE phase = 'study'
    GROUP BY participation_id, person_id
) h ON h.participation_id = pa.id AND h.person_id = pe.id
WHERE pa.campaign_id = %s
  AND NOT EXISTS (
    SELECT 1 FROM records_exemption e
    WHERE e.participation_id = pa.id AND e.person_id = pe.id AND e.phase = 'study'
      AND e.requirement = 'study_hours' AND e.withdrawn_at IS NULL)
GROUP BY pa.id
"""


def measure(repeat: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from dudao.campaigns.requirements import evaluate_campaign
    from dudao.demo import generator as demo

    campaign = demo.demo_campaign()
    _ensure_records(campaign)
    units = campaign.participations.count()

    all_s, reports = _median(lambda: evaluate_campaign(campaign), repeat)
    hours_s, hours = _median(
        lambda: evaluate_campaign(campaign, phase="study", only=["study_hours"]), repeat
    )

    def baseline():
        with connection.cursor() as cur:
            cur.execute(BASELINE_SQL, [45.0, campaign.pk])
            return dict(cur.fetchall())

    sql_s, sql_rows = _median(baseline, repeat)
    # Same answer both ways: the number of members short of 45 hours per unit.
    engine_short = {pid: len(r.results[0].shortfalls) for pid, r in hours.items()}
    mismatches = sum(1 for pid, n in sql_rows.items() if engine_short.get(pid, 0) != n)

    participation = campaign.participations.filter(current_phase="study").order_by("pk").first()
    client = Client()
    client.force_login(get_user_model().objects.get(username="clerk"))
    url = f"/transitions/report/{participation.pk}/"
    response = client.get(url)
    page_ok = response.status_code == 200
    page_ms = []
    for _ in range(max(repeat * 4, 10)):
        started = time.perf_counter()
        client.get(url)
        page_ms.append((time.perf_counter() - started) * 1000)
    phases: dict[str, int] = {}
    ready = 0
    for report in reports.values():
        phases[report.phase] = phases.get(report.phase, 0) + 1
        ready += report.ready
    return {
        "units": units,
        "database": connection.vendor,
        "all_units_s": round(all_s, 2),
        "hours_rule_s": round(hours_s, 2),
        "sql_baseline_s": round(sql_s, 2),
        "ratio": round(hours_s / sql_s, 2) if sql_s else None,
        "unit_report_ms": round(statistics.median(page_ms), 1) if page_ok else None,
        "unit_report_status": response.status_code,
        "units_ready": ready,
        "units_per_phase": phases,
        "mismatches": mismatches,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["city", "small"], default="city")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_django(args.scale)
    from dudao.demo import generator as demo

    if not demo.demo_exists():
        print(f"生成 {args.scale} 规模演示数据……", flush=True)
        demo.seed(scale_name=args.scale, seed_value=2005, out=sys.stdout, with_records=False)
    result = measure(args.repeat)
    table(
        [(k, v) for k, v in result.items() if k != "units_per_phase"],
        ("figure", "value"),
    )
    print("machine:", machine())
    emit(result)


if __name__ == "__main__":
    main()
