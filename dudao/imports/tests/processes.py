"""Helpers for tests that run the application as separate processes (a worker, app servers)
on a database of their own: a temporary SQLite file, or on PostgreSQL (DATABASE_URL set) a
database created beside the test database and dropped afterwards."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    """A migrated database plus the environment that points processes at it."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.env = {
            **os.environ,
            "DUDAO_DEBUG": "0",
            "DUDAO_SECRET_KEY": "process-test",
            "DUDAO_FAST_PASSWORD_HASHER": "1",
            "DUDAO_IMPORT_SYNC": "0",
            "DUDAO_MEDIA_ROOT": str(tmp / "media"),
            "DUDAO_SECURE_COOKIES": "0",
            "DUDAO_QUEUE_POLL_S": "0.2",
            "PYTHONUNBUFFERED": "1",
        }
        self.pg_name = None
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith("postgres"):
            import psycopg

            self.pg_name = f"dudao_proc_{uuid.uuid4().hex[:10]}"
            base = url.rsplit("/", 1)[0]
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.pg_name}"')
            self.env["DATABASE_URL"] = f"{base}/{self.pg_name}"
            self.base = base
        else:
            self.env.pop("DATABASE_URL", None)
            self.env["DUDAO_SQLITE_PATH"] = str(tmp / "db.sqlite3")
        self.procs: list[subprocess.Popen] = []
        self.manage("migrate", "--noinput", "-v0")

    @property
    def sqlite_path(self) -> Path | None:
        return None if self.pg_name else Path(self.env["DUDAO_SQLITE_PATH"])

    def manage(self, *args: str, env: dict | None = None, timeout: float = 300) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-4000:]}")
        return done.stdout

    def shell(self, code: str, **env) -> str:
        return self.manage("shell", "-c", code, env=env)

    def start(self, *args: str, env: dict | None = None, log: str = "proc.log") -> subprocess.Popen:
        out = open(self.tmp / log, "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill it and all its children
        )
        proc.log_path = self.tmp / log
        self.procs.append(proc)
        return proc

    def worker(self, **env) -> subprocess.Popen:
        return self.start("manage.py", "run_worker", env=env, log=f"worker-{len(self.procs)}.log")

    def server(self, port: int, log: str, *, dev: bool = False) -> subprocess.Popen:
        """gunicorn with the project's config (or, dev=True, Django's runserver) on ``port``."""
        if dev:
            args = ["manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
        else:
            args = ["-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"]
        env = {"DUDAO_BIND": f"127.0.0.1:{port}", "DUDAO_GUNICORN_WORKERS": "1"}
        proc = self.start(*args, env=env, log=log)
        wait_for_port(port, proc)
        return proc

    @staticmethod
    def kill(proc: subprocess.Popen, sig=signal.SIGKILL) -> None:
        try:  # SIGKILL: the whole group at once; SIGTERM: the main process, which stops its own
            if sig == signal.SIGKILL:
                os.killpg(proc.pid, sig)
            else:
                os.kill(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                self.kill(proc, signal.SIGTERM)
            try:  # what is left of its group (a worker's children)
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self.pg_name:
            import psycopg

            with psycopg.connect(f"{self.base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.log_path.read_text()[-3000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"server on {port} did not start")


@contextmanager
def stack(tmp: Path):
    s = Stack(tmp)
    try:
        yield s
    finally:
        s.close()
