"""Reading the roster workbook: sheets, header rows, cell cleaning into rows."""

from __future__ import annotations

import hashlib

from dudao.orgs.models import (
    CadreLevel,
    PersonCategory,
)

from ..excel import (
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
from .common import (
    CADRE_LABELS,
    CATEGORY_LABELS,
    CHUNK,
    KIND_LABELS,
    ROLE_LABELS,
    SHEETS,
    Progress,
    RosterPlan,
    Row,
    _noop,
)

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
