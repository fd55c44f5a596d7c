"""Reproducible demo data: a city with its organisations, members, one campaign and its groups.

The same seed gives the same names, codes and structure (one random.Random drives everything;
nothing depends on set or dict iteration order or on ids). The bulk is written with bulk_create
(ids allocated here, so paths are known before insert) and recorded as ONE audit event; the
demo accounts printed for each role are made through the ordinary actions.

Shape (DOMAIN.md §2, seeds 001/002/004): 市委 → 区县 and 市直部门 → units → 党委/党总支 →
党支部 → members. Units come in the three batches of seed 001: city and county organs plus some
enterprises and institutions; urban grassroots and township organs; rural villages.
"""

from __future__ import annotations

import datetime as dt
import random
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from dudao.campaigns import actions as campaign_actions
from dudao.campaigns.models import (
    Campaign,
    CampaignStatus,
    InspectionGroup,
    Participation,
    SupervisionGroup,
)
from dudao.core.audit import record_event
from dudao.core.models import AuditEvent
from dudao.orgs import actions as org_actions
from dudao.orgs.models import Organisation, Person, Role, RoleAssignment
from dudao.records.models import Attendance
from dudao.testing import PASSWORD

from . import activity, bulk
from .accounts import ADMIN_SCOPE, ROLE_LABELS, demo_campaign

# The seed command prints the accounts through this module.
from .accounts import demo_accounts as demo_accounts
from .accounts import print_accounts as print_accounts
from .city import (
    DEMO_ROOT_CODE,
    SCALES,
    NameMaker,
    _apportion,
)

# The city's shape, read from here by the tests and the benchmarks.
from .city import DEPARTMENTS as DEPARTMENTS
from .city import DISTRICTS as DISTRICTS
from .city import Scale as Scale
from .city import plan_units as plan_units
from .evaluation import seed_evaluation
from .people import _progress, write_members, write_organisations

# The demo campaign is under way today (the 2005 rules run again): it started with its first
# batch some four months ago, so that phase dates, overdue flags and waiting times on the pages
# look like a live campaign (activity.BATCH_START_DAYS_AGO dates the batches).
CAMPAIGN_AGE_DAYS = activity.BATCH_START_DAYS_AGO[1]


def campaign_start() -> dt.date:
    return dt.date.today() - dt.timedelta(days=CAMPAIGN_AGE_DAYS)


def demo_exists() -> bool:
    return Organisation.objects.filter(code=DEMO_ROOT_CODE).exists()


def demo_description() -> str:
    """What the existing demo was generated with, from its `demo.seed` audit event."""
    from dudao.core.models import AuditEvent

    data = (
        AuditEvent.objects.filter(action="demo.seed")
        .order_by("-seq")
        .values_list("data", flat=True)
    ).first()
    if not data:
        return ""
    return (
        f"规模 {data.get('scale')}，随机种子 {data.get('seed')}："
        f"{data.get('units')} 个单位、{data.get('members')} 名党员、{data.get('groups')} 个督导组"
    )


