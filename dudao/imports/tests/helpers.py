from __future__ import annotations

import io

from openpyxl import Workbook

ORG_HEADER = ["组织编码", "组织名称", "组织类型", "上级组织编码"]
PERSON_HEADER = [
    "人员编号",
    "姓名",
    "性别",
    "身份证号",
    "出生日期",
    "入党日期",
    "所在支部编码",
    "人员类别",
    "干部级别",
    "班子成员",
    "职务",
    "手机号",
    "登录账号",
]
ROLE_HEADER = ["登录账号", "角色", "组织编码"]

ORGS = [
    ["T000", "测试市委", "市委", ""],
    ["T-D1", "测试区委", "区县", "T000"],
    ["T-U1", "测试区财政局", "单位", "T-D1"],
    ["T-U1-B1", "财政局第一党支部", "党支部", "T-U1"],
    ["T-U2", "测试区教育局", "单位", "T-D1"],
    ["T-U2-B1", "教育局党支部", "党支部", "T-U2"],
]


def person(code, name, branch="T-U1-B1", **kw):
    row = {"人员编号": code, "姓名": name, "所在支部编码": branch, **kw}
    return [row.get(h, "") for h in PERSON_HEADER]


def xlsx(
    sheets: dict[str, list[list]], *, errors: dict[tuple[str, int, int], str] | None = None
) -> bytes:
    """Build a real .xlsx; errors maps (sheet, row, column) (1-based) to an Excel error value."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    for (sheet, r, c), value in (errors or {}).items():
        cell = wb[sheet].cell(row=r, column=c)
        cell.value = value
        cell.data_type = "e"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def roster(orgs=None, people=None, roles=None) -> bytes:
    sheets = {"组织": [ORG_HEADER, *(ORGS if orgs is None else orgs)]}
    if people is not None:
        sheets["人员"] = [PERSON_HEADER, *people]
    if roles is not None:
        sheets["角色"] = [ROLE_HEADER, *roles]
    return xlsx(sheets)
