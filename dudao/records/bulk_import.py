"""Excel import of any record kind, one row a record (a unit that held 160 forums, a team with
600 criticisms: one file). The same rules as the roster import (``dudao.imports.excel``
reading helpers, ``Problem`` rows naming sheet, row, column and what to do):

* all or nothing by default — any wrong row and nothing is stored; "仅导入无误的行" stores the
  good rows and lists the others;
* a row is checked by the kind's own action (the same refusals as the form), each in a
  savepoint, so a refused row leaves nothing behind;
* re-importing the same file changes nothing: a row whose key (``RecordKind.natural_key``)
  matches a record of the phase edits that record where the file says something else, and
  is counted as unchanged otherwise;
* a frozen phase (``checks.frozen_reason``) takes no import at all.
"""

from __future__ import annotations

import io

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font

from dudao.core.errors import DomainError
from dudao.imports.excel import (
    CellError,
    Problem,
    clean_code,
    clean_text,
    header_row,
    normal_text,
    read_workbook,
)

from . import actions, kinds
from .access import check_writer
from .checks import check_open, plain, resolve_phase
from .importing import ImportOutcome
from .models import Meeting
from .registry import Labels, RecordKind

HELP_SHEET = "说明"


class Lookups:
    """What a cell may name, within the unit (and the phase) only."""

    def __init__(self, participation, phase: str):
        from dudao.orgs.models import Person

        self.participation = participation
        self.phase = phase
        self.labels = Labels(participation, phase)
        people = list(Person.objects.filter(unit_id=participation.unit_id))
        self.by_code = {p.code: p for p in people}
        self.by_name: dict[str, list] = {}
        for p in people:
            self.by_name.setdefault(p.name, []).append(p)
        self._meetings = None

    def person(self, value):
        code, name = clean_code(value), clean_text(value)
        if code in self.by_code:
            return self.by_code[code]
        found = self.by_name.get(name, [])
        if len(found) == 1:
            return found[0]
        if found:
            raise CellError(f"本单位有 {len(found)} 名“{name}”，请改填人员编号以区分")
        raise CellError(
            f"本单位没有人员编号或姓名为“{name}”的党员，请核对（{self.participation.unit_name}）"
        )

    def meeting(self, value):
        if self._meetings is None:
            self._meetings = {}
            rows = Meeting.objects.filter(participation=self.participation).order_by("date", "pk")
            for m in rows:
                self._meetings[m.title] = m
        title = clean_text(value)
        if title not in self._meetings:
            raise CellError(f"本单位没有名为“{title}”的会议，请先登记会议或清空此格")
        return self._meetings[title]

    def requirement(self, value):
        text = clean_text(value)
        allowed = kinds.exemptable(self.participation.campaign, self.phase)
        for code, req in allowed.items():
            if text in (code, req["name"]):
                return code
        shown = "、".join(r["name"] for r in allowed.values()) or "（本阶段没有可免于的要求）"
        raise CellError(f"“{text}”不是本阶段可免于的要求，可填：{shown}")


def _sheet(sheets: dict, kind: RecordKind, problems):
    if kind.label in sheets:
        return kind.label, sheets[kind.label]
    data_sheets = [name for name in sheets if name != HELP_SHEET]
    if len(data_sheets) == 1:  # a single sheet under another name is still read
        return data_sheets[0], sheets[data_sheets[0]]
    problems.append(
        Problem(kind.label, 1, "", "", f"找不到名为“{kind.label}”的工作表。请使用下载的导入模板。")
    )
    return kind.label, None


def _read_rows(kind: RecordKind, sheet: str, rows: list[list], lookups: Lookups, problems):
    """[(row number, data)] of rows whose cells all read; a problem for every bad cell."""
    # The header is found below any title rows an office puts above it (matched on the
    # normalised text, so "开始时间 " or a full-width colon still names the column).
    h = header_row(rows, [c.header for c in kind.import_columns])
    if h is None:
        wanted = "、".join(c.header for c in kind.import_columns if c.required)
        problems.append(
            Problem(
                sheet,
                1,
                "",
                "",
                f"没有找到表头：应有“{wanted}”等列（表头上方可以有标题行）。请使用下载的导入模板。",
            )
        )
        return []
    head = [normal_text(v) for v in rows[h]]
    cols = {
        c.header: head.index(normal_text(c.header))
        for c in kind.import_columns
        if normal_text(c.header) in head
    }
    missing = [c.header for c in kind.import_columns if c.required and c.header not in cols]
    for header in missing:
        problems.append(
            Problem(
                sheet, h + 1, header, "", f"缺少“{header}”列。请使用下载的导入模板，不要改动表头。"
            )
        )
    if missing:
        return []
    out = []
    for number, row in enumerate(rows[h + 1 :], start=h + 2):
        cells = {h: (row[i] if i < len(row) else None) for h, i in cols.items()}
        if all(clean_text(v) == "" for v in cells.values()):
            continue
        data, bad = {}, False
        for column in kind.import_columns:
            if column.header not in cols:
                continue
            raw = cells[column.header]
            if column.required and clean_text(raw) == "":
                problems.append(Problem(sheet, number, column.header, "", f"请填写{column.header}"))
                bad = True
                continue
            try:
                value = column.parse(raw, lookups)
            except CellError as exc:
                problems.append(Problem(sheet, number, column.header, clean_text(raw), str(exc)))
                bad = True
                continue
            if value is not None:
                data[column.key] = value
        if not bad:
            out.append((number, data))
    return out


