"""What the attendance and score imports share: the sheet names and headers of the workbooks,
the outcome of an import, the cell readers and the lookup of a person, and the message for a
rejected file."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from dudao.campaigns.models import Participation
from dudao.core.audit import record_event
from dudao.core.errors import DomainError
from dudao.imports.excel import CellError, FileRejected, Problem, clean_code, clean_text, header_row
from dudao.orgs.models import Person

SESSIONS_SHEET = "学习记录"
MATRIX_SHEET = "出勤"
SCORES_SHEET = "成绩"
SESSION_HEADERS = ["序号", "日期", "学习形式", "学时", "主题", "主讲人", "开始时间", "结束时间"]
SESSION_REQUIRED = ["序号", "日期", "学习形式", "学时", "主题"]
SCORE_HEADERS = ["人员编号", "姓名", "成绩", "缺考原因"]
PRESENT = {"✓", "√", "✔", "v", "V", "是", "到", "出席"}
ABSENT = {"", "×", "✗", "x", "X", "0", "否", "缺", "缺席"}


@dataclass
class ImportOutcome:
    problems: list[Problem] = field(default_factory=list)
    imported: bool = False
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped_rows: int = 0

    def audit(self, actor, code: str, participation: Participation, phase: str) -> None:
        """One event for the whole import (each stored row has its own as well)."""
        if not (self.created or self.changed):
            return
        record_event(
            actor=actor,
            action=f"records.import.{code}",
            target=participation,
            campaign_id=participation.campaign_id,
            organisation_id=participation.unit_id,
            data={
                "phase": phase,
                "created": self.created,
                "changed": self.changed,
                "unchanged": self.unchanged,
                "skipped_rows": self.skipped_rows,
            },
        )

    @property
    def summary(self) -> str:
        return f"新增 {self.created} 项，修改 {self.changed} 项，未变 {self.unchanged} 项" + (
            f"，跳过有错的 {self.skipped_rows} 行" if self.skipped_rows else ""
        )


def _header_first(rows: list[list], known: list[str]) -> list[list]:
    """The sheet with its header row moved to the top and the title rows above it (a sheet
    title, a merged "填报单位：…" line) left as blank rows, so that every other row keeps its
    number in the sheet and the readers below still find the header in the first row."""
    h = header_row(rows, known) if rows else None
    if not h:
        return rows
    return [rows[h]] + [[] for _ in range(h)] + rows[h + 1 :]


def _header(rows: list[list], sheet: str, wanted: list[str], required: list[str], problems):
    """{header: column index}; a missing required header is a whole-sheet problem."""
    head = [clean_text(v) for v in (rows[0] if rows else [])]
    cols = {}
    for name in wanted:
        if name in head:
            cols[name] = head.index(name)
    for name in required:
        if name not in cols:
            problems.append(
                Problem(sheet, 1, name, "", f"缺少“{name}”列。请使用下载的导入模板，不要改动表头。")
            )
    return cols, head


def _cell(row: list, index: int | None):
    if index is None or index >= len(row):
        return None
    return row[index]


def _is_blank(row: list) -> bool:
    return all(clean_text(v) == "" for v in row)


def _decimal(value) -> Decimal:
    text = clean_text(value)
    try:
        return Decimal(text).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise CellError(f"应为数字，实际为“{text}”") from None


def _time(value) -> dt.time | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.time):
        return value
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, float) and 0 <= value < 1:  # Excel stores a time as a day fraction
        minutes = round(value * 24 * 60)
        return dt.time(minutes // 60, minutes % 60)
    m = re.fullmatch(r"(\d{1,2})[:：时点](\d{2})分?", clean_text(value).replace(" ", ""))
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise CellError(f"无法识别的时间“{clean_text(value)}”，请写成 19:30")
    return dt.time(int(m.group(1)), int(m.group(2)))


def _unit_people(participation: Participation):
    people = list(Person.objects.filter(unit_id=participation.unit_id).select_related("branch"))
    by_code = {p.code: p for p in people}
    by_name: dict[str, list[Person]] = {}
    for p in people:
        by_name.setdefault(p.name, []).append(p)
    return by_code, by_name


def _person(code_value, name_value, by_code, by_name, participation) -> Person:
    code, name = clean_code(code_value), clean_text(name_value)
    if code:
        person = by_code.get(code)
        if person is None:
            other = Person.objects.filter(code=code).first()
            if other is not None:
                raise CellError(
                    f"{other.name}（{code}）不是{participation.unit_name}的党员，请删去这一行"
                )
            raise CellError(f"本单位没有人员编号为“{code}”的党员，请核对编号")
        if name and name != person.name:
            raise CellError(f"人员编号“{code}”是{person.name}，与姓名“{name}”不符，请核对")
        return person
    if not name:
        raise CellError("请填写人员编号或姓名")
    found = by_name.get(name, [])
    if len(found) == 1:
        return found[0]
    if not found:
        raise CellError(f"本单位没有名为“{name}”的党员，请核对姓名或填写人员编号")
    raise CellError(f"本单位有 {len(found)} 名“{name}”，请填写人员编号以区分")


def _rows_of(sheets: dict, name: str, problems) -> list[list] | None:
    if name in sheets:
        return sheets[name]
    problems.append(
        Problem(
            name, 1, "", "", f"找不到名为“{name}”的工作表。请使用下载的导入模板，不要改工作表名。"
        )
    )
    return None


def reject_message(exc: Exception) -> str:
    if isinstance(exc, FileRejected | DomainError):
        return getattr(exc, "message", None) or str(exc)
    return str(exc)
