"""The 整改台账 in Excel: import an office's own ledger, export the same layout, print-ready.

The ledger offices keep: a merged title row ("XX单位整改台账"), maybe a line under it, then a
header row, then one row per item. Columns are found by their header text (several spellings
each), so an office's own column order imports as long as the headers match. Every problem is
reported with its row (as Excel numbers it) and column; by default nothing is written unless
every row is right. Rows are matched on 序号: importing the same file again changes nothing,
and a changed row updates its (still open) item.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from dudao.core.xlsx import title_line
from dudao.imports.excel import (
    CellError,
    Problem,
    clean_choice,
    clean_date,
    clean_text,
    read_workbook,
)
from dudao.orgs.models import Person

from . import actions, rules
from .models import Item, ItemStatus, Level, RectClass, SourceKind

# field → accepted header texts (the first is what the export writes).
HEADERS: dict[str, list[str]] = {
    "number": ["序号", "编号"],
    "level": ["整改层级", "层级", "整改主体"],
    "problem": ["存在问题", "问题", "问题表现", "问题描述", "整改问题"],
    "source_kind": ["问题来源", "来源"],
    "rect_class": ["整改类别", "类别", "整改类型"],
    "measures": ["整改措施", "措施"],
    "target": ["整改目标", "目标"],
    "expected_effect": ["预期效果", "初步效果"],
    "lead_name": ["牵头责任人", "责任人", "牵头领导", "责任领导"],
    "lead_post": ["责任岗位", "职务", "岗位"],
    "co_owners": ["协办", "协办单位", "协办责任人"],
    "deadline": ["完成时限", "整改时限", "完成时间"],
}
REQUIRED = ["number", "problem", "rect_class", "measures"]
EXPORT_EXTRA = ["整改状态", "办结日期", "原定时限"]
LEVEL_WORDS = {label: value for value, label in Level.choices} | {
    "个人": Level.INDIVIDUAL,
    "党员": Level.INDIVIDUAL,
    "基层党组织": Level.ORGANISATION,
    "支部": Level.ORGANISATION,
    "领导班子": Level.LEADERSHIP,
    "领导机关": Level.LEADERSHIP,
    "班子": Level.LEADERSHIP,
}
SOURCE_WORDS = {label: value for value, label in SourceKind.choices} | {
    "自查": SourceKind.SELF_FOUND,
    "自己查摆": SourceKind.SELF_FOUND,
    "批评": SourceKind.CRITICISM,
    "督导组反馈": SourceKind.GROUP_FOUND,
    "督导组指出": SourceKind.GROUP_FOUND,
    "问卷测评": SourceKind.SURVEY,
    "测评": SourceKind.SURVEY,
    "审核意见": SourceKind.REVIEW_COMMENT,
    "群众意见": SourceKind.OPINION,
    "征求意见": SourceKind.OPINION,
    "意见建议": SourceKind.OPINION,
}
HEADER_SEARCH_ROWS = 10


def class_words(template) -> dict[str, str]:
    words = {label: value for value, label in RectClass.choices}
    for code, rule in rules.classes(template).items():
        words[rule.name] = code
        words[rule.name.replace("整改", "")] = code
    return words


@dataclass
class LedgerOutcome:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: bool = False

    @property
    def summary(self) -> str:
        text = f"新增 {self.created} 项，修改 {self.changed} 项，未变 {self.unchanged} 项"
        return text + (f"，跳过有错的 {self.skipped_rows} 行" if self.skipped_rows else "")


def _find_header(rows: list[list]) -> tuple[int, dict[str, int]] | None:
    spellings = {text: name for name, texts in HEADERS.items() for text in texts}
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cols: dict[str, int] = {}
        for c, value in enumerate(row):
            name = spellings.get(clean_text(value).replace(" ", ""))
            if name is not None and name not in cols:
                cols[name] = c
        if all(name in cols for name in REQUIRED):
            return r, cols
    return None


def _parse_rows(sheet: str, rows, header_row: int, cols: dict[str, int], template, problems):
    classes = class_words(template)
    parsed: dict[int, dict] = {}
    bad_rows: set[int] = set()
    first: dict[int, int] = {}
    for r in range(header_row + 1, len(rows)):
        row = rows[r]
        excel_row = r + 1

        def cell(name, row=row):
            c = cols.get(name)
            return row[c] if c is not None and c < len(row) else None

        if all(clean_text(v) == "" for v in row):
            continue

        def err(name, message, excel_row=excel_row, cell=cell):
            # The column as the office's file names it (or our name when it has none).
            c = cols.get(name)
            header = clean_text(rows[header_row][c]) if c is not None else HEADERS[name][0]
            problems.append(Problem(sheet, excel_row, header, clean_text(cell(name)), message))
            bad_rows.add(excel_row)

        values: dict = {}
        number_text = clean_text(cell("number"))
        if not number_text.isdigit() or int(number_text) < 1:
            err("number", "序号应为正整数（1、2、3 …）")
        else:
            number = int(number_text)
            if number in first:
                err("number", f"序号 {number} 与第 {first[number]} 行重复")
            else:
                first[number] = excel_row
                values["number"] = number
        for name in ("problem", "measures"):
            values[name] = clean_text(cell(name))
            if not values[name]:
                err(name, f"请填写{HEADERS[name][0]}")
        for name in ("target", "expected_effect", "lead_name", "lead_post", "co_owners"):
            values[name] = clean_text(cell(name))
        try:
            values["rect_class"] = clean_choice(cell("rect_class"), classes, "整改类别")
            if values["rect_class"] is None:
                err("rect_class", "请填写整改类别")
        except CellError as exc:
            err("rect_class", str(exc))
        try:
            values["level"] = (
                clean_choice(cell("level"), LEVEL_WORDS, "整改层级") or Level.ORGANISATION
            )
        except CellError as exc:
            err("level", str(exc))
        try:
            values["source_kind"] = (
                clean_choice(cell("source_kind"), SOURCE_WORDS, "问题来源") or SourceKind.OTHER
            )
        except CellError as exc:
            err("source_kind", str(exc))
        try:
            values["deadline"] = clean_date(cell("deadline"))
        except CellError as exc:
            err("deadline", str(exc))
        if excel_row not in bad_rows:
            parsed[excel_row] = values
    return parsed, bad_rows


def import_ledger(*, actor, participation, data: bytes, partial: bool = False) -> LedgerOutcome:
    """Import an office's 整改台账 into the unit's items (see the module docstring)."""
    outcome = LedgerOutcome()
    problems = outcome.problems
    sheets, _errors = read_workbook(data)
    found = None
    for sheet, rows in sheets.items():
        header = _find_header(rows)
        if header is not None:
            found = (sheet, rows, *header)
            break
    if found is None:
        first_sheet = next(iter(sheets), "")
        wanted = "、".join(HEADERS[n][0] for n in REQUIRED)
        problems.append(
            Problem(first_sheet, 1, "", "", f"没有找到表头：台账须有“{wanted}”等列（列的顺序不限）")
        )
        return outcome
    sheet, rows, header_row, cols = found
    template = participation.campaign.template
    parsed, bad_rows = _parse_rows(sheet, rows, header_row, cols, template, problems)
    people = {}
    for person in Person.objects.filter(unit_id=participation.unit_id).select_related("user"):
        people.setdefault(person.name, []).append(person)
    existing = {i.number: i for i in Item.objects.filter(participation=participation)}
    leads = {}
    for excel_row, values in parsed.items():
        matches = people.get(values["lead_name"], []) if values["lead_name"] else []
        leads[excel_row] = matches[0] if len(matches) == 1 else None
        # The post defaults to the matched person's position, as on the page; compared so.
        if not values["lead_post"] and leads[excel_row] is not None:
            values["lead_post"] = leads[excel_row].position
    for excel_row, values in parsed.items():
        item = existing.get(values["number"])
        if item is not None and item.status != ItemStatus.OPEN and _differs(item, values):
            problems.append(
                Problem(
                    sheet,
                    excel_row,
                    "序号",
                    str(values["number"]),
                    f"第 {values['number']} 项已{item.get_status_display()}，不能通过导入修改",
                )
            )
            bad_rows.add(excel_row)
    outcome.skipped_rows = len(bad_rows)
    if problems and not partial:
        return outcome
    with transaction.atomic():
        for excel_row, values in parsed.items():
            if excel_row in bad_rows:
                continue
            item = existing.get(values["number"])
            if item is None:
                lead = leads[excel_row]
                actions.create_item(
                    actor=actor,
                    participation=participation,
                    number=values["number"],
                    level=values["level"],
                    problem=values["problem"],
                    source_kind=values["source_kind"],
                    rect_class=values["rect_class"],
                    measures=values["measures"],
                    target=values["target"],
                    expected_effect=values["expected_effect"],
                    lead_name=values["lead_name"],
                    lead_post=values["lead_post"],
                    lead_person=lead,
                    co_owners=values["co_owners"],
                    deadline=values["deadline"],
                )
                outcome.created += 1
            elif _differs(item, values):
                item.participation = participation
                changes = {k: v for k, v in values.items() if k not in ("number", "deadline")}
                actions.update_item(actor=actor, item=item, changes=changes)
                outcome.changed += 1
            else:
                outcome.unchanged += 1
    outcome.written = True
    return outcome


def _differs(item: Item, values: dict) -> bool:
    for name, value in values.items():
        if name in ("number",):
            continue
        if name == "deadline":
            # An empty deadline took the class default; a deadline is changed by an extension.
            continue
        if getattr(item, name) != value:
            return True
    return False


# --- export -----------------------------------------------------------------------------------

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WIDTHS = [6, 10, 36, 12, 10, 36, 20, 20, 10, 12, 14, 12, 12, 12, 12]


def _date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def export_ledger(participation, items) -> bytes:
    """The unit's ledger in the import layout (so it can be edited and imported again), with
    status columns after, laid out for A4 landscape printing."""
    template = participation.campaign.template
    class_names = {code: r.name for code, r in rules.classes(template).items()}
    headers = [texts[0] for texts in HEADERS.values()] + EXPORT_EXTRA
    wb = Workbook()
    ws = wb.active
    ws.title = "整改台账"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.cell(1, 1, title_line(f"{participation.unit_name}整改台账"))
    ws.cell(1, 1).font = Font(bold=True, size=16)
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    for c, text in enumerate(headers, start=1):
        cell = ws.cell(2, c, text)
        cell.font = Font(bold=True)
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    r = 2
    for item in items:
        r += 1
        values = [
            item.number,
            item.get_level_display(),
            item.problem,
            item.get_source_kind_display(),
            class_names.get(item.rect_class, item.get_rect_class_display()),
            item.measures,
            item.target,
            item.expected_effect,
            item.lead_name,
            item.lead_post,
            item.co_owners,
            item.deadline,
            item.get_status_display(),
            _date(item.closed_on),
            _date(item.original_deadline) if item.extended else "",
        ]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c, value)
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if c == 12:
                cell.number_format = "yyyy年m月d日"
    for c, width in enumerate(WIDTHS[: len(headers)], start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
