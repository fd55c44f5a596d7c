"""Live progress of a long import, in a database that every app server and worker reads.

The import writes its data in ONE transaction (so a failure leaves nothing half-imported), and
its progress must be visible while that transaction is still open. So progress is written on a
connection of its own, which commits each line at once:

- PostgreSQL: the ``imports_progress`` table of the application's database, on a second
  connection (autocommit) opened by this module per thread.
- SQLite: the import's transaction holds the database's only write lock, so progress goes to a
  second small database file beside the first (``DUDAO_PROGRESS_SQLITE_PATH``), same table.
  Every process on the machine (an SQLite deployment is one machine) reads it.

Rows are keyed by the job's ``progress_key`` (random), not its id, so that two databases sharing
one progress file (test runs) never mix their jobs. A row's ``at`` is the worker's heartbeat: a
running job whose heartbeat is older than ``DUDAO_IMPORT_STALLED_AFTER_S`` has lost its worker
(``actions.fail_stalled_jobs``). Final state (status, counts, errors) is always in the job row.
"""

from __future__ import annotations

import sqlite3
import threading
import time

from django.conf import settings
from django.db import connections

TABLE = "imports_progress"
_local = threading.local()
_SQLITE_SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (key varchar(64) PRIMARY KEY, stage varchar(64) "
    "NOT NULL, done integer NOT NULL, total integer NOT NULL, at double precision NOT NULL)"
)


def _sqlite_path() -> str | None:
    path = getattr(settings, "DUDAO_PROGRESS_SQLITE_PATH", None)
    if connections["default"].vendor != "sqlite" or not path:
        return None
    return str(path)


def _cursor():
    """A cursor on the progress connection of this thread (opened once, autocommit)."""
    path = _sqlite_path()
    key = ("sqlite", path) if path else ("pg", connections["default"].settings_dict["NAME"])
    held = getattr(_local, "conn", None)
    if held is None or held[0] != key:
        if held is not None:
            held[1].close()
        if path:
            conn = sqlite3.connect(path, timeout=20, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(_SQLITE_SCHEMA)
        else:
            conn = connections.create_connection("default")
            conn.ensure_connection()
            conn.set_autocommit(True)
        _local.conn = held = (key, conn)
    conn = held[1]
    return conn.cursor() if path else conn.connection.cursor()


def _param(sql: str) -> str:
    return sql.replace("%s", "?") if _sqlite_path() else sql


def write(key: str, stage: str, done: int, total: int) -> None:
    cur = _cursor()
    cur.execute(
        _param(
            f"INSERT INTO {TABLE} (key, stage, done, total, at) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (key) DO UPDATE SET stage = excluded.stage, done = excluded.done, "
            "total = excluded.total, at = excluded.at"
        ),
        [key, stage[:64], done, total, time.time()],
    )


def read(key: str) -> dict | None:
    cur = _cursor()
    cur.execute(_param(f"SELECT stage, done, total, at FROM {TABLE} WHERE key = %s"), [key])
    row = cur.fetchone()
    if row is None:
        return None
    return {"stage": row[0], "done": row[1], "total": row[2], "at": row[3]}


def clear(key: str) -> None:
    _cursor().execute(_param(f"DELETE FROM {TABLE} WHERE key = %s"), [key])


def close() -> None:
    """Close this thread's progress connection (end of a worker's task, end of a test)."""
    held = getattr(_local, "conn", None)
    if held is not None:
        held[1].close()
        _local.conn = None


def reporter(key: str, every: float = 0.5):
    """A progress callback that writes at most every `every` seconds (and always at the end)."""
    last = [0.0]

    def report(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - last[0] >= every:
            last[0] = now
            write(key, stage, done, total)

    return report


def stalled_after_s() -> int:
    return int(getattr(settings, "DUDAO_IMPORT_STALLED_AFTER_S", 300))


def stalled(since, live: dict | None, *, now: float | None = None) -> bool:
    """True when a running job has reported nothing for ``stalled_after_s()`` seconds (counted
    from ``since``, when it was queued or claimed, if it never reported): its worker most likely
    ended. Its transaction rolled back, so nothing was half-imported."""
    now = time.time() if now is None else now
    last = live["at"] if live else since.timestamp()
    return now - last > stalled_after_s()
