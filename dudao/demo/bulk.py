"""Bulk rows for the demo: ids allocated here, rows written with the database's fastest path
(COPY on PostgreSQL, executemany on SQLite), the audit chain continued in bulk.

The demo writes history: a record is dated when the demo says it happened, so ``auto_now``
fields get the demo's times, not the time of the seed. Millions of rows at city scale rule out
one model instance per row; the column lists come from the models, so a new field with a
default is filled with it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable
from contextlib import contextmanager
from itertools import chain

from django.db import connection
from django.db.models import Max

from dudao.core.audit import GENESIS, PreparedPayload, audit_key, compute_hash
from dudao.core.models import AuditChainHead, AuditEvent

FLUSH_ROWS = 20000
_NO_VALUE = object()


def _prep(field) -> Callable | None:
    ops = connection.ops
    internal = field.get_internal_type()
    if internal == "JSONField":
        return _json
    if connection.vendor == "postgresql":
        return None  # psycopg's COPY adapts dates, times, decimals and booleans itself
    if internal == "DateTimeField":
        return _sqlite_datetime
    if internal == "TimeField":
        return ops.adapt_timefield_value
    # Dates and decimals need nothing: the SQLite backend's adapters write what
    # adapt_datefield_value and str() would (date.isoformat(), str(Decimal)).
    return None


_JSON = json.JSONEncoder(ensure_ascii=False).encode


def _json(value):
    if value is None:
        return None
    return _JSON(value) if value else ("{}" if isinstance(value, dict) else "[]")


def _sqlite_datetime(value):
    # What the SQLite backend stores for an aware datetime (UTC, no offset), without its
    # per-value settings lookups: a city writes millions of these, mostly the same few
    # thousand moments (a day at an hour), so each is converted once.
    if value is None:
        return None
    text = _SQLITE_TIMES.get(value)
    if text is None:
        if len(_SQLITE_TIMES) > 500_000:
            _SQLITE_TIMES.clear()
        text = _SQLITE_TIMES[value] = str(value.astimezone(dt.UTC).replace(tzinfo=None))
    return text


_SQLITE_TIMES: dict[dt.datetime, str] = {}


# The seed's own SQLite connection, for the length of the seed: no sync to disk between its
# writes (one transaction; a crash mid-seed leaves a demo database to seed again, nothing else),
# a page cache large enough for the city's indexes, temporary b-trees in memory, the sorts of
# the index builds on up to four threads (measured on the seeded city's largest tables: 15.3 s
# on one, 12.4 s on several), and on a rollback-journal database the journal in memory.
# Foreign keys are not looked up row by row (a city's 3.4 million attendance rows name three
# parents each) but checked once for the whole database before the seed commits
# (``check_foreign_keys``): measured at city scale, 122.0 s with the lookups, 113.8 s without
# them and with the one check (2.0 s). Restored afterwards.
SQLITE_SEED_PRAGMAS = {
    "synchronous": "OFF",
    "cache_size": "-1048576",
    "temp_store": "MEMORY",
    "threads": str(min(4, os.cpu_count() or 1)),
    "foreign_keys": "OFF",
}


@contextmanager
def seed_connection():
    """Set SQLITE_SEED_PRAGMAS for the seed and restore the connection's own settings after.
    Only outside a transaction (SQLite refuses some of them inside one); PostgreSQL's COPY
    needs nothing."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield {}
        return
    wanted = dict(SQLITE_SEED_PRAGMAS)
    with connection.cursor() as cur:
        saved = {}
        for name in [*wanted, "journal_mode"]:
            cur.execute(f"PRAGMA {name}")
            saved[name] = cur.fetchone()[0]
        if str(saved["journal_mode"]).lower() in ("delete", "truncate", "persist"):
            wanted["journal_mode"] = "MEMORY"
        for name, value in wanted.items():
            cur.execute(f"PRAGMA {name}={value}")
    try:
        yield wanted
    finally:
        with connection.cursor() as cur:
            for name in wanted:
                cur.execute(f"PRAGMA {name}={saved[name]}")


