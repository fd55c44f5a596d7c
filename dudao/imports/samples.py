"""The downloadable template workbooks: headers, an example row, drop-down lists and a 说明 sheet."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from dudao.core.xlsx import append_row

from . import roster, setup

REQUIRED_FILL = PatternFill("solid", fgColor="FDE2E2")

ROSTER_EXAMPLES = {
    "组织": [
        ["SZ000", "示范市委", "市委", ""],
        ["SZ-D01", "东城区委", "区县", "SZ000"],
        ["SZ-U001", "东城区财政局", "单位", "SZ-D01"],
        ["SZ-U001-B1", "东城区财政局第一党支部", "党支部", "SZ-U001"],
    ],
    "人员": [
        [
            "P0001",
            "王建国",
            "男",
            "11010519491231002X",
            "1965-03-08",
            "1988年7月1日",
            "SZ-U001-B1",
            "在职",
            "县处级及以上",
            "是",
            "局长、党委书记",
            "13800000000",
            "wangjg",
        ]
    ],
    "角色": [["wangjg", "单位主要负责人", "SZ-U001"]],
}
ROSTER_CHOICES = {
    ("组织", "组织类型"): ["市委", "区县", "市直部门", "单位", "党委", "党总支", "党支部"],
    ("人员", "人员类别"): ["在职", "离退休", "外出流动", "下岗失业"],
    ("人员", "干部级别"): ["无", "科级及以上", "县处级及以上"],
    ("人员", "班子成员"): ["是", "否"],
    ("人员", "性别"): ["男", "女"],
    ("角色", "角色"): ["单位主要负责人", "单位联络员", "支部书记"],
}
ROSTER_NOTES = [
    "填写说明",
    "1. 三张表都可以只填需要的；列的顺序可以调整，但列名不要改。标红的列必填。",
    "2. 组织编码、人员编号是唯一标识：再次导入同一编码会更新该条记录，内容不变的不会改动。",
    "3. 上级组织编码可以是本文件中的组织，也可以是系统中已有的组织；上级可以写在下级之后。",
    "4. 党支部、党总支、党委必须隶属于某个单位。人员的“所在支部编码”填党支部（或总支、党委）的编码。",
    "5. 日期可写 2005-01-23、2005年1月23日、2005.1.23 或 Excel 日期；全角数字、前后空格会自动处理。",
    "6. 身份证号 18 位，末位 x 会自动改为 X 并核对校验位。",
    "7. 填写“登录账号”会为该党员建立账号（不设密码），由管理员设置初始密码后方可登录。",
    "8. 有错误时系统列出每一处错误（第几行、哪一列、原因），全部改正前不导入任何数据；也可选择“仅导入无误的行”。",
]
SETUP_EXAMPLES = {
    "批次": [[1, "第一批", "市、县两级党政机关和部分企事业单位", "2005-01-15", "2005-06-30"]],
    "督导组": [["G01", "市委第一督导组", 1, "zhangsan", "lisi、wangwu"]],
    "参加单位": [["SZ-U001", 1, "G01", "否"]],
}
SETUP_CHOICES = {("参加单位", "直报"): ["是", "否"]}
SETUP_NOTES = [
    "填写说明",
    "1. 批次：序号已存在的批次会更新名称和日期。",
    "2. 督导组：组长、组员填登录账号，多个组员用顿号、逗号或空格分开。",
    "3. 参加单位：单位编码须是本活动组织范围内的单位；督导组编号可空（以后再分配）。",
    "4. 任何人不得督导本单位：组员所在单位不能分给本组，系统会指出冲突的行。",
    "5. 区县委向市活动办和市督导组直接报告的，在“直报”填“是”。",
]


def _build(sheets: dict, examples: dict, choices: dict, notes: list[str]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, spec in sheets.items():
        ws = wb.create_sheet(name)
        headers = list(spec["columns"])
        append_row(ws, headers)
        for i, h in enumerate(headers):
            cell = ws.cell(row=1, column=i + 1)
            cell.font = Font(bold=True)
            if spec["columns"][h] in spec["required"]:
                cell.fill = REQUIRED_FILL
                cell.comment = Comment("必填", "督导通")
            ws.column_dimensions[cell.column_letter].width = max(12, len(h) * 2 + 4)
            options = choices.get((name, h))
            if options:
                dv = DataValidation(
                    type="list",
                    formula1='"' + ",".join(options) + '"',
                    allow_blank=True,
                    showErrorMessage=True,
                    error="请从下拉列表中选择",
                    errorTitle="输入有误",
                )
                ws.add_data_validation(dv)
                dv.add(f"{cell.column_letter}2:{cell.column_letter}100000")
        for row in examples.get(name, []):
            append_row(ws, row)
        ws.freeze_panes = "A2"
    info = wb.create_sheet("说明")
    for line in notes:
        append_row(info, [line])
    info.column_dimensions["A"].width = 100
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def roster_template() -> bytes:
    return _build(roster.SHEETS, ROSTER_EXAMPLES, ROSTER_CHOICES, ROSTER_NOTES)


def setup_template() -> bytes:
    return _build(setup.SHEETS, SETUP_EXAMPLES, SETUP_CHOICES, SETUP_NOTES)
