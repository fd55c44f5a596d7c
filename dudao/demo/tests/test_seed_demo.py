from __future__ import annotations

import io
import json
import random
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F

from dudao.campaigns.models import Participation, SupervisionGroup
from dudao.core.audit import verify_chain
from dudao.core.models import AuditEvent
from dudao.demo import activity
from dudao.demo import generator as demo
from dudao.orgs.access import scope_for
from dudao.orgs.models import Organisation, Person, RoleAssignment
from dudao.records.models import Attendance, StudySession
from dudao.reviews.models import Document
from dudao.surveys.models import SurveyRound, Tally
from dudao.testing import PASSWORD
from dudao.transitions.models import PhaseExtension, TransitionApplication

ACCOUNTS = {
    "admin",
    "clerk",
    "leader",
    "group_leader",
    "group_member",
    "inspector",
    "unit_head",
    "liaison",
    "secretary",
    "member",
}


def _snapshot() -> tuple:
    return (
        list(Organisation.objects.order_by("code").values_list("code", "name", "kind", "depth")),
        list(
            Person.objects.order_by("code").values_list(
                "code", "name", "gender", "category", "is_leadership", "branch__code"
            )
        ),
        list(
            Participation.objects.order_by("unit__code").values_list(
                "unit__code", "batch__number", "group__code", "current_phase", "phase_started_on"
            )
        ),
        list(
            RoleAssignment.objects.order_by("user__username", "role").values_list(
                "user__username", "role", "user__person__code"
            )
        ),
        # What the units did: records, documents, surveys and transitions, named by codes and
        # content, never by ids (one-time survey codes are deliberately not reproduced).
        list(
            StudySession.objects.order_by("participation__unit__code", "date", "kind").values_list(
                "participation__unit__code", "phase", "kind", "date", "hours", "topic"
            )
        ),
        Attendance.objects.count(),
        list(
            Document.objects.order_by("participation__unit__code", "kind", "author__code", "title")
            .annotate(n=Count("versions"), r=Count("rounds", distinct=True))
            .values_list("participation__unit__code", "kind", "author__code", "status", "n", "r")
        ),
        list(
            TransitionApplication.objects.order_by(
                "participation__unit__code", "from_phase", "attempt"
            ).values_list("participation__unit__code", "from_phase", "attempt", "status", "summary")
        ),
        list(
            SurveyRound.objects.order_by(
                "participation__unit__code", "instrument", "subject_person__code", "round_number"
            ).values_list(  # fmt: skip
                "participation__unit__code", "instrument", "round_number", "status"
            )
        ),
        sorted(
            Tally.objects.values_list(
                "round__participation__unit__code",
                "round__instrument",
                "round__subject_person__code",
                "question",
                "option",
                "count",
            )  # fmt: skip
        ),
        list(
            PhaseExtension.objects.order_by("participation__unit__code", "phase").values_list(
                "participation__unit__code", "phase", "days", "status"
            )
        ),
    )


@pytest.mark.django_db
def test_it_builds_the_promised_counts_and_one_account_per_role(client):
    accounts = demo.seed(scale_name="tiny", seed_value=7, out=io.StringIO())
    scale = demo.SCALES["tiny"]
    assert Organisation.objects.filter(kind="unit").count() == scale.units
    assert Person.objects.count() == scale.members
    assert Person.objects.filter(unit__isnull=True).count() == 0
    assert SupervisionGroup.objects.count() == scale.groups
    assert Participation.objects.count() == scale.units
    assert set(Participation.objects.values_list("batch__number", flat=True)) == {1, 2, 3}
    # Every group has a leader and two members with accounts.
    roles = Counter(
        RoleAssignment.objects.filter(group__isnull=False).values_list("group_id", "role")
    )
    for group in SupervisionGroup.objects.all():
        assert roles[(group.pk, "group_leader")] == 1 and roles[(group.pk, "group_member")] == 2
    assert set(accounts) == ACCOUNTS
    for username, _label, _where in accounts.values():
        assert client.login(username=username, password=PASSWORD), username
        assert client.get("/").status_code == 200
    expected_roles = {
        "clerk": "office",
        "leader": "leading_group",
        "group_leader": "group_leader",
        "group_member": "group_member",
        "inspector": "inspector",
        "unit_head": "unit_head",
        "liaison": "unit_liaison",
        "secretary": "branch_secretary",
    }
    for username, role in expected_roles.items():
        assert RoleAssignment.objects.filter(user__username=username, role=role).exists(), username
    User = get_user_model()
    assert User.objects.get(username="admin").is_superuser
    assert scope_for(User.objects.get(username="member")).roles == set()
    assert len(scope_for(User.objects.get(username="group_member")).groups) == 1
    # The unit head, liaison, secretary and member are people of a unit of the demo group.
    head = User.objects.get(username="unit_head")
    group = RoleAssignment.objects.get(user__username="group_leader").group
    for username in ("unit_head", "liaison", "secretary", "member"):
        assert User.objects.get(username=username).person.unit_id == head.person.unit_id
    assert Participation.objects.filter(group=group, unit_id=head.person.unit_id).exists()
    assert verify_chain()[1] is None
    event = AuditEvent.objects.get(action="demo.seed")
    assert event.data["seed"] == 7 and event.data["members"] == scale.members