def _key(kind: RecordKind, fields: dict) -> tuple:
    return tuple(plain(fields.get(f)) for f in kind.natural_key)


def _existing(kind: RecordKind, participation, phase: str) -> dict:
    qs = kind.model.objects.filter(participation=participation, phase=phase)
    if hasattr(kind.model, "withdrawn_at"):
        qs = qs.filter(withdrawn_at__isnull=True)
    return {
        tuple(plain(r.serializable_value(f)) for f in kind.natural_key): r
        for r in qs.order_by("pk")
    }


def import_kind(
    kind: RecordKind,
    *,
    actor,
    participation,
    data: bytes,
    phase: str | None = None,
    only_valid: bool = False,
) -> ImportOutcome:
    """Check every row, then store (all rows valid, or ``only_valid``) in one transaction.
    Raises FileRejected for a file that is not a workbook, DomainError for a frozen phase."""
    check_writer(actor, participation)
    phase = resolve_phase(participation, phase)
    check_open(participation, phase)
    sheets, _errors = read_workbook(data)
    outcome = ImportOutcome()
    problems = outcome.problems
    sheet, rows = _sheet(sheets, kind, problems)
    if rows is None:
        return outcome
    lookups = Lookups(participation, phase)
    parsed = _read_rows(kind, sheet, rows, lookups, problems)
    bad_rows = {p.row for p in problems}
    if not parsed and not problems:
        problems.append(Problem(sheet, 2, "", "", f"没有可导入的{kind.label}"))
        return outcome
    with transaction.atomic():
        existing = _existing(kind, participation, phase)
        seen: dict[tuple, int] = {}
        for number, row in parsed:
            try:
                with transaction.atomic():
                    _store(kind, actor, participation, phase, row, existing, seen, number, outcome)
            except DomainError as exc:
                problems.append(Problem(sheet, number, "", "", exc.message))
                bad_rows.add(number)
        outcome.skipped_rows = len(bad_rows)
        if problems and not only_valid:
            transaction.set_rollback(True)
            outcome.created = outcome.changed = outcome.unchanged = 0
            return outcome
        outcome.audit(actor, kind.code, participation, phase)
    outcome.imported = True
    return outcome


def _store(kind, actor, participation, phase, row, existing, seen, number, outcome) -> None:
    fields = kind.clean(participation, row, None)  # the row's refusals, before any write
    key = _key(kind, fields)
    if kind.natural_key and key in seen:
        raise DomainError(f"与第 {seen[key]} 行是同一条{kind.noun}，请删去一行")
    seen[key] = number
    record = existing.get(key) if kind.natural_key else None
    if record is None:
        actions.create_record(kind, actor=actor, participation=participation, data=row, phase=phase)
        outcome.created += 1
        return
    if not kind.editable:
        actions.create_record(kind, actor=actor, participation=participation, data=row, phase=phase)
        outcome.unchanged += 1
        return
    version = record.version
    merged = {**actions.record_data(kind, record), **row}
    record = actions.edit_record(
        kind, actor=actor, record=record, expected_version=version, data=merged, phase=phase
    )
    if record.version != version:
        outcome.changed += 1
    else:
        outcome.unchanged += 1


def template(kind: RecordKind, participation, phase: str) -> bytes:
    """The workbook to fill in: the kind's sheet with its headers, and what each column takes."""
    wb = Workbook()
    ws = wb.active
    ws.title = kind.label
    ws.append([c.header for c in kind.import_columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, c in enumerate(kind.import_columns):
        ws.column_dimensions[chr(ord("A") + i)].width = 30 if c.key in ("text", "note") else 14
    help_ws = wb.create_sheet(HELP_SHEET)
    help_ws.append(
        [f"{participation.unit_name} · {kinds.phase_name(participation.campaign, phase)}"]
    )
    help_ws.append(["每行一条记录；带 * 的列必填。同一文件重复导入不会重复登记。"])
    for c in kind.import_columns:
        help_ws.append([f"{c.header}{' *' if c.required else ''}", c.hint])
    help_ws.column_dimensions["A"].width = 40
    help_ws.column_dimensions["B"].width = 60
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