def check_foreign_keys() -> None:
    """Every reference the seed wrote names a row that exists, or the seed fails (inside its
    transaction, so nothing is left behind). SQLite: ``PRAGMA foreign_key_check`` over the
    whole database, the one check that replaces the row-by-row lookups the seed switched off
    (``SQLITE_SEED_PRAGMAS``). PostgreSQL checks its deferred constraints at the commit."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA foreign_key_check")
        found = cur.fetchmany(6)
    if found:
        shown = "；".join(
            f"{table} 第 {rowid} 行指向 {parent} 中不存在的记录"
            for table, rowid, parent, _fk in found[:5]
        )
        more = "等" if len(found) > 5 else ""
        raise RuntimeError(f"演示数据的引用不完整，未写入：{shown}{more}")


class DeferredIndexes:
    """SQLite: the secondary indexes of tables about to receive millions of rows, dropped for
    the load and built again by ``restore()`` (one sorted build is faster than keeping each
    index up to date row by row; nothing may read these tables meanwhile). Inside the seed's
    transaction: if the load fails, the rollback brings the indexes back with everything else.
    PostgreSQL's COPY keeps its indexes."""

    def __init__(self, models) -> None:
        self.saved: list[tuple[str, str]] = []
        if connection.vendor != "sqlite":
            return
        tables = sorted({m._meta.db_table for m in models})
        marks = ", ".join(["%s"] * len(tables))
        with connection.cursor() as cur:
            cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                f" AND tbl_name IN ({marks}) ORDER BY name",
                tables,
            )
            self.saved = cur.fetchall()
            for name, _sql in self.saved:
                cur.execute(f"DROP INDEX {connection.ops.quote_name(name)}")

    def restore(self) -> None:
        with connection.cursor() as cur:
            for _name, sql in self.saved:
                cur.execute(sql)
        self.saved = []


def defer_indexes(models) -> DeferredIndexes:
    return DeferredIndexes(models)


def analyze(models) -> None:
    """Planner statistics for freshly loaded tables (``ANALYZE``, allowed inside the seed's
    transaction on SQLite and PostgreSQL). Without them the planner guesses a handful of rows
    in tables of millions and picks an index that reads them all: measured at city scale on
    SQLite, the three bulletins' week figures took 224 s before and 15 s after."""
    with connection.cursor() as cur:
        for table in dict.fromkeys(m._meta.db_table for m in models):
            cur.execute(f'ANALYZE "{table}"')