@pytest.mark.django_db
def test_it_lets_nobody_in_the_demo_supervise_his_own_unit():
    demo.seed(scale_name="tiny", seed_value=7, out=io.StringIO())
    staff = RoleAssignment.objects.filter(group__isnull=False).select_related("user")
    assert staff.count() == 3 * demo.SCALES["tiny"].groups
    for ra in staff:
        own = Person.objects.filter(user=ra.user).values_list("unit_id", flat=True).get()
        assert not Participation.objects.filter(group=ra.group, unit_id=own).exists(), (
            ra.user.username
        )


@pytest.mark.django_db
def test_it_gives_a_small_city_the_shape_of_the_seeds():
    demo.seed(scale_name="small", seed_value=2005, out=io.StringIO())
    members = Person.objects.count()
    assert members == 4000 and Participation.objects.count() == 107
    assert SupervisionGroup.objects.count() == 23  # seed 002: 23 groups for 107 units
    shares = Counter(Person.objects.values_list("category", flat=True))
    assert 0.70 < shares["serving"] / members < 0.90
    assert 0.10 < shares["retired"] / members < 0.20
    assert 0.01 < shares["away"] / members < 0.05
    assert 0.005 < shares["laid_off"] / members < 0.04
    # Leadership teams of 5–9 in every unit large enough to have one.
    teams = Counter(Person.objects.filter(is_leadership=True).values_list("unit_id", flat=True))
    sizes = Counter(Person.objects.values_list("unit_id", flat=True))
    for unit_id, size in sizes.items():
        assert min(size, 5) <= teams[unit_id] <= 9
    # Every member sits in a branch of his own unit; every unit is in the campaign.
    assert not Person.objects.exclude(branch__unit_id=F("unit_id")).exists()
    names = list(Organisation.objects.filter(kind="unit").values_list("name", flat=True))
    assert len(set(names)) == len(names) and not any("（" in n for n in names)
    phases = set(Participation.objects.values_list("current_phase", flat=True))
    assert {"study", "analysis"} <= phases


def test_it_plans_a_city_of_ten_thousand_units_and_400000_members():
    """The plan alone (no database): counts, batches and readable, distinct names."""
    scale = demo.SCALES["city"]
    rnd = random.Random(2005)
    districts = [Organisation(name=n + "委") for n in demo.DISTRICTS[: scale.districts]]
    departments = [Organisation(name=n) for n in demo.DEPARTMENTS[: scale.departments]]
    plans = demo.plan_units(scale, rnd, demo.NameMaker(rnd), districts, departments)
    assert len(plans) == 10000 and sum(p.size for p in plans) == 400000
    assert min(p.size for p in plans) >= 3
    names = [p.name for p in plans]
    assert len(set(names)) == len(names)
    assert sum("（" in n for n in names) == 0
    batches = Counter(p.batch for p in plans)
    assert batches == {1: 2000, 2: 3500, 3: 4500}  # seed 001's three batches by unit type
    group = [p for p in plans if p.kind == "industrial_group"]
    assert [(p.name, p.size) for p in group] == [("市工业发展集团有限公司", 5047)]


@pytest.mark.django_db
def test_it_builds_seed_004s_industrial_group_with_208_grassroots_organisations(monkeypatch):
    scale = demo.Scale(
        districts=2,
        departments=4,
        units=12,
        members=5400,
        groups=4,
        inspection_groups=1,
        industrial_group=True,
    )
    monkeypatch.setitem(demo.SCALES, "with_group", scale)
    demo.seed(scale_name="with_group", seed_value=1, out=io.StringIO())
    group = Organisation.objects.get(name="市工业发展集团有限公司", kind="unit")
    grassroots = Organisation.objects.filter(
        unit=group, kind__in=["party_committee", "general_branch", "branch"]
    )
    assert grassroots.count() == 208
    assert Person.objects.filter(unit=group).count() == 5047
    assert Person.objects.count() == 5400


@pytest.mark.django_db(transaction=True)
def test_it_gives_the_same_city_for_the_same_seed_and_a_second_run_changes_nothing():
    out = io.StringIO()
    call_command("seed_demo", "--scale", "tiny", "--seed", "11", stdout=out)
    # Progress per chunk, then the accounts.
    assert "党员 360/360 (100%)" in out.getvalue() and "演示账号" in out.getvalue()
    first = _snapshot()
    events = AuditEvent.objects.count()
    out = io.StringIO()
    call_command("seed_demo", "--scale", "tiny", "--seed", "11", stdout=out)
    assert "演示数据已存在（规模 tiny，随机种子 11" in out.getvalue()
    assert "未作改动" in out.getvalue()
    for username in ACCOUNTS:
        assert username in out.getvalue()
    assert _snapshot() == first and AuditEvent.objects.count() == events
    call_command("seed_demo", "--scale", "tiny", "--seed", "11", "--reset", stdout=io.StringIO())
    assert _snapshot() == first
    assert AuditEvent.objects.filter(action="demo.seed").count() == 1
    call_command("seed_demo", "--scale", "tiny", "--seed", "12", "--reset", stdout=io.StringIO())
    assert _snapshot()[1] != first[1]


