"""Excel import of attendance and test scores, and the template workbooks to fill in.

Reading reuses the project's cleaners (``dudao.imports.excel``: file-type sniffing, error cells,
full-width digits, dates typed as text). Every problem is named with sheet, row, column and what
to do; nothing is imported while any row is wrong unless the user asks for the good rows only.
Sessions are matched on (phase, date, kind, topic), so importing the same file again finds
every session and attendance as it is and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font

from dudao.campaigns.models import Participation
from dudao.core.audit import record_event
from dudao.core.errors import DomainError
from dudao.imports.excel import (
    CellError,
    FileRejected,
    Problem,
    clean_code,
    clean_date,
    clean_text,
    header_row,
    read_workbook,
)
from dudao.orgs.models import Person

from . import actions, kinds
from .models import KnowledgeTest, StudySession

SESSIONS_SHEET = "学习记录"
MATRIX_SHEET = "出勤"
SCORES_SHEET = "成绩"
SESSION_HEADERS = ["序号", "日期", "学习形式", "学时", "主题", "主讲人", "开始时间", "结束时间"]
SESSION_REQUIRED = ["序号", "日期", "学习形式", "学时", "主题"]
SCORE_HEADERS = ["人员编号", "姓名", "成绩", "缺考原因"]
PRESENT = {"✓", "√", "✔", "v", "V", "是", "到", "出席"}
ABSENT = {"", "×", "✗", "x", "X", "0", "否", "缺", "缺席"}

__all__ = ["FileRejected", "ImportOutcome", "import_attendance", "import_scores"]


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


# --- attendance ------------------------------------------------------------------------------


@dataclass
class _Session:
    number: str
    row: int
    date: dt.date
    kind: str
    hours: Decimal
    topic: str
    speaker: str
    start: dt.time | None
    end: dt.time | None


def _parse_sessions(rows, participation, problems) -> tuple[dict[str, _Session], set[str]]:
    """The valid sessions by number, and the numbers of rows that were wrong."""
    rows = _header_first(rows, SESSION_HEADERS)
    cols, _head = _header(rows, SESSIONS_SHEET, SESSION_HEADERS, SESSION_REQUIRED, problems)
    if any(h not in cols for h in SESSION_REQUIRED):
        return {}, set()
    names = kinds.session_kinds(participation.campaign)
    by_name = {name: code for code, name in names.items()} | {c: c for c in names}
    out: dict[str, _Session] = {}
    bad_numbers: set[str] = set()
    keys = {}
    for i, row in enumerate(rows[1:], start=2):
        number = clean_code(_cell(row, cols["序号"]))
        rest = [_cell(row, cols[h]) for h in ("日期", "学习形式", "学时", "主题")]
        if _is_blank(rest) and _is_blank([_cell(row, cols.get("主讲人"))]):
            continue  # a numbered row left empty in the template
        bad = False

        def err(column, value, message, i=i):
            nonlocal bad
            bad = True
            problems.append(Problem(SESSIONS_SHEET, i, column, clean_text(value), message))

        if not number:
            err("序号", "", "请填写序号（与“出勤”表的列标题对应，如 1、2、3）")
        elif number in out:
            err("序号", number, f"序号 {number} 重复，请给每场学习不同的序号")
        try:
            date = clean_date(_cell(row, cols["日期"]))
            if date is None:
                raise CellError("请填写日期，如 2005-01-23")
        except CellError as exc:
            err("日期", _cell(row, cols["日期"]), str(exc))
            date = None
        kind_text = clean_text(_cell(row, cols["学习形式"]))
        kind = by_name.get(kind_text)
        if kind is None:
            err("学习形式", kind_text, f"学习形式只能填：{'、'.join(names.values())}")
        try:
            hours = _decimal(_cell(row, cols["学时"]))
            if hours <= 0 or hours > 24:
                raise CellError(f"学时应大于 0 且不超过 24，实际为 {hours}")
        except CellError as exc:
            err("学时", _cell(row, cols["学时"]), str(exc))
            hours = None
        topic = clean_text(_cell(row, cols["主题"]))
        if not topic:
            err("主题", "", "请填写学习主题")
        times = []
        for h in ("开始时间", "结束时间"):
            try:
                times.append(_time(_cell(row, cols.get(h))))
            except CellError as exc:
                err(h, _cell(row, cols.get(h)), str(exc))
                times.append(None)
        if times[0] and times[1] and times[1] <= times[0]:
            err("结束时间", clean_text(_cell(row, cols["结束时间"])), "结束时间应晚于开始时间")
        if bad:
            bad_numbers.add(number)
            continue
        key = (date, kind, topic)
        if key in keys:
            err(
                "主题",
                topic,
                f"与第 {keys[key]} 行是同一场学习（日期、形式、主题都相同），请删去一行",
            )
            bad_numbers.add(number)
            continue
        keys[key] = i
        out[number] = _Session(
            number,
            i,
            date,
            kind,
            hours,
            topic[:200],
            clean_text(_cell(row, cols.get("主讲人")))[:100],
            times[0],
            times[1],
        )
    return out, bad_numbers


def _session_number(header_text: str) -> str:
    m = re.fullmatch(r"第?(\d+)场?", header_text.replace(" ", ""))
    return m.group(1) if m else header_text


def _parse_matrix(rows, participation, sessions, problems, bad_sessions):
    """{person id: {session number: hours}} for the valid member rows; the rows skipped."""
    if not rows:
        problems.append(Problem(MATRIX_SHEET, 1, "", "", "“出勤”表是空的，请使用下载的模板"))
        return {}, 0
    rows = _header_first(rows, ["人员编号", "姓名", *(f"第{n}场" for n in sessions)])
    head = [clean_text(v) for v in rows[0]]
    if "人员编号" not in head and "姓名" not in head:
        problems.append(
            Problem(MATRIX_SHEET, 1, "人员编号", "", "缺少“人员编号”和“姓名”列，请使用下载的模板")
        )
        return {}, 0
    code_i = head.index("人员编号") if "人员编号" in head else None
    name_i = head.index("姓名") if "姓名" in head else None
    session_cols = {
        i: _session_number(text)
        for i, text in enumerate(head)
        if i not in (code_i, name_i) and text
    }
    by_code, by_name = _unit_people(participation)
    out, seen, skipped = {}, {}, 0
    for i, row in enumerate(rows[1:], start=2):
        if _is_blank(row):
            continue
        bad = False
        try:
            person = _person(
                _cell(row, code_i), _cell(row, name_i), by_code, by_name, participation
            )
        except CellError as exc:
            problems.append(
                Problem(
                    MATRIX_SHEET,
                    i,
                    "人员编号" if clean_code(_cell(row, code_i)) else "姓名",
                    clean_text(_cell(row, code_i)) or clean_text(_cell(row, name_i)),
                    str(exc),
                )
            )
            skipped += 1
            continue
        if person.pk in seen:
            problems.append(
                Problem(
                    MATRIX_SHEET,
                    i,
                    "姓名",
                    person.name,
                    f"{person.name}已在第 {seen[person.pk]} 行，请删去重复的一行",
                )
            )
            skipped += 1
            continue
        seen[person.pk] = i
        ticks = {}
        for col, number in session_cols.items():
            raw = _cell(row, col)
            text = clean_text(raw)
            if text in ABSENT:
                continue
            column = f"{head[col]}（第 {number} 场）" if head[col] != number else f"第 {number} 场"
            session = sessions.get(number)
            if session is None:
                if number in bad_sessions:
                    continue  # that session's row is reported and will not be imported
                problems.append(
                    Problem(
                        MATRIX_SHEET,
                        i,
                        column,
                        text,
                        f"“学习记录”表中没有序号为 {number} 的学习，请补上该场学习或清空这一列",
                    )
                )
                bad = True
                continue
            if text in PRESENT or text == "1":
                ticks[number] = None  # the session's hours
                continue
            try:
                hours = _decimal(raw)
            except CellError:
                problems.append(
                    Problem(
                        MATRIX_SHEET,
                        i,
                        column,
                        text,
                        "出席请填 ✓、√ 或 1，只参加部分时间请填学时数，缺席留空",
                    )
                )
                bad = True
                continue
            if hours <= 0 or hours > session.hours:
                problems.append(
                    Problem(
                        MATRIX_SHEET,
                        i,
                        column,
                        text,
                        f"计入学时应大于 0 且不超过该场学时 {session.hours}",
                    )
                )
                bad = True
                continue
            ticks[number] = None if hours == session.hours else hours
        if bad:
            skipped += 1
            continue
        out[person.pk] = ticks
    return out, skipped


def _rows_of(sheets: dict, name: str, problems) -> list[list] | None:
    if name in sheets:
        return sheets[name]
    problems.append(
        Problem(
            name, 1, "", "", f"找不到名为“{name}”的工作表。请使用下载的导入模板，不要改工作表名。"
        )
    )
    return None


def import_attendance(
    *,
    actor,
    participation: Participation,
    data: bytes,
    phase: str | None = None,
    only_valid: bool = False,
) -> ImportOutcome:
    """Check the workbook, then (all rows valid, or ``only_valid``) record its sessions and
    attendance in one transaction. Raises FileRejected for a file that is not a workbook."""
    sheets, _errors = read_workbook(data)
    outcome = ImportOutcome()
    problems = outcome.problems
    session_rows = _rows_of(sheets, SESSIONS_SHEET, problems)
    matrix_rows = _rows_of(sheets, MATRIX_SHEET, problems)
    if session_rows is None or matrix_rows is None:
        return outcome
    sessions, bad_sessions = _parse_sessions(session_rows, participation, problems)
    # A wrong session row is reported once; its attendance column is not reported again.
    matrix, skipped = _parse_matrix(matrix_rows, participation, sessions, problems, bad_sessions)
    outcome.skipped_rows = skipped + len(bad_sessions)
    if problems and not only_valid:
        return outcome
    if not sessions:
        if not problems:
            problems.append(Problem(SESSIONS_SHEET, 2, "", "", "没有可导入的学习记录"))
        return outcome
    phase = actions.resolve_phase(participation, phase)
    with transaction.atomic():
        for s in sessions.values():
            attendance = {pk: t[s.number] for pk, t in matrix.items() if s.number in t}
            existing = (
                StudySession.objects.filter(
                    participation=participation,
                    phase=phase,
                    date=s.date,
                    kind=s.kind,
                    topic=s.topic,
                )
                .order_by("pk")
                .first()
            )
            if existing is None:
                actions.record_session(
                    actor=actor,
                    participation=participation,
                    phase=phase,
                    kind=s.kind,
                    date=s.date,
                    hours=s.hours,
                    topic=s.topic,
                    speaker=s.speaker,
                    start_time=s.start,
                    end_time=s.end,
                    attendance=list(attendance),
                    hours_by_person={k: v for k, v in attendance.items() if v is not None},
                )
                outcome.created += 1
                continue
            version = existing.version
            if (existing.hours, existing.speaker) != (s.hours, s.speaker) or (
                (s.start or s.end) and (existing.start_time, existing.end_time) != (s.start, s.end)
            ):
                existing = actions.edit_session(
                    actor=actor,
                    session=existing,
                    expected_version=existing.version,
                    kind=existing.kind,
                    date=existing.date,
                    hours=s.hours,
                    topic=existing.topic,
                    speaker=s.speaker,
                    speaker_role=existing.speaker_role,
                    start_time=s.start or existing.start_time,
                    end_time=s.end or existing.end_time,
                    branch=existing.branch,
                    note=existing.note,
                    phase=existing.phase,
                )
            # Members the file does not list (or whose rows were skipped) keep their attendance.
            current = dict(existing.attendances.values_list("person_id", "hours"))
            plan = {pk: h for pk, h in current.items() if pk not in matrix}
            plan.update(
                {pk: (h if h is not None else existing.hours) for pk, h in attendance.items()}
            )
            existing = actions.set_attendance(
                actor=actor,
                session=existing,
                person_ids=list(plan),
                hours_by_person={pk: h for pk, h in plan.items() if h != existing.hours},
            )
            if existing.version != version:
                outcome.changed += 1
            else:
                outcome.unchanged += 1
        outcome.audit(actor, "attendance", participation, phase)
    outcome.imported = True
    return outcome


# --- test scores -----------------------------------------------------------------------------


def import_scores(
    *, actor, test: KnowledgeTest, data: bytes, only_valid: bool = False
) -> ImportOutcome:
    sheets, _errors = read_workbook(data)
    outcome = ImportOutcome()
    problems = outcome.problems
    participation = test.participation
    rows = sheets.get(SCORES_SHEET)
    if rows is None:
        # A single-sheet workbook under another name is still read.
        rows = next(iter(sheets.values())) if len(sheets) == 1 else None
    if rows is None:
        _rows_of(sheets, SCORES_SHEET, problems)
        return outcome
    sheet = SCORES_SHEET if SCORES_SHEET in sheets else next(iter(sheets))
    rows = _header_first(rows, SCORE_HEADERS)
    cols, _head = _header(rows, sheet, SCORE_HEADERS, ["成绩", "缺考原因"], problems)
    if "人员编号" not in cols and "姓名" not in cols:
        problems.append(
            Problem(sheet, 1, "人员编号", "", "缺少“人员编号”和“姓名”列，请使用下载的模板")
        )
    if problems:
        return outcome
    by_code, by_name = _unit_people(participation)
    results, seen = [], {}
    current = dict(test.results.values_list("person_id", "score"))
    reasons = dict(test.results.values_list("person_id", "absence_reason"))
    for i, row in enumerate(rows[1:], start=2):
        if _is_blank(row):
            continue
        try:
            person = _person(
                _cell(row, cols.get("人员编号")),
                _cell(row, cols.get("姓名")),
                by_code,
                by_name,
                participation,
            )
        except CellError as exc:
            column = "人员编号" if clean_code(_cell(row, cols.get("人员编号"))) else "姓名"
            problems.append(
                Problem(sheet, i, column, clean_text(_cell(row, cols.get(column))), str(exc))
            )
            outcome.skipped_rows += 1
            continue
        if person.pk in seen:
            problems.append(
                Problem(
                    sheet,
                    i,
                    "姓名",
                    person.name,
                    f"{person.name}已在第 {seen[person.pk]} 行，请删去重复的一行",
                )
            )
            outcome.skipped_rows += 1
            continue
        seen[person.pk] = i
        raw, reason = _cell(row, cols["成绩"]), clean_text(_cell(row, cols["缺考原因"]))
        score = None
        if clean_text(raw):
            try:
                score = _decimal(raw)
                if score < 0 or score > test.full_score:
                    raise CellError(f"成绩应在 0 到 {test.full_score} 之间，实际为 {score}")
            except CellError as exc:
                problems.append(Problem(sheet, i, "成绩", clean_text(raw), str(exc)))
                outcome.skipped_rows += 1
                continue
        if score is not None and reason:
            problems.append(
                Problem(sheet, i, "缺考原因", reason, "已有成绩的不填缺考原因；缺考的请清空成绩")
            )
            outcome.skipped_rows += 1
            continue
        if score is None and not reason:
            problems.append(
                Problem(sheet, i, "成绩", "", f"请填写{person.name}的成绩，缺考的填写缺考原因")
            )
            outcome.skipped_rows += 1
            continue
        results.append((person.pk, score, reason))
    if problems and not only_valid:
        return outcome
    for pk, score, reason in results:
        if pk not in current:
            outcome.created += 1
        elif current[pk] == score and reasons[pk] == reason[:200]:
            outcome.unchanged += 1
        else:
            outcome.changed += 1
    if results:
        actions.enter_test_results(actor=actor, test=test, results=results)
    outcome.imported = True
    return outcome


# --- template workbooks ----------------------------------------------------------------------


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


def reject_message(exc: Exception) -> str:
    if isinstance(exc, FileRejected | DomainError):
        return getattr(exc, "message", None) or str(exc)
    return str(exc)