def seed_figures() -> dict:
    """What a seed wrote, for the command's last line: units, members, attendance rows, audit
    events."""
    campaign = demo_campaign()
    return {
        "units": Participation.objects.filter(campaign=campaign).count() if campaign else 0,
        "members": Person.objects.filter(code__startswith="DEMO-M").count(),
        "attendance_rows": Attendance.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


def _phase_plan(template_data: dict) -> list[tuple[str, int]]:
    """The template's phases in order, each with its planned days."""
    phases = sorted(template_data["phases"], key=lambda p: p.get("order", 0))
    return [(p["code"], int(p.get("duration_days", 30))) for p in phases]


def seed(
    *,
    scale_name: str,
    seed_value: int = 2005,
    out=sys.stdout,
    with_records: bool = True,
    parts: int | None = None,
    parallel: bool | None = None,
) -> dict:
    """Generate the demo. Returns the demo accounts {key: (username, role label, where)}.

    All or nothing: one outer transaction (the chunks inside are savepoints), so an interrupted
    run leaves no half demo behind that a second run would take for a finished one.
    ``parts`` and ``parallel``: how the units' records are written (``activity.parts``); the
    demo is the same either way."""
    bulk.clock.start()
    with bulk.seed_connection():
        with transaction.atomic():
            accounts = _seed(
                scale_name=scale_name,
                seed_value=seed_value,
                out=out,
                with_records=with_records,
                how={"parts": parts, "parallel": parallel},
            )
            bulk.check_foreign_keys()
        out.write(f"  已写入{bulk.clock.lap()}\n")
    _update_statistics(with_records)
    out.write(f"  统计信息已更新（ANALYZE）{bulk.clock.lap()}\n")
    return accounts


def _update_statistics(with_records: bool) -> None:
    """Give the query planner statistics for the freshly loaded tables.

    After a bulk load PostgreSQL has none until autovacuum comes round minutes later, and guesses
    a handful of rows where a campaign has 10,000 participations: measured at city scale, the
    bare overview query's p95 went from 22 ms to 3 ms after ANALYZE. SQLite likewise plans
    better with sqlite_stat1. It takes about a second at city scale. With the records, the
    seed's activity has already analysed its tables and the people (``seed_activity``, before
    the stages that read them), and only the tables written before it are left."""
    if with_records:
        bulk.analyze([Organisation, SupervisionGroup])
        return
    models = [Organisation, Person, Participation, SupervisionGroup, RoleAssignment]
    bulk.analyze(models + activity.written_tables())


def _seed(
    *, scale_name: str, seed_value: int, out, with_records: bool = True, how: dict | None = None
) -> dict:
    from dudao.campaigns.template_loader import load_builtin_template

    scale = SCALES[scale_name]
    rnd = random.Random(seed_value)
    names = NameMaker(rnd)
    User = get_user_model()
    template = load_builtin_template("xianjinxing-2005")
    phases = _phase_plan(template.data)
    today = dt.date.today()
    # A Random of its own for the unit timelines and their records, so that the city's shape
    # drawn above stays what it was for a seed.
    timeline_rnd = random.Random(f"{seed_value}:timeline")
    out.write(f"生成演示数据：规模 {scale_name}，随机种子 {seed_value}\n")

    built = write_organisations(scale, rnd, names, out)
    city, departments, units, orgs = built.city, built.departments, built.units, built.orgs
    total = write_members(built, rnd, names, out)

    # --- campaign, groups, enrolment -----------------------------------------------------------
    with transaction.atomic():
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            admin = User.objects.create_superuser(
                "admin", password=PASSWORD, first_name="系统管理员"
            )
        batch_days = {
            b["number"]: int(b.get("duration_days", 180)) for b in template.data["batches"]
        }
        batch_start = {
            n: today - dt.timedelta(days=activity.BATCH_START_DAYS_AGO[n]) for n in batch_days
        }
        campaign = campaign_actions.create_campaign(
            actor=admin,
            template=template,
            root=city,
            start_date=campaign_start(),
            end_date=max(batch_start[n] + dt.timedelta(days=d) for n, d in batch_days.items()),
        )
        # Seed 001: each batch about six months; the campaign runs from the first batch's start
        # to the last one's end. No action starts a campaign yet: the demo's is under way.
        Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.RUNNING)
        batches = {}
        for b in campaign.batches.all():
            batches[b.number] = campaign_actions.update_batch(
                actor=admin,
                batch=b,
                name=b.name,
                scope=b.scope,
                start_date=batch_start[b.number],
                end_date=batch_start[b.number] + dt.timedelta(days=batch_days[b.number]),
            )
        timelines: dict[int, activity.Timeline] = {}
        by_batch_units = {n: [u for u, p in units if p.batch == n] for n in (1, 2, 3)}
        # Groups in proportion to each batch's units; every group covers a run of neighbouring
        # units (one district or department mostly), as a real group covers an area.
        per_batch = _apportion(scale.groups, [len(by_batch_units[n]) for n in (1, 2, 3)])
        group_batch = [n for n, c in zip((1, 2, 3), per_batch) for _ in range(c)]
        groups = SupervisionGroup.objects.bulk_create(
            [
                SupervisionGroup(
                    campaign=campaign,
                    batch=batches[group_batch[g]],
                    code=f"G{g + 1:03d}",
                    name=f"第{g + 1}督导组",
                )
                for g in range(scale.groups)
            ]
        )
        parts = []
        for n in (1, 2, 3):
            pool = [grp for grp, b in zip(groups, group_batch) if b == n] or groups
            batch_units = by_batch_units[n]
            for i, unit in enumerate(batch_units):
                group = pool[i * len(pool) // len(batch_units)]
                # Units move at their own pace from their batch's start: the phase that holds
                # today is the current one (some are past its due date, a few have finished).
                tl = activity.plan_timeline(timeline_rnd, batches[n].start_date, phases, today)
                timelines[unit.id] = tl
                code, starts = tl.current.code, tl.current.start
                parts.append(
                    Participation(
                        campaign=campaign,
                        batch=batches[n],
                        unit=unit,
                        group=group,
                        unit_name=unit.name,
                        current_phase=code,
                        phase_started_on=starts,
                        reports_directly=False,
                    )
                )
        Participation.objects.bulk_create(parts, batch_size=1000)
        _progress(out, "参加单位", len(parts), len(parts))
        group_of_unit = {p.unit_id: p.group_id for p in parts}

        # Group staff: three cadres from organs that their group does not supervise (nobody
        # supervises his own unit). One password hash for all of them: hashing hundreds of
        # times would take minutes with the production hasher.
        password_hash = make_password(PASSWORD)
        organs = [u.id for u, p in units if p.kind in ("city_organ", "local_organ")]
        serving = Person.objects.filter(category="serving", is_leadership=False, user__isnull=True)
        candidates = list(serving.filter(unit_id__in=organs).values_list("id", "unit_id", "name"))
        candidates.sort()
        rnd.shuffle(candidates)
        candidates = candidates[: scale.groups * 6]
        new_users, staff, taken = [], [], set()
        for grp in groups:
            picked = []
            for cand in list(candidates):
                if group_of_unit.get(cand[1]) != grp.id:
                    picked.append(cand)
                    candidates.remove(cand)
                if len(picked) == 3:
                    break
            if len(picked) < 3:
                # Where organs are few (small test scales), anyone from a unit the group does
                # not supervise makes up the numbers.
                own = [u for u, g in group_of_unit.items() if g == grp.id]
                picked += list(
                    serving.exclude(unit_id__in=own)
                    .exclude(pk__in=taken | {c[0] for c in candidates})
                    .order_by("code")
                    .values_list("id", "unit_id", "name")[: 3 - len(picked)]
                )
            taken.update(c[0] for c in picked)
            for n, (pid, _unit_id, pname) in enumerate(picked):
                username = f"{grp.code.lower()}-{n + 1}"
                new_users.append(User(username=username, first_name=pname, password=password_hash))
                staff.append(
                    (username, pid, grp, Role.GROUP_LEADER if n == 0 else Role.GROUP_MEMBER)
                )
        User.objects.bulk_create(new_users)
        out.write(
            f"  督导组 {len(groups)} 个，组长和组员账号 {len(new_users)} 个{bulk.clock.lap()}\n"
        )
        user_ids = dict(
            User.objects.filter(username__in=[s[0] for s in staff]).values_list("username", "id")
        )
        Person.objects.bulk_update(
            [Person(pk=pid, user_id=user_ids[username]) for username, pid, _g, _r in staff],
            ["user"],
            batch_size=500,
        )
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user_id=user_ids[username], role=role, group=grp)
                for username, _pid, grp, role in staff
            ]
        )
        # Inspection groups visit city departments (seed 000), a share each.
        inspections = []
        for i in range(scale.inspection_groups):
            ig = InspectionGroup.objects.create(
                campaign=campaign, code=f"I{i + 1:02d}", name=f"第{i + 1}巡回检查组"
            )
            ig.departments.add(*departments[i :: scale.inspection_groups])
            inspections.append(ig)
        bulk.reset_sequences([SupervisionGroup, Participation, get_user_model(), RoleAssignment])

        # --- one demo account per role, through the ordinary actions ---------------------------
        group = groups[0]
        size_of = {u.id: p.size for u, p in units}
        unit_id = next(
            p.unit_id for p in parts if p.group_id == group.id and size_of[p.unit_id] >= 12
        )
        unit = Organisation.objects.get(pk=unit_id)
        grant = org_actions.grant_role
        accounts: dict = {"admin": ("admin", ROLE_LABELS["admin"], ADMIN_SCOPE)}

        def account(username, full_name, person=None):
            return org_actions.create_account(
                actor=admin,
                username=username,
                full_name=full_name,
                password=PASSWORD,
                person=person,
            )

        grant(
            actor=admin,
            user=account("clerk", "活动办公室文员"),
            role=Role.OFFICE,
            campaign=campaign,
        )
        accounts["clerk"] = ("clerk", ROLE_LABELS["clerk"], campaign.short_name)
        grant(
            actor=admin,
            user=account("leader", "领导小组成员"),
            role=Role.LEADING_GROUP,
            campaign=campaign,
        )
        accounts["leader"] = ("leader", ROLE_LABELS["leader"], campaign.short_name)
        # The group's own generated leader and first member get readable usernames.
        for key, role in (("group_leader", Role.GROUP_LEADER), ("group_member", Role.GROUP_MEMBER)):
            ra = (
                RoleAssignment.objects.filter(group=group, role=role)
                .select_related("user")
                .order_by("user__username")
                .first()
            )
            ra.user.username = key
            ra.user.save(update_fields=["username"])
            accounts[key] = (key, ROLE_LABELS[key], group.name)
        insp = account("inspector", "巡回检查组成员")
        grant(actor=admin, user=insp, role=Role.INSPECTOR, inspection_group=inspections[0])
        accounts["inspector"] = ("inspector", ROLE_LABELS["inspector"], inspections[0].name)
        unit_people = list(
            Person.objects.filter(unit_id=unit_id, user__isnull=True).order_by("code")
        )
        head = unit_people[0]  # the unit's first member is its party secretary
        grant(
            actor=admin,
            user=account("unit_head", head.name, head),
            role=Role.UNIT_HEAD,
            organisation=unit,
        )
        accounts["unit_head"] = ("unit_head", ROLE_LABELS["unit_head"], unit.name)
        rest = [p for p in unit_people if p.pk != head.pk]
        liaison = rest[0]
        grant(
            actor=admin,
            user=account("liaison", liaison.name, liaison),
            role=Role.UNIT_LIAISON,
            organisation=unit,
        )
        accounts["liaison"] = ("liaison", ROLE_LABELS["liaison"], unit.name)
        secretary = next(p for p in rest[1:] if p.is_leadership)
        branch = Organisation.objects.get(pk=secretary.branch_id)
        grant(
            actor=admin,
            user=account("secretary", secretary.name, secretary),
            role=Role.BRANCH_SECRETARY,
            organisation=branch,
        )
        accounts["secretary"] = ("secretary", ROLE_LABELS["secretary"], branch.name)
        member = next(
            p
            for p in rest[1:]
            if p.pk != secretary.pk and not p.is_leadership and p.category == "serving"
        )
        account("member", member.name, member)
        accounts["member"] = ("member", ROLE_LABELS["member"], unit.name)

        # ``with_records=False``: the city, its people and groups only (benchmarks that add their
        # own records); unit dates are the same either way.
        out.write("  各单位的学习、会议、文书、测评和转段记录……\n" if with_records else "")
        stats = (
            {}
            if not with_records
            else activity.seed_activity(
                campaign=campaign,
                timelines=timelines,
                seed_value=seed_value,
                password_hash=password_hash,
                today=today,
                out=out,
                **(how or {}),
            )
        )
        if with_records:
            stats.update(
                seed_evaluation(campaign=campaign, seed_value=seed_value, today=today, out=out)
            )
            out.write(f"  民主评议党员已生成{bulk.clock.lap()}\n")
        record_event(
            actor=admin,
            action="demo.seed",
            target=campaign,
            campaign_id=campaign.pk,
            data={
                "scale": scale_name,
                "seed": seed_value,
                "units": len(units),
                "members": total,
                "groups": len(groups),
                "inspection_groups": len(inspections),
                "organisations": len(orgs),
                "group_accounts": len(new_users),
                "activity": stats,
            },
        )
    return accounts
