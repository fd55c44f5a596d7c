"""Shared set-up for benchmarks: each bench runs alone as `python -m bench.NAME` and prints a
readable table, then as its very last line one JSON object with its figures."""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(db_name: str, *, fresh: bool = False) -> str:
    """Configure Django on a bench database (SQLite file var/bench_<db_name>.sqlite3 unless
    DATABASE_URL is set), migrate it, and return the vendor name."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DUDAO_DEBUG", "0")
    os.environ.setdefault("DUDAO_SECRET_KEY", "bench-only")
    os.environ.setdefault("DUDAO_AUDIT_KEY", "bench-only-audit-key")
    os.environ.setdefault("DUDAO_FAST_PASSWORD_HASHER", "1")
    os.environ["DUDAO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    if os.environ.get("DATABASE_URL"):
        # Never the user's own database (roster_import flushes its database): a sibling named
        # <name>_bench_<db_name>, created when missing.
        os.environ["DATABASE_URL"] = _bench_database(os.environ["DATABASE_URL"], db_name)
    else:
        path = ROOT / "var" / f"bench_{db_name}.sqlite3"
        path.parent.mkdir(exist_ok=True)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        os.environ["DUDAO_SQLITE_PATH"] = str(path)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # No collected static files are needed to time pages; an empty directory keeps the static
    # middleware from warning on every run.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    from django.db import connection

    if fresh and connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    return connection.vendor


def _bench_database(url: str, db_name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    base = parts.path.lstrip("/") or "dudao"
    if "_bench_" in base:
        base = base.split("_bench_")[0]
    name = f"{base}_bench_{db_name}"
    import psycopg

    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }


def _cols(text: str) -> int:
    """Terminal columns: Chinese characters take two, so that tables line up."""
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)


def _ljust(text, width: int) -> str:
    text = str(text)
    return text + " " * max(0, width - _cols(text))


def table(rows: list[tuple], header: tuple) -> None:
    widths = [max(_cols(str(x)) for x in col) + 2 for col in zip(header, *rows)]
    line = "".join(_ljust(h, w) for h, w in zip(header, widths))
    print(line)
    print("-" * _cols(line))
    for row in rows:
        print("".join(_ljust(x, w) for x, w in zip(row, widths)))


def emit(result: dict) -> None:
    print(json.dumps(result, ensure_ascii=False), flush=True)