class Rows:
    """Rows of one table. ``add(**values)`` with every field's default for what is not given;
    ``fields=`` gives a positional fast path (``add_row(*values)``) for the large tables."""

    def __init__(self, model, fields: list[str] | None = None) -> None:
        self.model = model
        meta = model._meta
        concrete = [f for f in meta.concrete_fields]
        self.fields = [meta.get_field(n) for n in fields] if fields else concrete
        self.names = [f.attname for f in self.fields]
        self.columns = [f.column for f in self.fields]
        self.defaults = []
        for f in self.fields:
            if f.primary_key:
                self.defaults.append(_NO_VALUE)
            elif f.has_default():
                self.defaults.append(f.get_default())
            elif f.null:
                self.defaults.append(None)
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults.append(_NO_VALUE)
            elif f.get_internal_type() in ("CharField", "TextField", "FileField"):
                self.defaults.append("")
            else:
                self.defaults.append(_NO_VALUE)
        self.required = frozenset(n for n, d in zip(self.names, self.defaults) if d is _NO_VALUE)
        self.preps = [(i, p) for i, f in enumerate(self.fields) if (p := _prep(f)) is not None]
        self.rows: list[tuple] = []
        self.total = 0
        self._next = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def next_id(self) -> int:
        value = self._next
        self._next += 1
        return value

    def add(self, **values) -> int:
        """One row; returns its id (allocated here when not given)."""
        if "id" not in values:
            values["id"] = self.next_id()
        if not self.required <= values.keys():
            name = sorted(self.required - values.keys())[0]
            raise ValueError(f"{self.model.__name__}.{name} needs a value")
        self.rows.append(tuple(map(values.get, self.names, self.defaults)))
        return values["id"]

    def add_row(self, *values) -> None:
        self.rows.append(values)

    def flush(self) -> None:
        if not self.rows:
            return
        rows = self.rows
        if self.preps:
            # Column by column: only the columns that need it are converted.
            columns = list(zip(*rows))
            for i, prep in self.preps:
                columns[i] = list(map(prep, columns[i]))
            rows = list(zip(*columns))
        table = connection.ops.quote_name(self.model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                _insert_sqlite(f"INSERT INTO {table} ({cols}) VALUES ", len(self.columns), rows)
        self.total += len(self.rows)
        self.rows = []


class Rosters:
    """Attendance of the sessions a whole unit attends (millions of rows in a city), written by
    the database: every party member of the unit, less those absent, with the session's phase,
    kind and hours. The seed gives the session and who was absent; one ``INSERT … SELECT``
    from the member table writes the rows, after the rows given one by one (``rows``)."""

    def __init__(self, rows: Rows, members) -> None:
        self.rows = rows  # the attendance table's Rows
        self.members = members  # the member model (unit, is_party_member)
        self.sessions: list[tuple] = []  # (session, unit, participation, phase, kind, hours)
        self.absent: list[tuple[int, int]] = []  # (session, person)

    def attend(self, session_id, unit_id, participation_id, phase, kind, hours, absent) -> None:
        self.sessions.append((session_id, unit_id, participation_id, phase, kind, hours))
        self.absent.extend((session_id, pid) for pid in absent)

    def write(self) -> int:
        """Write the rows (inside the seed's transaction); returns how many."""
        if not self.sessions:
            return 0
        # Ids the seed allocated come first; PostgreSQL's sequence moves past them.
        self.rows.flush()
        reset_sequences([self.rows.model])
        qn = connection.ops.quote_name
        att = {f.name: qn(f.column) for f in self.rows.model._meta.concrete_fields}
        person = self.members._meta
        unit_col = qn(person.get_field("unit").column)
        member_col = qn(person.get_field("is_party_member").column)
        sqlite = connection.vendor == "sqlite"
        with connection.cursor() as cur:
            cur.execute(
                "CREATE TEMPORARY TABLE demo_roster (session_id bigint NOT NULL, unit_id bigint"
                " NOT NULL, participation_id bigint NOT NULL, phase varchar(64) NOT NULL,"
                " kind varchar(64) NOT NULL, hours numeric(4, 1) NOT NULL)"
            )
            cur.execute(
                "CREATE TEMPORARY TABLE demo_absent (session_id bigint NOT NULL, person_id bigint"
                " NOT NULL, PRIMARY KEY (session_id, person_id))"
            )
            _write(cur, "demo_roster", self.sessions,
                   ["session_id", "unit_id", "participation_id", "phase", "kind", "hours"])  # fmt: skip
            _write(cur, "demo_absent", sorted(set(self.absent)), ["session_id", "person_id"])
            cur.execute(
                f"INSERT INTO {qn(self.rows.model._meta.db_table)} ({att['session']},"
                f" {att['person']}, {att['participation']}, {att['phase']}, {att['kind']},"
                f" {att['hours']}) SELECT r.session_id, p.{qn(person.pk.column)},"
                " r.participation_id, r.phase, r.kind, r.hours FROM demo_roster r"
                f" JOIN {qn(person.db_table)} p ON p.{unit_col} = r.unit_id"
                f" WHERE p.{member_col} AND NOT EXISTS (SELECT 1 FROM demo_absent a"
                f" WHERE a.session_id = r.session_id AND a.person_id = p.{qn(person.pk.column)})"
                # SQLite: the rows in session and member order, whatever plan it picks (this
                # order is the plan through the member table's unit index, so nothing sorts).
                + (f" ORDER BY r.rowid, p.{qn(person.pk.column)}" if sqlite else "")
            )
            written = cur.rowcount
            cur.execute("DROP TABLE demo_roster")
            cur.execute("DROP TABLE demo_absent")
        self.rows.total += written
        self.sessions, self.absent = [], []
        return written


def _write(cur, table: str, rows: list[tuple], columns: list[str]) -> None:
    if connection.vendor == "postgresql":
        with cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    _insert_sqlite(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ", len(columns), rows)


# Rows per INSERT on SQLite: a few hundred rows in one statement's VALUES list. executemany
# steps the statement once per row (with AUTOINCREMENT's bookkeeping each time): measured on
# the counter table, 300,000 rows took 2.0 s that way and 0.5 s a few hundred at a time.
SQLITE_ROWS_PER_INSERT = 500


def _insert_sqlite(head: str, width: int, rows) -> None:
    """``head`` ("INSERT INTO t (a, b) VALUES ") for every row of ``rows``, many rows per
    statement, on the connection's own sqlite3 cursor (inside the seed's transaction; no
    per-statement query log: the statements are the same few, with thousands of values)."""
    raw = connection.connection
    try:
        limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except AttributeError:  # Python before 3.11
        limit = 999
    per = max(1, min(SQLITE_ROWS_PER_INSERT, limit // max(width, 1)))
    one = "(" + ", ".join(["?"] * width) + ")"
    full = head + ", ".join([one] * per)
    rows = rows if isinstance(rows, list) else list(rows)
    n = len(rows)
    whole = n - n % per
    with connection.wrap_database_errors:
        cur = raw.cursor()
        try:
            for i in range(0, whole, per):
                cur.execute(full, list(chain.from_iterable(rows[i : i + per])))
            if whole < n:
                rest = rows[whole:]
                cur.execute(head + ", ".join([one] * len(rest)), list(chain.from_iterable(rest)))
        finally:
            cur.close()


class Tables:
    """The demo's tables in the order they are written (parents first)."""

    def __init__(self) -> None:
        self.order: list[Rows] = []

    def table(self, model, fields: list[str] | None = None) -> Rows:
        rows = Rows(model, fields)
        self.order.append(rows)
        return rows

    def pending(self) -> int:
        return sum(len(t.rows) for t in self.order)

    def flush(self, force: bool = False) -> None:
        if force or self.pending() >= FLUSH_ROWS:
            for t in self.order:
                t.flush()

    def reset_sequences(self) -> None:
        reset_sequences([t.model for t in self.order])


def reset_sequences(models) -> None:
    """Ids were allocated here: PostgreSQL's sequences must move past them before the ORM
    inserts again."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for model in models:
            if not model._meta.pk.get_internal_type().endswith("AutoField"):
                continue
            table = model._meta.db_table
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )


class AuditChain:
    """Appends events to the hash chain in bulk, continuing from the chain head. The caller
    holds the transaction; ``close()`` moves the head past the last event."""

    def __init__(self) -> None:
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        self.seq = head.last_seq
        self.last_hash = head.last_hash or GENESIS
        self.rows = Rows(AuditEvent)
        self.count = 0
        self.key: bytes | None = None

    def add(self, **event) -> None:
        """One event (``event_values`` names its fields), chained after the last."""
        self.seq += 1
        values = event_values(**event)
        digest = compute_hash(prev_hash=self.last_hash, seq=self.seq, **values)
        self.rows.add(seq=self.seq, prev_hash=self.last_hash, hash=digest, **values)
        self.last_hash = digest
        self.count += 1
        if len(self.rows.rows) >= FLUSH_ROWS:
            self.rows.flush()

    def add_prepared(self, event: PreparedEvent) -> None:
        """An event prepared elsewhere (``PreparedEvent``), chained here."""
        self.seq += 1
        if self.key is None:
            self.key = audit_key()
        digest = event.payload.hash(prev_hash=self.last_hash, seq=self.seq, key=self.key)
        self.rows.add(seq=self.seq, prev_hash=self.last_hash, hash=digest, **event.values)
        self.last_hash = digest
        self.count += 1
        if len(self.rows.rows) >= FLUSH_ROWS:
            self.rows.flush()

    def close(self) -> None:
        self.rows.flush()
        AuditChainHead.objects.filter(pk=1).update(last_seq=self.seq, last_hash=self.last_hash)
        reset_sequences([AuditEvent])


def event_values(*, at, actor_id, actor_label: str, action: str, target_type: str, target_id,
                 target_label: str, campaign_id, organisation_id, reason: str = "",
                 data: dict | None = None) -> dict:  # fmt: skip
    """An event's columns as stored and hashed: the time in UTC (as timezone.now() gives it and
    the column gives it back), the target as text, the label within its column. The demo's
    data hold only strings, numbers and lists of them: already what the JSON column returns,
    so no round trip is needed to hash them."""
    return {
        "created_at": at.astimezone(dt.UTC),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "target_type": target_type,
        "target_id": str(target_id),
        "target_label": target_label[:255],
        "campaign_id": campaign_id,
        "organisation_id": organisation_id,
        "reason": reason,
        "data": data or {},
    }


class PreparedEvent:
    """An audit event's columns and canonical content, its place in the chain still open: a
    part of the demo written by another process prepares its events, and the chain they join
    is continued here (``AuditChain.add_prepared``)."""

    __slots__ = ("values", "payload")

    def __init__(self, **event) -> None:
        self.values = event_values(**event)
        self.payload = PreparedPayload(**self.values)


def stable_hex(*parts) -> str:
    """A reproducible token from the demo's own values (never used for anything secret)."""
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


class Clock:
    """Seconds since the seed began, for the progress lines: where a slow seed spends its time."""

    def __init__(self) -> None:
        self.began = time.monotonic()

    def start(self) -> None:
        self.began = time.monotonic()

    def seconds(self) -> float:
        return time.monotonic() - self.began

    def lap(self) -> str:
        return f"（第 {self.seconds():.1f} 秒）"


clock = Clock()
