"""The template workbooks to fill in: attendance (sessions, matrix, notes) and test scores."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from dudao.campaigns.models import Participation
from dudao.orgs.models import Person

from .. import kinds
from ..models import KnowledgeTest
from ._common import MATRIX_SHEET, SCORE_HEADERS, SCORES_SHEET, SESSION_HEADERS, SESSIONS_SHEET


def _book_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _bold_row(ws, values):
    ws.append(values)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)


def attendance_template(participation: Participation, sessions: int = 5) -> bytes:
    """学习记录 (numbered rows to fill), 出勤 (every member × one column per number), 说明."""
    names = list(kinds.session_kinds(participation.campaign).values())
    wb = Workbook()
    ws = wb.active
    ws.title = SESSIONS_SHEET
    _bold_row(ws, SESSION_HEADERS)
    for n in range(1, sessions + 1):
        ws.append([n])
    for col, width in zip("ABCDEFGH", [6, 12, 14, 6, 30, 12, 9, 9], strict=True):
        ws.column_dimensions[col].width = width
    matrix = wb.create_sheet(MATRIX_SHEET)
    _bold_row(matrix, ["人员编号", "姓名", *[str(n) for n in range(1, sessions + 1)]])
    for p in Person.objects.filter(unit_id=participation.unit_id).order_by("branch__path", "code"):
        matrix.append([p.code, p.name])
    matrix.column_dimensions["A"].width = 14
    matrix.freeze_panes = "C2"
    help_ws = wb.create_sheet("说明")
    for line in [
        "1. 在“学习记录”表每行填一场学习：日期（如 2005-01-23）、学习形式、学时、主题、主讲人；开始、结束时间可不填（如 19:30）。",
        f"2. 学习形式只能填：{'、'.join(names)}。",
        "3. “出勤”表每行是一名党员，每列对应“学习记录”表中同一序号的一场学习（列标题填序号，如 1、2、3）。",
        "4. 出席填 ✓、√ 或 1；只参加了部分时间的填实际学时数（如 1.5）；缺席留空。",
        "5. 学习超过 5 场：在“学习记录”表往下续写序号，在“出勤”表往右增加同样序号的列。",
        "6. 同一文件重复导入不会重复登记：同一日期、形式、主题的学习视为同一场。",
    ]:
        help_ws.append([line])
    help_ws.column_dimensions["A"].width = 120
    return _book_bytes(wb)


def scores_template(test: KnowledgeTest) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SCORES_SHEET
    _bold_row(ws, SCORE_HEADERS)
    existing = {r.person_id: r for r in test.results.all()}
    for p in Person.objects.filter(unit_id=test.participation.unit_id).order_by(
        "branch__path", "code"
    ):
        r = existing.get(p.pk)
        ws.append(
            [
                p.code,
                p.name,
                float(r.score) if r and r.score is not None else None,
                r.absence_reason if r else None,
            ]
        )
    for col, width in zip("ABCD", [14, 10, 8, 30], strict=True):
        ws.column_dimensions[col].width = width
    help_ws = wb.create_sheet("说明")
    for line in [
        f"“{test.title}”满分 {test.full_score} 分。每名党员填成绩，或（缺考的）填缺考原因，二者只填其一。",
        "人员编号与姓名须与本单位名册一致；不参加导入的行请整行删除。",
    ]:
        help_ws.append([line])
    help_ws.column_dimensions["A"].width = 100
    return _book_bytes(wb)
