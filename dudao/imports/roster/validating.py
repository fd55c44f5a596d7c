"""Validating a roster plan against itself and the database, and the checks that skip dependent
rows."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from dudao.orgs.actions import BRANCH_KINDS, UNIT_LEVEL_KINDS
from dudao.orgs.independence import find_conflicts
from dudao.orgs.models import (
    Organisation,
    OrgKind,
    Person,
    Role,
)

from ..excel import (
    Problem,
)
from .common import CHUNK, PERSON_FIELDS, SHEETS, Progress, RosterPlan, Row, _chunks, _noop
from .reading import parse

# --- validating against the file and the database --------------------------------------------


def _duplicates(plan: RosterPlan, rows: list[Row], key: str, label: str) -> None:
    seen: dict[str, Row] = {}
    for row in rows:
        value = row.values.get(key)
        if not value:
            continue
        first = seen.get(value)
        if first is None:
            seen[value] = row
        else:
            plan.add(row, label, value, f"{label}“{value}”与第 {first.row} 行重复")
            plan.add(first, label, value, f"{label}“{value}”与第 {row.row} 行重复")


def validate(plan: RosterPlan, progress: Progress = _noop) -> dict:
    """Check the rows against each other and the database. Returns the lookups apply() needs."""
    User = get_user_model()
    _duplicates(plan, plan.orgs, "code", "组织编码")
    _duplicates(plan, plan.people, "code", "人员编号")
    _duplicates(plan, plan.people, "id_number", "身份证号")
    _duplicates(plan, plan.people, "username", "登录账号")

    # Organisations in the database that the file names (as rows, parents, branches or role targets).
    wanted = {r.values["code"] for r in plan.orgs} | {r.values["parent"] for r in plan.orgs}
    wanted |= {r.values["branch"] for r in plan.people} | {r.values["org"] for r in plan.roles}
    wanted.discard("")
    db_orgs: dict[str, dict] = {}
    for chunk in _chunks(sorted(wanted)):
        for o in Organisation.objects.filter(code__in=chunk).values(
            "id", "code", "name", "kind", "parent_id", "parent__code", "path", "depth", "unit_id"
        ):
            db_orgs[o["code"]] = o
    file_orgs = {r.values["code"]: r for r in plan.orgs if r.values["code"]}

    def kind_of(code: str) -> str | None:
        if code in file_orgs:
            return file_orgs[code].values["kind"]
        return db_orgs[code]["kind"] if code in db_orgs else None

    def parent_of(code: str) -> str:
        if code in file_orgs:
            return file_orgs[code].values["parent"]
        return (db_orgs.get(code) or {}).get("parent__code") or ""

    for row in plan.orgs:
        v = row.values
        if v["parent"]:
            if v["parent"] not in file_orgs and v["parent"] not in db_orgs:
                plan.add(
                    row,
                    "上级组织编码",
                    v["parent"],
                    f"上级组织编码“{v['parent']}”不存在：既不在本文件“组织”表中，也不在系统中",
                )
                continue
            seen, code = {v["code"]}, v["parent"]
            while code:
                if code in seen:
                    plan.add(
                        row, "上级组织编码", v["parent"], "上下级关系形成了循环，请检查上级组织编码"
                    )
                    break
                seen.add(code)
                code = parent_of(code)
        existing = db_orgs.get(v["code"])
        if existing and v["kind"] and existing["kind"] != v["kind"]:
            plan.add(
                row,
                "组织类型",
                v["kind"],
                f"系统中该组织类型为“{OrgKind(existing['kind']).label}”，"
                "导入不能改变组织类型，请在数据维护中处理",
            )
        if v["kind"] in UNIT_LEVEL_KINDS and (row.sheet, row.row) not in plan.bad:
            code, found = v["parent"], False
            for _ in range(64):
                if not code:
                    break
                if kind_of(code) == OrgKind.UNIT or (
                    code in file_orgs and file_orgs[code].values["kind"] is None
                ):
                    # A parent row with a bad type is reported on its own row; this one is skipped.
                    found = True
                    break
                code = parent_of(code)
            if not found:
                plan.add(
                    row,
                    "上级组织编码",
                    v["parent"],
                    f"{OrgKind(v['kind']).label}必须隶属于某个单位，请填写所属单位或其党组织的编码",
                )

    existing_people: dict[str, dict] = {}
    codes = [r.values["code"] for r in plan.people if r.values["code"]]
    for i, chunk in enumerate(_chunks(codes)):
        for p in Person.objects.filter(code__in=chunk).values(
            "id", "code", "branch__code", "user_id", "user__username", *PERSON_FIELDS
        ):
            existing_people[p["code"]] = p
        progress("校验", min((i + 1) * CHUNK, len(codes)), len(codes))
    ids = [r.values["id_number"] for r in plan.people if r.values.get("id_number")]
    id_owner: dict[str, str] = {}
    for chunk in _chunks(ids):
        id_owner.update(Person.objects.filter(id_number__in=chunk).values_list("id_number", "code"))
    usernames = [r.values["username"] for r in plan.people if r.values["username"]]
    usernames += [r.values["username"] for r in plan.roles if r.values["username"]]
    users: dict[str, dict] = {}
    for chunk in _chunks(sorted(set(usernames))):
        for u in User.objects.filter(username__in=chunk).values("id", "username", "person__code"):
            users[u["username"]] = u

    for row in plan.people:
        v = row.values
        if v["branch"]:
            kind = kind_of(v["branch"])
            if kind is None:
                plan.add(
                    row,
                    "所在支部编码",
                    v["branch"],
                    f"所在支部编码“{v['branch']}”不存在：既不在本文件“组织”表中，也不在系统中",
                )
            elif kind not in BRANCH_KINDS:
                plan.add(
                    row,
                    "所在支部编码",
                    v["branch"],
                    f"“{v['branch']}”是{OrgKind(kind).label}，不是党支部、党总支或党委",
                )
        owner = id_owner.get(v.get("id_number") or "")
        if owner and owner != v["code"]:
            plan.add(row, "身份证号", v["id_number"], f"身份证号已登记在人员编号“{owner}”名下")
        if v["username"]:
            user = users.get(v["username"])
            if user and user["person__code"] and user["person__code"] != v["code"]:
                plan.add(
                    row,
                    "登录账号",
                    v["username"],
                    f"账号“{v['username']}”已属于人员“{user['person__code']}”",
                )
            current = (existing_people.get(v["code"]) or {}).get("user__username")
            if current and current != v["username"]:
                plan.add(
                    row, "登录账号", v["username"], f"该人员已有账号“{current}”，导入不能更换账号"
                )

    file_people_users = {r.values["username"]: r for r in plan.people if r.values["username"]}
    for row in plan.roles:
        v = row.values
        if v["username"] and v["username"] not in users and v["username"] not in file_people_users:
            plan.add(
                row,
                "登录账号",
                v["username"],
                f"账号“{v['username']}”不存在：请先在“人员”表中为其填写登录账号",
            )
        if v["org"]:
            kind = kind_of(v["org"])
            if kind is None:
                plan.add(row, "组织编码", v["org"], f"组织编码“{v['org']}”不存在")
            elif v["role"] in {Role.UNIT_HEAD, Role.UNIT_LIAISON} and kind != OrgKind.UNIT:
                plan.add(
                    row,
                    "组织编码",
                    v["org"],
                    f"{Role(v['role']).label}的组织必须是单位，“{v['org']}”是{OrgKind(kind).label}",
                )
            elif v["role"] == Role.BRANCH_SECRETARY and kind not in BRANCH_KINDS:
                plan.add(
                    row,
                    "组织编码",
                    v["org"],
                    f"支部书记的组织必须是党支部（或总支、党委），“{v['org']}”是{OrgKind(kind).label}",
                )
    _check_independence(plan, file_orgs, db_orgs, existing_people, users)
    _propagate_skips(plan, file_orgs, file_people_users)
    return {"db_orgs": db_orgs, "existing_people": existing_people, "users": users}


def _check_independence(
    plan: RosterPlan,
    file_orgs: dict[str, Row],
    db_orgs: dict[str, dict],
    existing_people: dict[str, dict],
    users: dict[str, dict],
) -> None:
    """Nobody supervises his own unit: a row that moves a supervision group's member into a unit
    his group supervises, or makes him head or liaison of one, is a bad row (the rule itself:
    dudao/orgs/independence.py, asked once for the whole file)."""

    def unit_of(code: str) -> int | None:
        for _ in range(64):
            if not code:
                return None
            if code in file_orgs:
                if file_orgs[code].values["kind"] == OrgKind.UNIT:
                    return (db_orgs.get(code) or {}).get("id")  # a new unit has no group yet
                code = file_orgs[code].values["parent"]
                continue
            if code in db_orgs:
                o = db_orgs[code]
                return o["id"] if o["kind"] == OrgKind.UNIT else o["unit_id"]
            return None
        return None

    moves: dict[int, tuple[Row, str]] = {}
    person_unit: dict[int, int | None] = {}
    for row in plan.people:
        v = row.values
        if not plan.is_ok(row) or not v["branch"]:
            continue
        existing = existing_people.get(v["code"]) or {}
        user_id = (users.get(v["username"]) or {}).get("id") or existing.get("user_id")
        if user_id is None:
            continue
        person_unit[user_id] = unit_of(v["branch"])
        moves[user_id] = (row, v["username"] or existing.get("user__username") or "")
    heads: dict[tuple[int, int], Row] = {}
    for row in plan.roles:
        v = row.values
        if not plan.is_ok(row) or v["role"] not in {Role.UNIT_HEAD, Role.UNIT_LIAISON}:
            continue
        user_id = (users.get(v["username"]) or {}).get("id")
        unit_id = (db_orgs.get(v["org"]) or {}).get("id")
        if user_id is not None and unit_id is not None:
            heads[(user_id, unit_id)] = row
    if not moves and not heads:
        return
    for c in find_conflicts(person_unit=person_unit, extra_own=list(heads)):
        because = f"是“{c.group_name}”的成员，而“{c.unit_name}”由该组督导，不能督导本单位"
        if (c.user, c.unit_id) in heads:
            row = heads[(c.user, c.unit_id)]
            plan.add(
                row,
                "组织编码",
                row.values["org"],
                f"账号“{row.values['username']}”{because}：请先调整督导组成员或该单位的督导组",
            )
        elif c.user in moves and person_unit.get(c.user) == c.unit_id:
            row, username = moves[c.user]
            plan.add(
                row,
                "所在支部编码",
                row.values["branch"],
                f"账号“{username}”{because}：请先调整督导组成员或该单位的督导组",
            )


def _propagate_skips(
    plan: RosterPlan, file_orgs: dict[str, Row], file_people_users: dict[str, Row]
) -> None:
    """Rows that depend on a bad row cannot be imported either (only-valid mode)."""

    def org_blocked(code: str, depth: int = 0) -> Row | None:
        row = file_orgs.get(code)
        if row is None or depth > 64:
            return None
        if not plan.is_ok(row):
            return row
        return org_blocked(row.values["parent"], depth + 1)

    for row in plan.orgs:
        if plan.is_ok(row):
            blocker = org_blocked(row.values["parent"])
            if blocker is not None:
                plan.skipped.add((row.sheet, row.row))
                plan.problems.append(
                    Problem(
                        row.sheet,
                        row.row,
                        "上级组织编码",
                        row.values["parent"],
                        f"上级组织（第 {blocker.row} 行）有错误，本行一并跳过",
                    )
                )
    for row in plan.people:
        if plan.is_ok(row):
            blocker = org_blocked(row.values["branch"])
            if blocker is not None:
                plan.skipped.add((row.sheet, row.row))
                plan.problems.append(
                    Problem(
                        row.sheet,
                        row.row,
                        "所在支部编码",
                        row.values["branch"],
                        f"所在支部（“组织”表第 {blocker.row} 行）有错误，本行一并跳过",
                    )
                )
    for row in plan.roles:
        if not plan.is_ok(row):
            continue
        person_row = file_people_users.get(row.values["username"])
        blocker = org_blocked(row.values["org"])
        if person_row is not None and not plan.is_ok(person_row):
            plan.skipped.add((row.sheet, row.row))
            plan.problems.append(
                Problem(
                    row.sheet,
                    row.row,
                    "登录账号",
                    row.values["username"],
                    f"该账号所在的“人员”表第 {person_row.row} 行有错误，本行一并跳过",
                )
            )
        elif blocker is not None:
            plan.skipped.add((row.sheet, row.row))
            plan.problems.append(
                Problem(
                    row.sheet,
                    row.row,
                    "组织编码",
                    row.values["org"],
                    f"该组织（“组织”表第 {blocker.row} 行）有错误，本行一并跳过",
                )
            )


def check(data: bytes, progress: Progress = _noop) -> tuple[RosterPlan, dict]:
    plan = parse(data, progress)
    lookups = validate(plan, progress)
    plan.problems.sort(key=lambda p: (list(SHEETS).index(p.sheet), p.row))
    return plan, lookups