@pytest.mark.django_db
def test_it_leaves_no_half_demo_behind_when_seeding_fails(monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo, "record_event", fail)  # the very last write of a seed
    with pytest.raises(RuntimeError):
        demo.seed(scale_name="tiny", seed_value=7, out=io.StringIO())
    assert not demo.demo_exists()
    assert Organisation.objects.count() == 0 and Person.objects.count() == 0


@pytest.mark.django_db
def test_it_can_leave_out_the_units_records_for_benchmarks():
    demo.seed(scale_name="tiny", seed_value=7, out=io.StringIO(), with_records=False)
    assert Participation.objects.count() == demo.SCALES["tiny"].units
    assert not StudySession.objects.exists() and not TransitionApplication.objects.exists()
    # The unit dates are those of the full demo: each unit is inside its batch's window.
    for p in Participation.objects.select_related("batch"):
        assert p.batch.start_date <= p.phase_started_on
    assert verify_chain()[1] is None


def _indexes(models) -> dict[str, set[str]]:
    with connection.cursor() as cur:
        return {
            m._meta.db_table: {
                name
                for name, c in connection.introspection.get_constraints(
                    cur, m._meta.db_table
                ).items()
                if c["index"]
            }
            for m in models
        }


def _pragmas() -> dict:
    with connection.cursor() as cur:
        found = {}
        for name in ("synchronous", "cache_size", "temp_store", "journal_mode"):
            cur.execute(f"PRAGMA {name}")
            found[name] = cur.fetchone()[0]
        return found


@pytest.mark.django_db(transaction=True)
def test_it_builds_the_deferred_indexes_again_and_restores_the_connection(monkeypatch):
    """The seed drops the secondary indexes of the tables it loads (SQLite) and sets its own
    connection settings; after it both are as before, and a second seed's JSON line counts
    what was written."""
    models = activity.written_tables() + [AuditEvent, Person]
    before_indexes = _indexes(models)
    before = _pragmas() if connection.vendor == "sqlite" else {}
    during = {}
    original = activity.seed_activity

    def watching(**kwargs):
        if connection.vendor == "sqlite":
            during.update(_pragmas())
        return original(**kwargs)

    monkeypatch.setattr(activity, "seed_activity", watching)
    out = io.StringIO()
    call_command("seed_demo", "--scale", "tiny", "--seed", "7", stdout=out)
    assert _indexes(models) == before_indexes
    if connection.vendor == "sqlite":
        assert during["synchronous"] == 0 and during["cache_size"] == -1048576
        assert _pragmas() == before
        # The planner has statistics for every table the seed loaded: those of the records
        # (analysed by the activity) and those written before them (analysed at the end).
        with connection.cursor() as cur:
            cur.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
            analysed = {row[0] for row in cur.fetchall()}
        loaded = [*models, Organisation, Participation, SupervisionGroup, RoleAssignment]
        assert {m._meta.db_table for m in loaded if m.objects.exists()} - analysed == set()
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert figures["scale"] == "tiny" and figures["members"] == demo.SCALES["tiny"].members
    assert figures["units"] == demo.SCALES["tiny"].units
    assert figures["attendance_rows"] == Attendance.objects.count() > 0
    assert {"seconds", "load_avg"} <= set(figures)


@pytest.mark.django_db(transaction=True)
def test_a_dangling_reference_fails_the_seed_and_leaves_nothing(monkeypatch):
    """The seed looks no foreign key up row by row on SQLite: one check over the whole database
    before it commits stands in for them (PostgreSQL checks its deferred constraints then)."""
    seen = {}
    original = demo.record_event

    def dangling(**kwargs):
        original(**kwargs)
        if connection.vendor == "sqlite":
            with connection.cursor() as cur:
                cur.execute("PRAGMA foreign_keys")
                seen["foreign_keys"] = cur.fetchone()[0]
        first = Attendance.objects.order_by("pk").values_list("pk", flat=True)[0]
        with connection.cursor() as cur:
            cur.execute(
                f"UPDATE {Attendance._meta.db_table} SET person_id = %s WHERE id = %s",
                [999_999_999, first],
            )

    monkeypatch.setattr(demo, "record_event", dangling)  # the very last write of a seed
    with pytest.raises(Exception) as failed:
        demo.seed(scale_name="tiny", seed_value=7, out=io.StringIO())
    if connection.vendor == "sqlite":
        assert seen["foreign_keys"] == 0
        assert "records_attendance" in str(failed.value) and "orgs_person" in str(failed.value)
        with connection.cursor() as cur:
            cur.execute("PRAGMA foreign_keys")
            assert cur.fetchone()[0] == 1
    assert not demo.demo_exists()
    assert Organisation.objects.count() == 0 and not Attendance.objects.exists()
