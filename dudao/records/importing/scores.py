"""Importing the scores of a knowledge test (成绩 sheet: score or reason for absence)."""

from __future__ import annotations

from dudao.imports.excel import CellError, Problem, clean_code, clean_text, read_workbook

from .. import actions
from ..models import KnowledgeTest
from ._common import (
    SCORE_HEADERS,
    SCORES_SHEET,
    ImportOutcome,
    _cell,
    _decimal,
    _header,
    _header_first,
    _is_blank,
    _person,
    _rows_of,
    _unit_people,
)


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
