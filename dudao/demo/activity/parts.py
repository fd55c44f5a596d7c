"""The unit loop, and a large campaign written in parts.

A city's units are written in two parts (``plan_parts``): contiguous runs of units, cut by
their work (members times phases). Each part after the first starts from a state of its own, fixed by
the seed alone: its random stream (``"<seed>:activity:<k>"``), its ids (each table's first id
at the split plus ``k × PART_ID_STRIDE``) and the writer's one-per-part choices. So a part
does not depend on what the parts before it wrote, and the demo is the same whether the parts
are written one after the other (PostgreSQL, a one-core machine) or side by side.

Side by side (SQLite on a machine with several cores, ``parallel_possible``): the parts after
the first are written by forked processes, each into a database file of its own with the same
tables, while this process writes the first; then their rows are copied into the seed's
database with one ``INSERT … SELECT`` per table, inside the seed's transaction (so their
references are checked with every other row's, by ``bulk.check_foreign_keys`` before the
seed commits), and what they kept in memory
(audit events in order, open applications, counts) is taken over here. Each part writes
the attendance of its whole-unit sessions itself (``bulk.Rosters``), after its own rows.
The audit chain stays one chain: the events of every part are chained here, part after part,
unit after unit, as one process would have chained them.
"""

from __future__ import annotations

import atexit
import os
import pickle
import random
import shutil
import sqlite3
import tempfile
import traceback
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, transaction

from dudao.orgs.models import Person
from dudao.surveys.models import SurveyCode

from ..bulk import PreparedEvent, clock
from .units import SHORT_SHARE, U

PHASE_WORK = {
    "study": "study",
    "analysis": "analysis",
    "rectify": "rectify",
    "consolidate": "consolidate",
}
# A campaign of this many units or more is written in two parts.
PARTS_FROM_UNITS = 1000
# The first part's share of the work when there are two (more than half: see plan_parts).
FIRST_SHARE = 0.55
# Ids of part k start this far past the first part's (a city's largest table, attendance,
# holds 3.5 million rows).
PART_ID_STRIDE = 100_000_000
# The scratch databases of the parts: no journal, no syncing (thrown away after the copy).
PART_PRAGMAS = {
    "journal_mode": "OFF",
    "synchronous": "OFF",
    "cache_size": "-262144",
    "temp_store": "MEMORY",
}


def part_count(units: int) -> int:
    return 2 if units >= PARTS_FROM_UNITS else 1


def plan_parts(units: list[U], parts: int) -> list[list[U]]:
    """``parts`` contiguous runs of the units (in their order) of about equal work (members
    times the phases they have been in), none empty."""
    parts = max(1, min(parts, len(units)))
    total = sum(_work(u) for u in units)
    # Where each run ends, as a share of the work. The parts should be written by the same
    # moment (the first process takes the others over when all are written): a forked part
    # ends with work of its own (the attendance of whole units, its member table, what it
    # kept in memory), so the first run is the longer one. Measured at city scale: at 0.45 the
    # first part was written at 39.9 s and waited for the second until 54.2 s; at 0.55 they
    # were written at 49.3 s and 50.5 s.
    first = FIRST_SHARE / parts * 2 if parts > 1 else 1.0
    ends = [first + (1 - first) * k / max(parts - 1, 1) for k in range(parts - 1)] + [1.0]
    runs: list[list[U]] = [[] for _ in range(parts)]
    seen = 0
    k = 0
    for i, u in enumerate(units):
        while k < parts - 1 and seen >= ends[k] * total:
            k += 1
        # Leave at least one unit for each run still to come.
        k = max(k, parts - (len(units) - i))
        runs[k].append(u)
        seen += _work(u)
    return [r for r in runs if r]


def _work(u: U) -> int:
    return len(u.members) * len(u.timeline.spans) if u.timeline else len(u.members)


def parallel_possible() -> bool:
    """Parts side by side: SQLite (one writer per file; PostgreSQL writes in one transaction),
    a fork, and a second core to run it on."""
    return connection.vendor == "sqlite" and hasattr(os, "fork") and (os.cpu_count() or 1) > 1


def write_units(w, units: list[U], *, first: int, total: int, today) -> None:
    """Everything the units did, unit after unit (``first``: the number of the first of them in
    the whole campaign, for the progress lines)."""
    for i, u in enumerate(units, start=first):
        short = w.rnd.random() < SHORT_SHARE
        spans = u.timeline.spans
        for k, span in enumerate(spans):
            current = span.end is None
            work = PHASE_WORK.get(span.code)
            if work:
                getattr(w, work)(u, span, short and current)
            f = (today - span.start).days / span.duration if current else 1.0
            approved = w.transitions(u, span, short and current, f)
            if approved is not None and k + 1 < len(spans):
                w.summary_meeting(u, approved, span, spans[k + 1])
        w.end_unit(u)
        if i % 1000 == 0 or i == total:
            w.out.write(f"  工作记录 {i}/{total} 个单位{clock.lap()}\n")
            w.out.flush()


