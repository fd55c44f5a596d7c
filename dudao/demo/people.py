"""The demo city's organisations and party members, written in bulk: the tree of the city
committee, its districts and departments, the units and their party committees, general
branches and branches (ids allocated here so that paths are known before the insert), then
every unit's members with their categories, posts and branches."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from dudao.orgs.models import PATH_WIDTH, Organisation, Person

from . import bulk
from .city import (
    DEMO_ROOT_CODE,
    DEPARTMENTS,
    DISTRICTS,
    GROUP_WORKS,
    HEAD_LEVEL,
    INDUSTRIAL_GROUP_BRANCHES,
    NO_CADRES,
    NameMaker,
    Scale,
    UnitPlan,
    _apportion,
    cn_number,
    plan_units,
)


def _progress(out, label: str, done: int, total: int) -> None:
    pct = int(done * 100 / total) if total else 100
    out.write(
        f"  {label} {done}/{total} ({pct}%)" + (bulk.clock.lap() if done == total else "") + "\n"
    )
    out.flush()


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


@dataclass
class Built:
    """The organisations written, and what the members and the campaign are built on."""

    city: Organisation
    departments: list[Organisation]
    orgs: list[Organisation]
    plans: list[UnitPlan]
    units: list[tuple[Organisation, UnitPlan]]
    working: dict[int, list[Organisation]]  # serving members' branches per unit
    retired: dict[int, list[Organisation]]  # the retired members' branch where there is one
    secretary_title: dict[int, str]


def write_organisations(scale: Scale, rnd: random.Random, names: NameMaker, out) -> Built:
    """The city's organisation tree, written; the units in the order of their codes."""
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
        add_org(f"DEMO-D{i + 1:02d}", DISTRICTS[i % len(DISTRICTS)] + "委", "district", city)
        for i in range(scale.districts)
    ]
    departments = [
        add_org(f"DEMO-P{i + 1:02d}", DEPARTMENTS[i % len(DEPARTMENTS)], "department", city)
        for i in range(scale.departments)
    ]
    plans = plan_units(scale, rnd, names, districts, departments)
    per_batch_units = Counter(p.batch for p in plans)
    out.write(
        f"  单位 {len(plans)} 个（"
        + "、".join(f"第{cn_number(n)}批 {per_batch_units[n]}" for n in sorted(per_batch_units))
        + f"），党员 {sum(p.size for p in plans)} 名\n"
    )

    # Units and their party organisations. working[u] takes serving members, retired[u] the
    # retired ones where the unit has its own 离退休党支部 (common in organs and enterprises).
    units: list[tuple[Organisation, UnitPlan]] = []
    working: dict[int, list[Organisation]] = {}
    retired: dict[int, list[Organisation]] = {}
    secretary_title: dict[int, str] = {}
    for i, plan in enumerate(plans):
        unit = add_org(f"DEMO-U{i + 1:05d}", plan.name, "unit", plan.parent)
        units.append((unit, plan))
        code, name = unit.code, unit.name
        if plan.kind == "industrial_group":
            pc = add_org(code + "-PC", name + "党委", "party_committee", unit)
            per_work = _apportion(INDUSTRIAL_GROUP_BRANCHES, [1.0] * len(GROUP_WORKS))
            branches, old = [], []
            for w, (work, count) in enumerate(zip(GROUP_WORKS, per_work)):
                gb = add_org(f"{code}-G{w + 1:02d}", f"{name}{work}党总支", "general_branch", pc)
                for b in range(count):
                    br = add_org(
                        f"{code}-G{w + 1:02d}-B{b + 1:02d}",
                        f"{name}{work}第{cn_number(b + 1)}党支部",
                        "branch",
                        gb,
                    )
                    (old if work == "离退休管理处" else branches).append(br)
            working[unit.id], retired[unit.id] = branches, old
            secretary_title[unit.id] = "党委书记"
            continue
        count = max(1, plan.size // 28)
        if plan.size > 100:
            holder = add_org(code + "-PC", name + "党委", "party_committee", unit)
            secretary_title[unit.id] = "党委书记"
        elif count > 1:
            holder = add_org(code + "-GB", name + "党总支", "general_branch", unit)
            secretary_title[unit.id] = "党总支书记"
        else:
            holder = unit
            secretary_title[unit.id] = "党支部书记"
        # Large party committees group their branches under general branches, six at most each.
        parents = [holder]
        if count > 8:
            parents = [
                add_org(
                    f"{code}-G{g + 1:02d}",
                    f"{name}第{cn_number(g + 1)}党总支",
                    "general_branch",
                    holder,
                )
                for g in range(-(-count // 6))
            ]
        has_retired = count > 1 and plan.kind not in NO_CADRES
        branches = []
        for b in range(count):
            last = b == count - 1
            if has_retired and last:
                label = "离退休党支部"
            else:
                label = f"第{cn_number(b + 1)}党支部" if count > 1 else "党支部"
            branches.append(
                add_org(
                    f"{code}-B{b + 1:02d}",
                    name + label,
                    "branch",
                    parents[b * len(parents) // count],
                )
            )
        working[unit.id] = branches[:-1] if has_retired else branches
        retired[unit.id] = branches[-1:] if has_retired else []

    with transaction.atomic():
        for start in range(0, len(orgs), 2000):
            Organisation.objects.bulk_create(orgs[start : start + 2000], batch_size=500)
            _progress(out, "组织", min(start + 2000, len(orgs)), len(orgs))
        bulk.reset_sequences([Organisation])

    return Built(city, departments, orgs, plans, units, working, retired, secretary_title)


def write_members(built: Built, rnd: random.Random, names: NameMaker, out) -> int:
    """Every unit's party members, written; returns how many."""
    units, working, retired = built.units, built.working, built.retired
    secretary_title, plans = built.secretary_title, built.plans
    # --- people -----------------------------------------------------------------------------
    total = sum(p.size for p in plans)
    # Rows, not model instances: a city has 400,000 (ids allocated here, as for organisations).
    people = bulk.Rows(Person)
    # Nothing reads the members before they are all written: their secondary indexes (the name
    # index is filled in random order) are built once after them.
    deferred = bulk.defer_indexes([Person])
    seq = written = 0
    for unit, plan in units:
        work_branches, old_branches = working[unit.id], retired[unit.id]
        lead_n = min(plan.size, rnd.randint(5, 9))
        cadres = plan.kind not in NO_CADRES
        for k in range(plan.size):
            seq += 1
            is_lead = k < lead_n
            # Categories (DOMAIN §2): mostly serving, ~15% retired, ~3% away, ~2% laid off
            # overall; the leadership team (~1 in 6) is serving by definition, so the others
            # are drawn with a little more weight on the rest.
            r = rnd.random()
            if is_lead or r < 0.76:
                category = "serving"
            elif r < 0.94:
                category = "retired"
            elif r < 0.976:
                category = "away"
            else:
                category = "laid_off"
            if is_lead:
                position = (
                    secretary_title[unit.id] if k == 0 else ("副书记" if k == 1 else "班子成员")
                )
                level = HEAD_LEVEL.get(plan.kind, "section") if cadres else "none"
            else:
                position = ""
                level = "section" if cadres and plan.batch == 1 and r < 0.12 else "none"
            if category == "retired" and old_branches:
                branch = old_branches[k % len(old_branches)]
            else:
                branch = work_branches[k % len(work_branches)]
            gender = "男" if rnd.random() < 0.7 else "女"
            born = 1930 + rnd.randint(0, 25) if category == "retired" else 1945 + rnd.randint(0, 40)
            birth = dt.date(born, rnd.randint(1, 12), rnd.randint(1, 28))
            name = names.person(gender)
            joined = dt.date(min(2004, born + rnd.randint(18, 40)), rnd.randint(1, 12), 1)
            people.add(code=f"DEMO-M{seq:07d}", name=name, gender=gender, birth_date=birth,
                       joined_on=joined, position=position, category=category, cadre_level=level,
                       is_leadership=is_lead, branch_id=branch.id, unit_id=unit.id)  # fmt: skip
            if len(people.rows) >= 5000:
                written += len(people.rows)
                with transaction.atomic():
                    people.flush()
                _progress(out, "党员", written, total)
    if people.rows:
        written += len(people.rows)
        with transaction.atomic():
            people.flush()
        _progress(out, "党员", written, total)
    deferred.restore()
    bulk.reset_sequences([Person])

    return total
