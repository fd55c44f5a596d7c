"""Reproducible demo data: a city with its organisations, members, one campaign and its groups.

The same seed gives the same names, codes and structure. The bulk is written with bulk_create
(ids allocated here, so paths are known before insert) and recorded as ONE audit event; the
demo accounts printed for each role are made through the ordinary actions.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from dataclasses import dataclass
from itertools import accumulate

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Max

from dudao.campaigns import actions as campaign_actions
from dudao.campaigns.models import Campaign, InspectionGroup, Participation, SupervisionGroup
from dudao.core.audit import record_event
from dudao.core.testing import PASSWORD
from dudao.orgs import actions as org_actions
from dudao.orgs.models import PATH_WIDTH, Organisation, Person, Role, RoleAssignment

DEMO_ROOT_CODE = "DEMO-C000"


@dataclass(frozen=True)
class Scale:
    districts: int
    departments: int
    units: int
    members: int
    groups: int
    inspection_groups: int


SCALES = {
    "tiny": Scale(districts=2, departments=2, units=12, members=360, groups=4, inspection_groups=1),
    # seed 002: 23 groups of 3 people for 107 units
    "small": Scale(
        districts=4, departments=6, units=107, members=4000, groups=23, inspection_groups=1
    ),
    "city": Scale(
        districts=12, departments=60, units=10000, members=400000, groups=140, inspection_groups=6
    ),
}

DISTRICT_NAMES = [
    "东城区",
    "西城区",
    "南湖区",
    "北山区",
    "高新区",
    "经开区",
    "临江县",
    "青山县",
    "白水县",
    "石桥县",
    "河口县",
    "云岭县",
    "柳溪县",
    "平原县",
    "新港区",
    "龙泉区",
]
DEPARTMENTS = [
    "市委组织部",
    "市委宣传部",
    "市委政法委",
    "市发展改革委",
    "市教育局",
    "市科技局",
    "市公安局",
    "市民政局",
    "市财政局",
    "市人力资源社会保障局",
    "市自然资源局",
    "市生态环境局",
    "市住房城乡建设局",
    "市交通运输局",
    "市水务局",
    "市农业农村局",
    "市商务局",
    "市文化广电旅游局",
    "市卫生健康委",
    "市审计局",
    "市市场监管局",
    "市统计局",
    "市医保局",
    "市国资委",
    "市信访局",
    "市档案馆",
]
BATCH1_SUFFIX = [
    "财政局",
    "教育局",
    "民政局",
    "司法局",
    "审计局",
    "统计局",
    "卫健局",
    "农业农村局",
    "交通局",
    "住建局",
    "人社局",
    "商务局",
    "文旅局",
    "市场监管局",
    "信访局",
    "档案馆",
    "党校",
    "机关事务局",
]
BATCH2_SUFFIX = [
    "街道",
    "社区",
    "镇",
    "第一中学",
    "实验小学",
    "人民医院",
    "中医院",
    "供电公司",
    "自来水公司",
    "公交公司",
]
BATCH3_SUFFIX = ["村", "村", "村", "居委会", "农场"]
ROLE_LABELS = {
    "admin": "系统管理员（/admin/ 数据维护）",
    "clerk": Role.OFFICE.label,
    "leader": Role.LEADING_GROUP.label,
    "group_leader": Role.GROUP_LEADER.label,
    "group_member": Role.GROUP_MEMBER.label,
    "inspector": Role.INSPECTOR.label,
    "unit_head": Role.UNIT_HEAD.label,
    "liaison": Role.UNIT_LIAISON.label,
    "secretary": Role.BRANCH_SECRETARY.label,
    "member": "党员",
}


def _progress(out, label: str, done: int, total: int) -> None:
    pct = int(done * 100 / total) if total else 100
    out.write(f"\r  {label} {done}/{total} ({pct}%)")
    if done >= total:
        out.write("\n")
    out.flush()


class NameMaker:
    def __init__(self, rnd: random.Random) -> None:
        from faker.providers.address.zh_CN import Provider as Address
        from faker.providers.person.zh_CN import Provider as Person_

        self.rnd = rnd
        self.surnames = list(Person_.last_names.keys())
        self.weights = list(accumulate(Person_.last_names.values()))
        self.given = list(Person_.first_names)
        self.places = sorted(set(Address.districts))

    def person(self) -> str:
        surname = self.rnd.choices(self.surnames, cum_weights=self.weights)[0]
        given = self.rnd.choice(self.given)
        if self.rnd.random() < 0.6:
            given += self.rnd.choice(self.given)
        return surname + given

    def place(self) -> str:
        return self.rnd.choice(self.places)


def demo_exists() -> bool:
    return Organisation.objects.filter(code=DEMO_ROOT_CODE).exists()


def demo_campaign() -> Campaign | None:
    return Campaign.objects.filter(root__code=DEMO_ROOT_CODE).order_by("pk").first()


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _reset_sequences(models) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for model in models:
            table = model._meta.db_table
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )


def seed(*, scale_name: str, seed_value: int = 2005, out=sys.stdout) -> dict:
    """Generate the demo. Returns the demo accounts {key: (username, role label, where)}."""
    from dudao.campaigns.template_loader import load_builtin_template

    scale = SCALES[scale_name]
    rnd = random.Random(seed_value)
    names = NameMaker(rnd)
    User = get_user_model()
    template = load_builtin_template("xianjinxing-2005")
    phase_codes = [p["code"] for p in template.data["phases"]]
    out.write(f"生成演示数据：规模 {scale_name}，随机种子 {seed_value}\n")

    # --- organisations (ids allocated here so paths are known before insert) ---------------
    org_id = _next_id(Organisation)
    orgs: list[Organisation] = []

    def add_org(code, name, kind, parent):
        nonlocal org_id
        o = Organisation(
            id=org_id, code=code, name=name, kind=kind, parent_id=parent.id if parent else None
        )
        o.path = (parent.path if parent else "") + f"{org_id:0{PATH_WIDTH}d}/"
        o.depth = parent.depth + 1 if parent else 0
        o.unit_id = org_id if kind == "unit" else (parent.unit_id if parent else None)
        org_id += 1
        orgs.append(o)
        return o

    city = add_org(DEMO_ROOT_CODE, "示范市委", "city_committee", None)
    districts = [
        add_org(
            f"DEMO-D{i + 1:02d}",
            DISTRICT_NAMES[i % len(DISTRICT_NAMES)]
            + ("委" if i < len(DISTRICT_NAMES) else f"{i}委"),
            "district",
            city,
        )
        for i in range(scale.districts)
    ]
    departments = [
        add_org(
            f"DEMO-P{i + 1:02d}",
            DEPARTMENTS[i % len(DEPARTMENTS)]
            + ("" if i < len(DEPARTMENTS) else f"（{i // len(DEPARTMENTS) + 1}）"),
            "department",
            city,
        )
        for i in range(scale.departments)
    ]

    # Units: batch 1 organs (~20%), batch 2 urban grassroots and township organs (~35%), batch 3 rural.
    units: list[tuple[Organisation, int]] = []
    sizes: list[int] = []
    mean = scale.members / scale.units
    used_names: set[str] = set()
    for i in range(scale.units):
        r = rnd.random()
        batch = 1 if r < 0.2 else (2 if r < 0.55 else 3)
        if batch == 1 and rnd.random() < 0.5:
            parent = rnd.choice(departments)
            base = parent.name.removeprefix("市") + rnd.choice(
                ["机关", "直属机关", "事务中心", "研究室", "执法支队"]
            )
        else:
            parent = rnd.choice(districts)
            pool = {1: BATCH1_SUFFIX, 2: BATCH2_SUFFIX, 3: BATCH3_SUFFIX}[batch]
            prefix = parent.name.removesuffix("委") if batch == 1 else names.place()
            base = prefix + rnd.choice(pool)
        name = base
        n = 2
        while name in used_names:
            name = f"{base}（{n}）"
            n += 1
        used_names.add(name)
        unit = add_org(f"DEMO-U{i + 1:05d}", name, "unit", parent)
        units.append((unit, batch))
        sizes.append(max(3, int(rnd.gauss(mean, mean / 3))))
    # Scale sizes to hit the member total exactly.
    factor = scale.members / sum(sizes)
    sizes = [max(3, int(s * factor)) for s in sizes]
    sizes[-1] += scale.members - sum(sizes)
    if sizes[-1] < 3:
        sizes[-1] = 3

    branches_of: dict[int, list[Organisation]] = {}
    for (unit, _batch), size in zip(units, sizes):
        holder = unit
        if size > 60:
            holder = add_org(unit.code + "-PC", unit.name + "党委", "party_committee", unit)
        elif size > 30:
            holder = add_org(unit.code + "-GB", unit.name + "党总支", "general_branch", unit)
        count = max(1, size // 25)
        branches_of[unit.id] = [
            add_org(
                f"{unit.code}-B{b + 1:02d}",
                f"{unit.name}第{'一二三四五六七八九十'[b % 10]}{'' if b < 10 else b // 10 + 1}党支部"
                if count > 1
                else f"{unit.name}党支部",
                "branch",
                holder,
            )
            for b in range(count)
        ]

    with transaction.atomic():
        for start in range(0, len(orgs), 2000):
            Organisation.objects.bulk_create(orgs[start : start + 2000], batch_size=500)
            _progress(out, "组织", min(start + 2000, len(orgs)), len(orgs))
        _reset_sequences([Organisation])

    # --- people -----------------------------------------------------------------------------
    total = sum(sizes)
    people: list[Person] = []
    leadership: dict[int, list[str]] = {}
    seq = 0
    written = 0
    for (unit, batch), size in zip(units, sizes):
        branches = branches_of[unit.id]
        lead_n = min(size, rnd.randint(5, 9))
        for k in range(size):
            seq += 1
            r = rnd.random()
            category = (
                "serving"
                if r < 0.80
                else ("retired" if r < 0.95 else ("away" if r < 0.98 else "laid_off"))
            )
            is_lead = k < lead_n and category == "serving"
            code = f"DEMO-M{seq:07d}"
            if is_lead:
                leadership.setdefault(unit.id, []).append(code)
            birth = dt.date(1940 + rnd.randint(0, 45), rnd.randint(1, 12), rnd.randint(1, 28))
            people.append(
                Person(
                    code=code,
                    name=names.person(),
                    gender=rnd.choice(["男", "男", "女"]),
                    birth_date=birth,
                    joined_on=dt.date(
                        min(2004, birth.year + rnd.randint(18, 40)), rnd.randint(1, 12), 1
                    ),
                    position=("党委书记" if k == 0 else "班子成员") if is_lead else "",
                    category=category,
                    cadre_level=("county" if k == 0 and batch == 1 else "section")
                    if is_lead
                    else "none",
                    is_leadership=is_lead,
                    branch_id=branches[k % len(branches)].id,
                    unit_id=unit.id,
                )
            )
            if len(people) >= 5000:
                with transaction.atomic():
                    Person.objects.bulk_create(people, batch_size=1000)
                written += len(people)
                people.clear()
                _progress(out, "党员", written, total)
    if people:
        with transaction.atomic():
            Person.objects.bulk_create(people, batch_size=1000)
        written += len(people)
        _progress(out, "党员", written, total)

    # --- campaign, groups, enrolment -----------------------------------------------------------
    with transaction.atomic():
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            admin = User.objects.create_superuser(
                "admin", password=PASSWORD, first_name="系统管理员"
            )
        campaign = campaign_actions.create_campaign(
            actor=admin,
            template=template,
            root=city,
            start_date=dt.date(2005, 1, 15),
            end_date=dt.date(2006, 6, 30),
        )
        batches = {b.number: b for b in campaign.batches.all()}
        group_batch = [1 + (g * 3) // scale.groups for g in range(scale.groups)]
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
        by_batch: dict[int, list[SupervisionGroup]] = {}
        for g, grp in zip(group_batch, groups):
            by_batch.setdefault(g, []).append(grp)
        parts = []
        start_dates = {
            "study": dt.date(2005, 1, 15),
            "analysis": dt.date(2005, 3, 1),
            "rectify": dt.date(2005, 4, 5),
            "consolidate": dt.date(2005, 5, 10),
        }
        counters: dict[int, int] = {}
        for unit, batch in units:
            pool = by_batch.get(batch) or groups
            idx = counters.get(batch, 0)
            counters[batch] = idx + 1
            group = pool[idx % len(pool)]
            phase = (
                phase_codes[min(len(phase_codes) - 1, int(rnd.triangular(0, 3, 1)))]
                if batch == 1
                else (phase_codes[0] if batch == 3 or rnd.random() < 0.6 else phase_codes[1])
            )
            parts.append(
                Participation(
                    campaign=campaign,
                    batch=batches[batch],
                    unit=unit,
                    group=group,
                    unit_name=unit.name,
                    current_phase=phase,
                    phase_started_on=start_dates.get(phase, dt.date(2005, 1, 15)),
                    reports_directly=False,
                )
            )
        Participation.objects.bulk_create(parts, batch_size=1000)
        group_of_unit = {p.unit_id: p.group_id for p in parts}

        # Group staff: three people from units that their group does not supervise.
        password_hash = make_password(PASSWORD)
        staff_units = [u for u, b in units if b == 1] or [u for u, _b in units]
        candidates = list(
            Person.objects.filter(
                unit_id__in=[u.id for u in staff_units],
                category="serving",
                is_leadership=False,
                user__isnull=True,
            )
            .order_by("code")
            .values_list("id", "unit_id", "name")[: scale.groups * 6]
        )
        rnd.shuffle(candidates)
        new_users, staff = [], []
        for grp in groups:
            picked = []
            for cand in list(candidates):
                if group_of_unit.get(cand[1]) != grp.id:
                    picked.append(cand)
                    candidates.remove(cand)
                if len(picked) == 3:
                    break
            for n, (pid, _unit_id, pname) in enumerate(picked):
                username = f"{grp.code.lower()}-{n + 1}"
                new_users.append(User(username=username, first_name=pname, password=password_hash))
                staff.append(
                    (username, pid, grp, Role.GROUP_LEADER if n == 0 else Role.GROUP_MEMBER)
                )
        User.objects.bulk_create(new_users)
        user_ids = dict(
            User.objects.filter(username__in=[s[0] for s in staff]).values_list("username", "id")
        )
        for username, pid, _grp, _role in staff:
            Person.objects.filter(pk=pid).update(user_id=user_ids[username])
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user_id=user_ids[username], role=role, group=grp)
                for username, _pid, grp, role in staff
            ]
        )
        inspections = []
        per = max(1, len(departments) // scale.inspection_groups)
        for i in range(scale.inspection_groups):
            ig = InspectionGroup.objects.create(
                campaign=campaign, code=f"I{i + 1:02d}", name=f"第{i + 1}巡回检查组"
            )
            ig.departments.add(*departments[i * per : (i + 1) * per])
            inspections.append(ig)
        _reset_sequences([SupervisionGroup, Participation, get_user_model(), RoleAssignment])

        # --- one demo account per role, through the ordinary actions ---------------------------
        group = groups[0]
        g1_units = [p.unit_id for p in parts if p.group_id == group.id]
        unit_id = g1_units[0]
        unit = Organisation.objects.get(pk=unit_id)
        branch = branches_of[unit_id][0]
        grant = org_actions.grant_role
        accounts: dict = {"admin": ("admin", ROLE_LABELS["admin"], "全部")}

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
        head = next(p for p in unit_people if p.is_leadership)
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
        secretary = next(p for p in rest[1:] if p.branch_id == branch.id)
        grant(
            actor=admin,
            user=account("secretary", secretary.name, secretary),
            role=Role.BRANCH_SECRETARY,
            organisation=branch,
        )
        accounts["secretary"] = ("secretary", ROLE_LABELS["secretary"], branch.name)
        member = next(p for p in rest[1:] if p.pk != secretary.pk and not p.is_leadership)
        account("member", member.name, member)
        accounts["member"] = ("member", ROLE_LABELS["member"], unit.name)

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
                "organisations": len(orgs),
            },
        )
    return accounts


def demo_accounts() -> dict:
    """The printed accounts of an existing demo (for a second `seed_demo` run)."""
    User = get_user_model()
    campaign = demo_campaign()
    out = {}
    for key in ROLE_LABELS:
        user = User.objects.filter(username=key).first()
        if user is None:
            continue
        where = "全部" if key == "admin" else (campaign.short_name if campaign else "")
        ra = (
            RoleAssignment.objects.filter(user=user)
            .select_related("organisation", "group", "inspection_group")
            .first()
        )
        if ra is not None:
            where = ra.organisation or ra.group or ra.inspection_group or campaign
            where = str(where)
        elif hasattr(user, "person"):
            where = user.person.unit.name if user.person.unit else ""
        out[key] = (key, ROLE_LABELS[key], where)
    return out


def print_accounts(accounts: dict, out=sys.stdout) -> None:
    out.write(f"\n演示账号（密码均为 {PASSWORD}）：\n")
    out.write(f"  {'账号':<14}{'角色':<18}范围\n")
    for username, label, where in accounts.values():
        out.write(f"  {username:<16}{label:<18}{where}\n")
    out.write("\n")
