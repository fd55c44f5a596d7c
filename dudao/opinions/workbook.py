"""The opinion register in Excel (征求意见登记表): import an office's own sheet, export the
same layout.

The sheets offices keep: a merged title row ("XX单位征求意见建议汇总表"), maybe a note under
it, then a header row (found with ``imports.excel.header_row``), then one row per opinion. Columns
are found by their header text (several spellings each), in any order; .xlsx, .xls, .ods and
GBK or UTF-8 .csv all read. Every bad row is named with its row number (as Excel numbers it),
its column and what to do, and nothing is written unless every row is right (or the user asks
for the good rows only). Rows are matched on the office's 序号 when the sheet has one, else on
their content: importing the same file again changes nothing.

Speed (bench/opinions.py: 200,000 rows): rows are parsed in Python, their band keys computed
for the whole sheet in one numpy pass and written on the opinion rows themselves, the rows
with one ``executemany``, and one audit event names the import. No index row per band key is
written (that index holds classified opinions only: ``OpinionBand``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import connection, transaction

from dudao.core.audit import record_event
from dudao.core.errors import DomainError
from dudao.imports.excel import (
    CellError,
    Problem,
    clean_choice,
    clean_date,
    clean_text,
    header_row,
    normal_text,
    read_workbook,
)
from dudao.orgs.models import Person

from . import actions, similarity
from .access import unit_permits
from .models import Channel, GiverKind, Opinion, Origin, TargetKind

HEADERS: dict[str, list[str]] = {
    "number": ["序号", "编号"],
    "given_on": ["日期", "征求日期", "提出日期", "时间"],
    "channel": ["征求渠道", "渠道", "征求方式", "来源渠道"],
    "giver_kind": ["提出人类别", "意见来源", "提出人身份", "身份"],
    "giver_note": ["提出人情况", "提出人", "提出人单位"],
    "target_kind": ["意见对象", "针对对象", "对象"],
    "target_name": ["所提个人", "被提意见人", "针对个人", "姓名"],
    "text": ["意见内容", "意见建议", "意见建议内容", "内容", "主要意见"],
}
REQUIRED = ["given_on", "channel", "target_kind", "text"]
CHANNEL_WORDS = {label: value for value, label in Channel.choices} | {
    "座谈": Channel.FORUM,
    "个别访谈": Channel.TALK,
    "个别谈心": Channel.TALK,
    "谈话": Channel.TALK,
    "问卷": Channel.QUESTIONNAIRE,
    "意见箱": Channel.BOX,
    "热线": Channel.HOTLINE,
    "电话": Channel.HOTLINE,
    "网站": Channel.WEB,
    "网上": Channel.WEB,
    "信函": Channel.LETTER,
    "征求意见表": Channel.LETTER,
    "评风活动": Channel.CONDUCT_REVIEW,
}
GIVER_WORDS = {label: value for value, label in GiverKind.choices} | {
    "党代表": GiverKind.DEPUTY,
    "人大代表": GiverKind.DEPUTY,
    "政协委员": GiverKind.DEPUTY,
    "代表委员": GiverKind.DEPUTY,
    "群众": GiverKind.PUBLIC_REP,
    "服务对象代表": GiverKind.SERVICE,
    "管理服务对象": GiverKind.SERVICE,
    "干部": GiverKind.CADRE,
    "基层干部群众": GiverKind.CADRE,
    "党员群众": GiverKind.MEMBER,
    "未署名": GiverKind.ANONYMOUS,
}
TARGET_WORDS = {label: value for value, label in TargetKind.choices} | {
    "单位": TargetKind.ORGANISATION,
    "党组织": TargetKind.ORGANISATION,
    "党委": TargetKind.ORGANISATION,
    "班子": TargetKind.TEAM,
    "班子成员": TargetKind.MEMBER,
    "党员个人": TargetKind.MEMBER,
    "党员": TargetKind.MEMBER,
}
EXPORT_HEADER = [
    "序号",
    "日期",
    "征求渠道",
    "提出人类别",
    "提出人情况",
    "意见对象",
    "所提个人",
    "意见内容",
    "类别",
    "同类意见条数",
    "反馈日期",
    "办理结果",
]


@dataclass
class ImportOutcome:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: bool = False

    @property
    def summary(self) -> str:
        text = f"新增 {self.created} 条，修改 {self.changed} 条，未变 {self.unchanged} 条"
        return text + (f"，跳过有错的 {self.skipped_rows} 行" if self.skipped_rows else "")


def _columns(header: list) -> dict[str, int]:
    spellings = {normal_text(t).replace(" ", ""): name for name, ts in HEADERS.items() for t in ts}
    cols: dict[str, int] = {}
    for c, value in enumerate(header):
        name = spellings.get(normal_text(value).replace(" ", ""))
        if name is not None and name not in cols:
            cols[name] = c
    return cols


def content_key(values: dict) -> str:
    norm = values.get("norm")
    if norm is None:
        norm = similarity.normalise(values["text"])
    raw = f"{values['given_on'].isoformat()}|{values['target_kind']}|{values.get('target_name', '')}|{norm}"
    return "h:" + hashlib.sha1(raw.encode("utf-8")).hexdigest()


def _parse(sheet, rows, head: int, cols, people, problems):
    parsed: dict[int, dict] = {}
    bad: set[int] = set()
    seen: dict[str, int] = {}
    header = rows[head]
    for r in range(head + 1, len(rows)):
        row = rows[r]
        excel_row = r + 1
        if all(clean_text(v) == "" for v in row):
            continue

        def cell(name, row=row):
            c = cols.get(name)
            return row[c] if c is not None and c < len(row) else None

        def err(name, message, excel_row=excel_row, cell=cell):
            c = cols.get(name)
            column = clean_text(header[c]) if c is not None else HEADERS[name][0]
            problems.append(Problem(sheet, excel_row, column, clean_text(cell(name)), message))
            bad.add(excel_row)

        values: dict = {}
        if "number" in cols:
            number = clean_text(cell("number"))
            if not number.isdigit() or int(number) < 1:
                err("number", "序号应为正整数（1、2、3 …）")
            else:
                values["key"] = f"n:{int(number)}"
        try:
            values["given_on"] = clean_date(cell("given_on"))
            if values["given_on"] is None:
                err("given_on", "请填写日期")
        except CellError as exc:
            err("given_on", str(exc))
        for name, words, what in (
            ("channel", CHANNEL_WORDS, "征求渠道"),
            ("target_kind", TARGET_WORDS, "意见对象"),
        ):
            try:
                values[name] = clean_choice(cell(name), words, what)
                if values[name] is None:
                    err(name, f"请填写{what}")
            except CellError as exc:
                err(name, str(exc))
        try:
            values["giver_kind"] = (
                clean_choice(cell("giver_kind"), GIVER_WORDS, "提出人类别") or GiverKind.ANONYMOUS
            )
        except CellError as exc:
            err("giver_kind", str(exc))
        values["giver_note"] = clean_text(cell("giver_note"))[:200]
        values["text"] = clean_text(cell("text")).replace("\x00", "")
        if len(values["text"]) < actions.MIN_TEXT:
            err("text", "请填写意见内容")
        elif len(values["text"]) > actions.MAX_TEXT:
            err("text", f"意见内容太长（最多 {actions.MAX_TEXT} 字），请分成几行")
        values["target_person"] = None
        name = clean_text(cell("target_name"))
        values["target_name"] = name
        if values.get("target_kind") == TargetKind.MEMBER:
            found = people.get(normal_text(name), []) if name else []
            if not name:
                err("target_name", "意见对象为个人时，请填写所提党员的姓名")
            elif not found:
                err("target_name", f"本单位没有名为“{name}”的党员，请核对姓名")
            elif len(found) > 1:
                err("target_name", f"本单位有 {len(found)} 名“{name}”，请在系统中逐条登记")
            else:
                values["target_person"] = found[0]
        if excel_row in bad:
            continue
        values["norm"] = similarity.normalise(values["text"])
        values.setdefault("key", content_key(values))
        if values["key"] in seen:
            what = "序号" if values["key"].startswith("n:") else "内容"
            err("number" if what == "序号" else "text", f"与第 {seen[values['key']]} 行{what}重复")
            continue
        seen[values["key"]] = excel_row
        parsed[excel_row] = values
    return parsed, bad


FIELDS = ("given_on", "channel", "giver_kind", "giver_note", "target_kind", "text")


def _needs_write(opinion: Opinion | None, values: dict) -> bool:
    return opinion is None or _differs(opinion, values)


def _differs(opinion: Opinion, values: dict) -> bool:
    return any(getattr(opinion, f) != values[f] for f in FIELDS) or (
        opinion.target_person_id
        != (values["target_person"].pk if values["target_person"] else None)
    )


def import_opinions(*, actor, participation, data: bytes, partial: bool = False) -> ImportOutcome:
    """Import an office's sheet of opinions into the unit's register (module docstring)."""
    unit_permits(actor, participation).require("import")
    outcome = ImportOutcome()
    problems = outcome.problems
    sheets, _errors = read_workbook(data)
    known = [t for ts in HEADERS.values() for t in ts]
    found = None
    for sheet, rows in sheets.items():
        head = header_row(rows, known)
        if head is not None:
            cols = _columns(rows[head])
            if all(n in cols for n in REQUIRED):
                found = (sheet, rows, head, cols)
                break
    if found is None:
        wanted = "、".join(HEADERS[n][0] for n in REQUIRED)
        problems.append(
            Problem(
                next(iter(sheets), ""), 1, "", "", f"没有找到表头：须有“{wanted}”等列（顺序不限）"
            )
        )
        return outcome
    sheet, rows, head, cols = found
    people: dict[str, list[Person]] = {}
    for person in Person.objects.filter(unit_id=participation.unit_id).only(
        "pk", "name", "unit_id"
    ):
        people.setdefault(normal_text(person.name), []).append(person)
    parsed, bad = _parse(sheet, rows, head, cols, people, problems)
    existing = {
        o.import_key: o
        for o in Opinion.objects.filter(participation=participation).exclude(import_key="")
    }
    for excel_row, values in parsed.items():
        o = existing.get(values["key"])
        if o is not None and (o.feedback_id or o.classified) and _differs(o, values):
            problems.append(
                Problem(
                    sheet,
                    excel_row,
                    "",
                    "",
                    "该条意见已归类或已反馈，不能通过导入修改，请在系统中处理",
                )
            )
            bad.add(excel_row)
    outcome.skipped_rows = len(bad)
    if problems and not partial:
        return outcome
    # The band keys of every row to write, in one numpy pass (similarity.band_keys_many).
    todo = [
        v for r, v in parsed.items() if r not in bad and _needs_write(existing.get(v["key"]), v)
    ]
    for v, keys in zip(
        todo, similarity.band_keys_many([v["text"] for v in todo], [v["norm"] for v in todo])
    ):
        v["bands"] = similarity.pack(keys)
    with transaction.atomic():
        new: list[Opinion] = []
        changed: list[Opinion] = []
        for excel_row, values in parsed.items():
            if excel_row in bad:
                continue
            o = existing.get(values["key"])
            if o is None:
                person = values["target_person"]
                new.append(
                    NewOpinion(
                        pk=None,
                        campaign_id=participation.campaign_id,
                        participation_id=participation.pk,
                        origin=Origin.IMPORTED,
                        import_key=values["key"],
                        created_by_id=actor.pk,
                        target_person_id=person.pk if person else None,
                        bands=values["bands"],
                        **{f: values[f] for f in FIELDS},
                    )
                )
            elif _differs(o, values):
                for f in FIELDS:
                    setattr(o, f, values[f])
                o.target_person = values["target_person"]
                o.bands = values["bands"]
                o.version += 1
                changed.append(o)
            else:
                outcome.unchanged += 1
        created = insert_opinions(new)
        if changed:
            # Classified rows are never changed by an import (refused above), so the
            # suggestion index needs no update.
            Opinion.objects.bulk_update(
                changed, [*FIELDS, "target_person", "bands", "version"], batch_size=2000
            )
        outcome.created, outcome.changed = len(created), len(changed)
        if outcome.created or outcome.changed:
            record_event(
                actor=actor,
                action="opinions.import",
                target=participation,
                campaign_id=participation.campaign_id,
                organisation_id=participation.unit_id,
                data={"created": outcome.created, "changed": outcome.changed, "sheet": sheet},
            )
    outcome.written = True
    return outcome


def _reserve_ids(n: int) -> list[int]:
    """``n`` fresh ids for opinions written with ``executemany``. PostgreSQL hands them out of
    the table's sequence (concurrent imports get disjoint ones); SQLite writes one transaction
    at a time (``transaction_mode="IMMEDIATE"``), so the ids above the largest are free."""
    table = Opinion._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, n],
            )
            return [row[0] for row in cur.fetchall()]
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        start = cur.fetchone()[0] + 1
    return list(range(start, start + n))


_INSERT_FIELDS = (
    "id",
    "campaign_id",
    "participation_id",
    "channel",
    "giver_kind",
    "giver_note",
    "given_on",
    "target_kind",
    "target_person_id",
    "text",
    "origin",
    "import_key",
    "classified",
    "merged_into_id",
    "hidden",
    "hidden_reason",
    "feedback_id",
    "outcome",
    "outcome_note",
    "rect_item_id",
    "created_by_id",
    "bands",
    "version",
)


@dataclass
class NewOpinion:
    """A row for ``insert_opinions``: the columns an import sets (no model instance: building
    one per row cost more than writing it)."""

    pk: int | None
    campaign_id: int
    participation_id: int
    origin: str
    import_key: str
    created_by_id: int | None
    target_person_id: int | None
    given_on: object
    channel: str
    giver_kind: str
    giver_note: str
    target_kind: str
    text: str
    bands: bytes = b""


def insert_opinions(new: list[NewOpinion]) -> list[NewOpinion]:
    """Write new opinions with one ``executemany`` (an office's sheet can hold tens of
    thousands of rows: model-level ``bulk_create`` spent more time compiling than SQLite spent
    writing, bench/opinions.py). Every column is given, as the model's defaults would."""
    if not new:
        return []
    for o, pk in zip(new, _reserve_ids(len(new))):
        o.pk = pk
    qn = connection.ops.quote_name
    table = qn(Opinion._meta.db_table)
    cols = ", ".join(qn(c) for c in _INSERT_FIELDS)
    sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(_INSERT_FIELDS))})"
    given_on = Opinion._meta.get_field("given_on")
    bands_field = Opinion._meta.get_field("bands")
    rows = [
        (
            o.pk,
            o.campaign_id,
            o.participation_id,
            o.channel,
            o.giver_kind,
            o.giver_note,
            given_on.get_db_prep_save(o.given_on, connection),
            o.target_kind,
            o.target_person_id,
            o.text,
            o.origin,
            o.import_key,
            False,
            None,
            False,
            "",
            None,
            "",
            "",
            None,
            o.created_by_id,
            bands_field.get_db_prep_save(o.bands, connection),
            1,
        )
        for o in new
    ]
    with connection.cursor() as cur:
        for i in range(0, len(rows), 5000):
            cur.executemany(sql, rows[i : i + 5000])
    return new


def export_rows(opinions, category_names: dict[int, list[str]]):
    for i, o in enumerate(opinions, start=1):
        yield (
            i,
            o.given_on,
            o.get_channel_display(),
            o.get_giver_kind_display(),
            o.giver_note,
            o.get_target_kind_display(),
            o.target_person.name if o.target_person else "",
            o.text,
            "、".join(category_names.get(o.pk, [])),
            getattr(o, "same_count", 1),
            o.feedback.fed_back_on if o.feedback else None,
            o.get_outcome_display() if o.outcome else "",
        )


def check_upload(upload) -> bytes:
    if upload is None:
        raise DomainError("请选择要导入的文件。", code="required")
    if upload.size > 20 * 1024 * 1024:
        raise DomainError("文件超过 20 MB，请分成几个文件导入。", code="too_large")
    return upload.read()