@dataclass
class Split:
    """The writer's state where the parts begin: what each later part starts from."""

    seed_value: int
    next_ids: dict[str, int]  # table label → first id of the first part
    exact_third: bool
    codes: frozenset = field(default_factory=frozenset)

    @classmethod
    def of(cls, w, seed_value: int) -> Split:
        return cls(seed_value, {_label(t): t._next for t in w.tables.order}, w.exact_third,
                   frozenset(w.codes_seen))  # fmt: skip

    def begin(self, w, k: int) -> None:
        """Put the writer where part ``k`` (k ≥ 1) begins."""
        for t in w.tables.order:
            start = self.next_ids[_label(t)] + k * PART_ID_STRIDE
            if t._next > start:
                raise RuntimeError(f"{_label(t)}: 第 {k} 部分之前的编号已超过 {start}")
            t._next = start
        w.rnd = random.Random(f"{self.seed_value}:activity:{k}")
        w.exact_third = self.exact_third


def write_parts(w, runs: list[list[U]], *, seed_value: int, today, parallel: bool) -> None:
    """Write the runs of units (``plan_parts``), one after the other or side by side. The
    writer's random stream afterwards is the first part's, as it is with one part."""
    total = sum(len(r) for r in runs)
    if len(runs) == 1:
        write_units(w, runs[0], first=1, total=total, today=today)
        return
    w.tables.flush(force=True)
    split = Split.of(w, seed_value)
    main_rnd = w.rnd
    firsts = [1 + sum(len(r) for r in runs[:k]) for k in range(len(runs))]
    if not parallel:
        for k, run in enumerate(runs):
            if k:
                split.begin(w, k)
            write_units(w, run, first=firsts[k], total=total, today=today)
            # Each part's attendance of whole units follows its own rows (ids in its range).
            w.rosters.write()
        w.rnd = main_rnd
        return
    scratch = tempfile.mkdtemp(prefix="dudao-seed-")
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    schema = _schema(w)
    children = []
    for k in range(1, len(runs)):
        path = os.path.join(scratch, f"part{k}.sqlite3")
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child (its coverage is not collected)
            _child(w, split, k, runs[k], path, schema, first=firsts[k], total=total, today=today)
        children.append((k, pid, path))
    try:
        write_units(w, runs[0], first=1, total=total, today=today)
        w.rosters.write()
    except BaseException:
        for _k, pid, _path in children:
            _reap(pid, kill=True)
        raise
    w.tables.flush(force=True)
    w.out.write(f"  第 1 部分已写完{clock.lap()}\n")
    w.out.flush()
    failed = []
    for k, pid, path in children:
        if not _reap(pid):
            failed.append((k, path))
    if failed:
        k, path = failed[0]
        try:
            with open(path + ".error", encoding="utf-8") as f:
                detail = f.read()
        except OSError:
            detail = "（子进程没有留下错误信息）"
        raise RuntimeError(f"演示数据第 {k + 1} 部分写入失败：\n{detail}")
    aliases = []
    for k, _pid, path in children:
        aliases.append(_take_over(w, k, path))
        w.out.write(f"  第 {k + 1} 部分已并入{clock.lap()}\n")
    w.rnd = main_rnd

    def detach() -> None:
        with connection.cursor() as cur:
            for alias in aliases:
                cur.execute(f"DETACH DATABASE {alias}")
        shutil.rmtree(scratch, ignore_errors=True)

    # A database read inside a transaction can be detached only after it.
    transaction.on_commit(detach)


def _label(t) -> str:
    return t.model._meta.label_lower


def _schema(w) -> list[str]:
    tables = [t.model._meta.db_table for t in w.tables.order]
    marks = ", ".join(["%s"] * len(tables))
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN ({marks})", tables
        )
        return [row[0] for row in cur.fetchall()]


class _Events:
    """A part's audit events in the order its units chained them, prepared for the chain the
    first process continues (the chain is one)."""

    def __init__(self) -> None:
        self.kept: list[PreparedEvent] = []

    def add(self, **event) -> None:
        self.kept.append(PreparedEvent(**event))


class _UnitsByRef(pickle.Pickler):
    """Units travel back as their ids: the first process has them all."""

    def persistent_id(self, obj):
        return ("unit", obj.unit_id) if isinstance(obj, U) else None


class _UnitsFromRef(pickle.Unpickler):
    def __init__(self, file, units: dict[int, U]) -> None:
        super().__init__(file)
        self.units = units

    def persistent_load(self, pid):
        return self.units[pid[1]]


