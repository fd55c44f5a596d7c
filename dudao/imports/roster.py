"""Roster import: organisations, people and roles from one workbook.

Validation reads the whole file first and collects every problem (row as Excel shows it,
column, value, reason). Nothing is written while there are problems, unless the user asked for
the valid rows only — then rows that depend on a bad row are skipped too, and reported. Writing
is one transaction, idempotent by code: unchanged rows write nothing, and a second import of the
same file changes nothing and records nothing.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Concat, Substr

from dudao.core.audit import record_event
from dudao.core.errors import DomainError
from dudao.orgs.actions import BRANCH_KINDS, UNIT_LEVEL_KINDS, grant_role
from dudao.orgs.independence import find_conflicts
from dudao.orgs.models import (
    PATH_WIDTH,
    CadreLevel,
    Organisation,
    OrgKind,
    Person,
    PersonCategory,
    Role,
)

from .excel import (
    CSV_SHEET,
    CellError,
    FileRejected,
    Problem,
    clean_bool,
    clean_choice,
    clean_code,
    clean_date,
    clean_id_number,
    clean_text,
    column_letter,
    header_row,
    normal_text,
    read_workbook,
)

Progress = Callable[[str, int, int], None]
CHUNK = 5000

KIND_LABELS = {
    "市委": OrgKind.CITY_COMMITTEE,
    "区县": OrgKind.DISTRICT,
    "区县委": OrgKind.DISTRICT,
    "市直部门": OrgKind.DEPARTMENT,
    "部门": OrgKind.DEPARTMENT,
    "单位": OrgKind.UNIT,
    "党委": OrgKind.PARTY_COMMITTEE,
    "党总支": OrgKind.GENERAL_BRANCH,
    "总支": OrgKind.GENERAL_BRANCH,
    "党支部": OrgKind.BRANCH,
    "支部": OrgKind.BRANCH,
}
CATEGORY_LABELS = {
    "在职": PersonCategory.SERVING,
    "离退休": PersonCategory.RETIRED,
    "退休": PersonCategory.RETIRED,
    "离休": PersonCategory.RETIRED,
    "外出流动": PersonCategory.AWAY,
    "外出/流动": PersonCategory.AWAY,
    "外出": PersonCategory.AWAY,
    "流动": PersonCategory.AWAY,
    "下岗失业": PersonCategory.LAID_OFF,
    "下岗": PersonCategory.LAID_OFF,
    "失业": PersonCategory.LAID_OFF,
}
CADRE_LABELS = {
    "无": CadreLevel.NONE,
    "科级及以上": CadreLevel.SECTION,
    "科级": CadreLevel.SECTION,
    "县处级及以上": CadreLevel.COUNTY,
    "县处级": CadreLevel.COUNTY,
    "处级": CadreLevel.COUNTY,
}
ROLE_LABELS = {
    "单位主要负责人": Role.UNIT_HEAD,
    "一把手": Role.UNIT_HEAD,
    "单位联络员": Role.UNIT_LIAISON,
    "联络员": Role.UNIT_LIAISON,
    "支部书记": Role.BRANCH_SECRETARY,
}

SHEETS: dict[str, dict] = {
    "组织": {
        "columns": {
            "组织编码": "code",
            "组织名称": "name",
            "组织类型": "kind",
            "上级组织编码": "parent",
        },
        "required": {"code", "name", "kind"},
    },
    "人员": {
        "columns": {
            "人员编号": "code",
            "姓名": "name",
            "性别": "gender",
            "身份证号": "id_number",
            "出生日期": "birth_date",
            "入党日期": "joined_on",
            "所在支部编码": "branch",
            "人员类别": "category",
            "干部级别": "cadre_level",
            "班子成员": "is_leadership",
            "职务": "position",
            "手机号": "phone",
            "登录账号": "username",
        },
        "required": {"code", "name", "branch"},
    },
    "角色": {
        "columns": {"登录账号": "username", "角色": "role", "组织编码": "org"},
        "required": {"username", "role", "org"},
    },
}
PERSON_FIELDS = [
    "name",
    "gender",
    "id_number",
    "birth_date",
    "joined_on",
    "category",
    "cadre_level",
    "is_leadership",
    "position",
    "phone",
]


@dataclass
class Row:
    sheet: str
    row: int
    values: dict


@dataclass
class RosterPlan:
    sha256: str
    problems: list[Problem] = field(default_factory=list)
    orgs: list[Row] = field(default_factory=list)
    people: list[Row] = field(default_factory=list)
    roles: list[Row] = field(default_factory=list)
    bad: set[tuple[str, int]] = field(default_factory=set)
    skipped: set[tuple[str, int]] = field(default_factory=set)

    @property
    def total_rows(self) -> int:
        return len(self.orgs) + len(self.people) + len(self.roles)

    def add(self, row: Row, column: str, value, message: str) -> None:
        self.problems.append(Problem(row.sheet, row.row, column, clean_text(value)[:100], message))
        self.bad.add((row.sheet, row.row))

    def is_ok(self, row: Row) -> bool:
        return (row.sheet, row.row) not in self.bad and (row.sheet, row.row) not in self.skipped


def _noop(stage: str, done: int, total: int) -> None:
    pass


# --- reading ----------------------------------------------------------------------------------


def read_tables(
    plan: RosterPlan,
    data: bytes,
    specs: dict[str, dict],
    targets: dict[str, list],
    what: str,
    progress: Progress = _noop,
) -> None:
    """Read the known sheets of a workbook into targets[sheet] as Rows of raw values keyed by
    field. Header problems (unknown, doubled or missing columns) and Excel error cells become
    problems; blank rows are skipped. Raises FileRejected for an unreadable file."""
    sheets, error_cells = read_workbook(data)
    if set(sheets) == {CSV_SHEET} and CSV_SHEET not in specs:
        # A .csv file is one sheet without a name: it is the sheet whose headers it has.
        rows = sheets[CSV_SHEET]
        best = max(
            specs,
            key=lambda n: _header_hits(rows, specs[n]["columns"]),
        )
        if _header_hits(rows, specs[best]["columns"]) < 2:
            raise FileRejected(
                "这个 CSV 文件里找不到可导入的表头。CSV 文件只能放一张表（"
                f"{'、'.join(specs)}之一），第一行（或标题行下面）应是模板中的列名。"
            )
        sheets = {best: rows}
    known = [s for s in specs if s in sheets]
    if not known:
        raise FileRejected(
            f"文件中没有可导入的工作表。工作表名应为：{'、'.join(specs)}（可下载{what}模板对照）。"
        )
    found_rows = 0
    for name in known:
        spec, rows = specs[name], sheets[name]
        if not rows or all(all(v in ("", None) for v in row) for row in rows):
            continue
        head = header_row(rows, spec["columns"])
        if head is None:
            raise FileRejected(
                f"工作表“{name}”的前 15 行中找不到表头（应有 {'、'.join(list(spec['columns'])[:4])} 等列）。"
                "请检查是否选错了文件，或按下载的模板填写后再上传；本次没有导入任何内容。"
            )
        labels_by_text = {normal_text(h): h for h in spec["columns"]}
        cols: dict[int, str] = {}
        header_no = head + 1  # as Excel shows it
        for i, h in enumerate(clean_text(h) for h in rows[head]):
            key = spec["columns"].get(labels_by_text.get(normal_text(h), h))
            if not h:
                continue
            if key is None:
                plan.problems.append(
                    Problem(
                        name,
                        header_no,
                        h,
                        h,
                        f"不认识的列“{h}”（第 {column_letter(i)} 列）。"
                        f"本表可用的列：{'、'.join(spec['columns'])}",
                    )
                )
                plan.bad.add((name, header_no))
            elif key in cols.values():
                plan.problems.append(
                    Problem(name, header_no, h, h, f"列“{h}”出现了两次，请删去一列")
                )
                plan.bad.add((name, header_no))
            else:
                cols[i] = key
        missing = [
            h
            for h, k in spec["columns"].items()
            if k in spec["required"] and k not in cols.values()
        ]
        if missing:
            plan.problems.append(
                Problem(name, header_no, "", "", f"缺少必需的列：{'、'.join(missing)}")
            )
            plan.bad.add((name, header_no))
            continue
        labels = {k: h for h, k in spec["columns"].items()}
        errors = error_cells.get(name, {})
        for r in range(head + 1, len(rows)):
            raw = rows[r]
            if all(v in ("", None) for v in raw) and not any((r, c) in errors for c in cols):
                continue
            row = Row(name, r + 1, {})
            for i, key in cols.items():
                value = raw[i] if i < len(raw) else ""
                if (r, i) in errors:
                    plan.add(
                        row,
                        labels[key],
                        errors[(r, i)],
                        f"单元格是 Excel 错误值 {errors[(r, i)]}（公式出错），请改为实际内容",
                    )
                    value = ""
                row.values[key] = value
            targets[name].append(row)
            found_rows += 1
            if r % CHUNK == 0:
                progress("读取", r, len(rows))
    if not found_rows and not plan.problems:
        raise FileRejected(
            f"文件中的{'、'.join(known)}表没有任何数据行（表头下面是空的），本次没有导入任何内容。"
        )


def _header_hits(rows: list[list], columns) -> int:
    head = header_row(rows, columns)
    if head is None:
        return 0
    wanted = {normal_text(c) for c in columns}
    return len({normal_text(v) for v in rows[head]} & wanted)


def parse(data: bytes, progress: Progress = _noop) -> RosterPlan:
    """Read the workbook and clean every cell. Raises FileRejected for an unreadable file."""
    plan = RosterPlan(sha256=hashlib.sha256(data).hexdigest())
    read_tables(
        plan,
        data,
        SHEETS,
        {"组织": plan.orgs, "人员": plan.people, "角色": plan.roles},
        "导入",
        progress,
    )
    _clean(plan)
    return plan


def _clean(plan: RosterPlan) -> None:
    for row in plan.orgs:
        v = row.values
        v["code"] = clean_code(v.get("code"))
        v["name"] = clean_text(v.get("name"))
        v["parent"] = clean_code(v.get("parent"))
        try:
            v["kind"] = clean_choice(v.get("kind"), KIND_LABELS, "组织类型")
        except CellError as exc:
            plan.add(row, "组织类型", v.get("kind"), str(exc))
            v["kind"] = None
    for row in plan.people:
        v = row.values
        out = {
            "code": clean_code(v.get("code")),
            "name": clean_text(v.get("name")),
            "branch": clean_code(v.get("branch")),
            "gender": clean_text(v.get("gender")),
            "position": clean_text(v.get("position")),
            "phone": clean_code(v.get("phone")),
            "username": clean_code(v.get("username")),
        }
        for key, label, fn in (
            ("id_number", "身份证号", clean_id_number),
            ("birth_date", "出生日期", clean_date),
            ("joined_on", "入党日期", clean_date),
            (
                "category",
                "人员类别",
                lambda x: clean_choice(x, CATEGORY_LABELS, "人员类别") or PersonCategory.SERVING,
            ),
            (
                "cadre_level",
                "干部级别",
                lambda x: clean_choice(x, CADRE_LABELS, "干部级别") or CadreLevel.NONE,
            ),
            ("is_leadership", "班子成员", clean_bool),
        ):
            try:
                out[key] = fn(v.get(key))
            except CellError as exc:
                plan.add(row, label, v.get(key), str(exc))
                out[key] = None
        if out["gender"] and out["gender"] not in {"男", "女"}:
            plan.add(row, "性别", out["gender"], f"性别请填“男”或“女”，实际为“{out['gender']}”")
        row.values = out
    for row in plan.roles:
        v = row.values
        v["username"] = clean_code(v.get("username"))
        v["org"] = clean_code(v.get("org"))
        try:
            v["role"] = clean_choice(v.get("role"), ROLE_LABELS, "角色")
        except CellError as exc:
            plan.add(row, "角色", v.get("role"), str(exc))
            v["role"] = None
    for rows, spec in (
        (plan.orgs, SHEETS["组织"]),
        (plan.people, SHEETS["人员"]),
        (plan.roles, SHEETS["角色"]),
    ):
        labels = {k: h for h, k in spec["columns"].items()}
        for row in rows:
            for key in spec["required"]:
                if row.values.get(key) in ("", None) and (row.sheet, row.row) not in plan.bad:
                    plan.add(row, labels[key], "", f"“{labels[key]}”不能为空")


# --- validating against the file and the database --------------------------------------------


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


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


# --- writing -------------------------------------------------------------------------------------


@transaction.atomic
def apply(
    plan: RosterPlan,
    lookups: dict,
    *,
    actor,
    only_valid: bool,
    file_name: str,
    progress: Progress = _noop,
) -> dict:
    """Write the valid rows. Refuses (DomainError) when there are problems and only_valid is off."""
    if plan.bad and not only_valid:
        raise DomainError(
            f"文件有 {len(plan.bad)} 行错误，未导入任何数据。请改正后重新上传，或选择“仅导入无误的行”。"
        )
    User = get_user_model()
    counts = defaultdict(int)
    changed_codes: list[str] = []
    db_orgs: dict[str, dict] = lookups["db_orgs"]

    # Organisations: new ones level by level (a parent before its children), then renames and moves.
    org_rows = [r for r in plan.orgs if plan.is_ok(r)]
    counts["skipped"] += len(plan.orgs) - len(org_rows)
    by_code = {r.values["code"]: r for r in org_rows}
    nodes: dict[str, dict] = {code: dict(o) for code, o in db_orgs.items()}
    pending = [r for r in org_rows if r.values["code"] not in db_orgs]
    while pending:
        level = [r for r in pending if not r.values["parent"] or r.values["parent"] in nodes]
        if not level:
            raise DomainError("组织上下级关系无法解析（可能存在循环）")
        objs = [
            Organisation(
                code=r.values["code"],
                name=r.values["name"],
                kind=r.values["kind"],
                parent_id=nodes[r.values["parent"]]["id"] if r.values["parent"] else None,
                path="-",
            )
            for r in level
        ]
        Organisation.objects.bulk_create(objs, batch_size=500)
        for obj in objs:
            parent = (
                nodes.get(by_code[obj.code].values["parent"])
                if by_code[obj.code].values["parent"]
                else None
            )
            obj.path = (parent["path"] if parent else "") + f"{obj.pk:0{PATH_WIDTH}d}/"
            obj.depth = parent["depth"] + 1 if parent else 0
            obj.unit_id = (
                obj.pk if obj.kind == OrgKind.UNIT else (parent["unit_id"] if parent else None)
            )
            nodes[obj.code] = {
                "id": obj.pk,
                "code": obj.code,
                "kind": obj.kind,
                "path": obj.path,
                "depth": obj.depth,
                "unit_id": obj.unit_id,
            }
        Organisation.objects.bulk_update(objs, ["path", "depth", "unit"], batch_size=500)
        counts["orgs_created"] += len(objs)
        changed_codes += [o.code for o in objs[:50]]
        done = {id(r) for r in level}
        pending = [r for r in pending if id(r) not in done]
    renamed_units = []
    for row in org_rows:
        code, v = row.values["code"], row.values
        old = db_orgs.get(code)
        if old is None:
            continue
        dirty = False
        if old["name"] != v["name"]:
            Organisation.objects.filter(pk=old["id"]).update(name=v["name"])
            if old["kind"] == OrgKind.UNIT:
                renamed_units.append((old["id"], v["name"]))
            dirty = True
        if (old["parent__code"] or "") != v["parent"]:
            _move(old, nodes.get(v["parent"]) if v["parent"] else None)
            dirty = True
        if dirty:
            counts["orgs_updated"] += 1
            changed_codes.append(code)
        else:
            counts["orgs_unchanged"] += 1
    if renamed_units:
        from dudao.campaigns.models import Participation

        for unit_id, name in renamed_units:
            Participation.objects.filter(unit_id=unit_id).update(unit_name=name)
    # Branches named by people but not in the file.
    branch_codes = {r.values["branch"] for r in plan.people} - set(nodes)
    for chunk in _chunks(sorted(branch_codes)):
        for o in Organisation.objects.filter(code__in=chunk).values(
            "id", "code", "kind", "path", "depth", "unit_id"
        ):
            nodes[o["code"]] = o
    progress(
        "写入",
        counts["orgs_created"] + counts["orgs_updated"] + counts["orgs_unchanged"],
        plan.total_rows,
    )

    # Accounts for people (no password: each sets his first one through a one-time first-login
    # link that the office prints or sends, see dudao/orgs/first_login.py).
    people_rows = [r for r in plan.people if plan.is_ok(r)]
    counts["skipped"] += len(plan.people) - len(people_rows)
    users: dict[str, dict] = lookups["users"]
    new_users = [
        User(
            username=r.values["username"],
            first_name=r.values["name"][:150],
            password=make_password(None),
        )
        for r in people_rows
        if r.values["username"] and r.values["username"] not in users
    ]
    User.objects.bulk_create(new_users, batch_size=1000)
    counts["accounts_created"] = len(new_users)
    if new_users:
        for chunk in _chunks([u.username for u in new_users]):
            for u in User.objects.filter(username__in=chunk).values("id", "username"):
                users[u["username"]] = {
                    "id": u["id"],
                    "username": u["username"],
                    "person__code": None,
                }

    # People.
    existing: dict[str, dict] = lookups["existing_people"]
    to_create, to_update, update_fields = [], [], set()
    for i, row in enumerate(people_rows, 1):
        v = row.values
        branch = nodes[v["branch"]]
        user_id = users[v["username"]]["id"] if v["username"] else None
        fields = {k: v[k] for k in PERSON_FIELDS}
        old = existing.get(v["code"])
        if old is None:
            to_create.append(
                Person(
                    code=v["code"],
                    branch_id=branch["id"],
                    unit_id=branch["unit_id"],
                    user_id=user_id,
                    **fields,
                )
            )
        else:
            diff = [k for k in PERSON_FIELDS if old[k] != fields[k]]
            moved = old["branch__code"] != v["branch"]
            link = user_id is not None and old["user__username"] is None
            if diff or moved or link:
                p = Person(
                    id=old["id"],
                    code=v["code"],
                    branch_id=branch["id"],
                    unit_id=branch["unit_id"],
                    user_id=user_id,
                    **fields,
                )
                to_update.append(p)
                update_fields.update(diff)
                if moved:
                    update_fields.update({"branch", "unit"})
                if link:
                    update_fields.add("user")
                if len(changed_codes) < 200:
                    changed_codes.append(v["code"])
            else:
                counts["people_unchanged"] += 1
        if len(to_create) >= 2000:
            Person.objects.bulk_create(to_create, batch_size=1000)
            counts["people_created"] += len(to_create)
            to_create = []
            progress("写入", i, len(people_rows))
    if to_create:
        Person.objects.bulk_create(to_create, batch_size=1000)
        counts["people_created"] += len(to_create)
    if to_update:
        Person.objects.bulk_update(to_update, sorted(update_fields), batch_size=500)
        counts["people_updated"] = len(to_update)
    progress("写入", len(people_rows), len(people_rows))

    # Roles: few rows, through the ordinary action (idempotent, checks the rules, audited).
    role_rows = [r for r in plan.roles if plan.is_ok(r)]
    counts["skipped"] += len(plan.roles) - len(role_rows)
    for row in role_rows:
        v = row.values
        user = User.objects.get(username=v["username"])
        org = Organisation.objects.get(code=v["org"])
        from dudao.orgs.models import RoleAssignment

        if RoleAssignment.objects.filter(user=user, role=v["role"], organisation=org).exists():
            counts["roles_unchanged"] += 1
            continue
        grant_role(
            actor=actor,
            user=user,
            role=v["role"],
            organisation=org,
            reason=f"名册导入：{file_name}",
        )
        counts["roles_created"] += 1

    summary = dict(counts)
    written = sum(n for k, n in counts.items() if k.endswith(("_created", "_updated")))
    summary["changed"] = written
    if written:
        record_event(
            actor=actor,
            action="roster.import",
            target_type="imports.roster",
            target_id=plan.sha256[:16],
            target_label=file_name,
            reason="仅导入无误的行" if only_valid else "",
            data={
                "file": file_name,
                "sha256": plan.sha256,
                "counts": summary,
                "changed_codes": changed_codes[:200],
            },
        )
    return summary


def _move(old: dict, parent: dict | None) -> None:
    """Move an existing organisation and its subtree under a new parent (set-based updates)."""
    old_path = old["path"]
    new_path = (parent["path"] if parent else "") + f"{old['id']:0{PATH_WIDTH}d}/"
    delta = (parent["depth"] + 1 if parent else 0) - old["depth"]
    subtree = Organisation.objects.filter(path__startswith=old_path)
    ids = list(subtree.values_list("id", flat=True))
    subtree.update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + delta
    )
    Organisation.objects.filter(pk=old["id"]).update(parent_id=parent["id"] if parent else None)
    if old["kind"] != OrgKind.UNIT:
        new_unit = parent["unit_id"] if parent else None
        Organisation.objects.filter(pk__in=ids, unit_id=old["unit_id"]).exclude(
            kind=OrgKind.UNIT
        ).update(unit_id=new_unit)
        Person.objects.filter(branch_id__in=ids).update(
            unit_id=Subquery(
                Organisation.objects.filter(pk=OuterRef("branch_id")).values("unit_id")[:1]
            )
        )
