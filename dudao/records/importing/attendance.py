"""Importing attendance: the 学习记录 sheet of sessions and the 出勤 matrix of members by
session, matched on (phase, date, kind, topic) so that a second import changes nothing."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from dudao.campaigns.models import Participation
from dudao.imports.excel import (
    CellError,
    Problem,
    clean_code,
    clean_date,
    clean_text,
    read_workbook,
)

from .. import actions, kinds
from ..models import StudySession
from ._common import (
    ABSENT,
    MATRIX_SHEET,
    PRESENT,
    SESSION_HEADERS,
    SESSION_REQUIRED,
    SESSIONS_SHEET,
    ImportOutcome,
    _cell,
    _decimal,
    _header,
    _header_first,
    _is_blank,
    _person,
    _rows_of,
    _time,
    _unit_people,
)


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