def _child(w, split: Split, k: int, run: list[U], path: str, schema: list[str], *, first: int,
           total: int, today) -> None:  # fmt: skip  # pragma: no cover - runs in the child
    """Part ``k`` into its own database file; what it keeps in memory into ``path.pickle``.
    Never returns: the child leaves with ``os._exit`` and touches nothing of the parent's (its
    database connection and transaction least of all)."""
    status = 1
    try:
        inherited = connection.connection  # the parent's: kept, never used or closed here
        raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for name, value in PART_PRAGMAS.items():
            raw.execute(f"PRAGMA {name}={value}")
        for sql in schema:
            raw.execute(sql)
        raw.execute("BEGIN")
        connection.connection = raw
        split.begin(w, k)
        w.audit = _Events()
        w.rosters.sessions, w.rosters.absent = [], []
        w.apps, w.orders, w.periods, w.ends = [], [], [], []
        w.stats = Counter()
        for t in w.tables.order:
            t.total = 0
        write_units(w, run, first=first, total=total, today=today)
        _members_table(raw, run)
        w.rosters.write()
        w.tables.flush(force=True)
        raw.execute("COMMIT")
        raw.close()
        kept = {
            "events": w.audit.kept,
            "apps": w.apps,
            "orders": w.orders,
            "periods": w.periods,
            "ends": w.ends,
            "stats": w.stats,
            "tables": {_label(t): (t.total, t._next) for t in w.tables.order},
            "codes": w.codes_seen - split.codes,
            "exact_third": w.exact_third,
        }
        with open(path + ".pickle", "wb") as f:
            _UnitsByRef(f, protocol=pickle.HIGHEST_PROTOCOL).dump(kept)
        w.out.write(f"  第 {k + 1} 部分已写完{clock.lap()}\n")
        del inherited
        status = 0
    except BaseException:
        try:
            with open(path + ".error", "w", encoding="utf-8") as f:
                f.write(traceback.format_exc())
        except OSError:
            pass
    finally:
        try:
            w.out.flush()
        finally:
            os._exit(status)


def _members_table(raw, run: list[U]) -> None:  # pragma: no cover - runs in the child
    """The part's party members, as much of the member table as the attendance of whole
    units reads (``bulk.Rosters``)."""
    meta = Person._meta
    qn = connection.ops.quote_name
    table, pk = qn(meta.db_table), qn(meta.pk.column)
    unit = qn(meta.get_field("unit").column)
    member = qn(meta.get_field("is_party_member").column)
    raw.execute(f"CREATE TABLE {table} ({pk} integer PRIMARY KEY, {unit} bigint NOT NULL,"
                f" {member} bool NOT NULL)")  # fmt: skip
    raw.executemany(
        f"INSERT INTO {table} ({pk}, {unit}, {member}) VALUES (?, ?, 1)",
        sorted((m.id, u.unit_id) for u in run for m in u.members),
    )
    raw.execute(f"CREATE INDEX demo_part_member_unit ON {table} ({unit})")


def _reap(pid: int, kill: bool = False) -> bool:
    if kill:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def _take_over(w, k: int, path: str) -> str:
    """Part ``k``'s rows into the seed's database and its memory into the writer's."""
    with open(path + ".pickle", "rb") as f:
        kept = _UnitsFromRef(f, w.units_by_id).load()
    alias = f"demo_part_{k}_{os.getpid()}"
    qn = connection.ops.quote_name
    raw = connection.connection
    with connection.wrap_database_errors:
        cur = raw.cursor()
        try:
            cur.execute(f"ATTACH DATABASE ? AS {alias}", [path])
            # One-time codes are random (never from the seed): one the first part also drew
            # is drawn again.
            twice = kept["codes"] & w.codes_seen
            code_col = qn(SurveyCode._meta.get_field("code").column)
            code_table = qn(SurveyCode._meta.db_table)
            for code in sorted(twice):
                new = w.new_code()
                while new in kept["codes"]:
                    new = w.new_code()
                cur.execute(
                    f"UPDATE {alias}.{code_table} SET {code_col} = ? WHERE {code_col} = ?",
                    [new, code],
                )
            w.codes_seen |= kept["codes"] - twice
            for t in w.tables.order:
                written, _next = kept["tables"][_label(t)]
                if written:
                    table = qn(t.model._meta.db_table)
                    cols = ", ".join(qn(f.column) for f in t.model._meta.concrete_fields)
                    cur.execute(
                        f"INSERT INTO main.{table} ({cols}) SELECT {cols} FROM {alias}.{table}"
                    )
                t.total += written
                t._next = max(t._next, _next)
        finally:
            cur.close()
    for event in kept["events"]:
        w.audit.add_prepared(event)
    w.apps.extend(kept["apps"])
    w.orders.extend(kept["orders"])
    w.periods.extend(kept["periods"])
    w.ends.extend(kept["ends"])
    w.stats.update(kept["stats"])
    w.exact_third = kept["exact_third"]
    return alias
