"""Kill the worker (SIGKILL, its whole process group) while it is writing a roster import:
afterwards the job is ended as failed by the periodic job, run by a fresh worker, and none of
the file's rows is stored. Runs the real worker processes on a database of their own (SQLite
file, or PostgreSQL when DATABASE_URL is set)."""

from __future__ import annotations

import json
import sqlite3
import time

from .processes import stack

PEOPLE = 30000

SETUP = f"""
import json
from django.contrib.auth import get_user_model
from django.test import override_settings
from dudao.imports import actions
from dudao.imports.tests.helpers import person, roster
user = get_user_model().objects.create_superuser("office", password="pw-123456-x")
rows = [person(f"P{{i:06d}}", "测试人员", "T-U1-B1") for i in range({PEOPLE})]
with override_settings(DUDAO_IMPORT_SYNC=True):
    job = actions.upload(actor=user, kind="roster", file_name="名册.xlsx", data=roster(people=rows))
job.refresh_from_db()
assert job.status == "ready", (job.status, job.errors[:3])
job = actions.start_import(actor=user, job=job, only_valid=False)
print(json.dumps({{"job": job.pk, "key": job.progress_key}}))
"""

STATE = """
import json
from dudao.imports.models import ImportJob
from dudao.orgs.models import Person
job = ImportJob.objects.get(pk={job})
print(json.dumps({{"status": job.status, "failure": job.failure,
    "people": Person.objects.filter(code__startswith="P0").count()}}))
"""

DUE_NOW = """
from django.utils import timezone
from django_q.models import Schedule
assert Schedule.objects.filter(name="periodic:imports.fail_stalled_jobs").update(next_run=timezone.now()) == 1
"""


def _progress(s, key):
    if s.sqlite_path:
        path = s.sqlite_path.with_name(s.sqlite_path.stem + "-progress.sqlite3")
        if not path.exists():
            return None
        with sqlite3.connect(path) as conn:
            try:
                return conn.execute(
                    "SELECT stage, done, total FROM imports_progress WHERE key = ?", [key]
                ).fetchone()
            except sqlite3.OperationalError:
                return None
    import psycopg

    with psycopg.connect(s.env["DATABASE_URL"]) as conn:
        return conn.execute(
            "SELECT stage, done, total FROM imports_progress WHERE key = %s", [key]
        ).fetchone()


def _state(s, job):
    return json.loads(s.shell(STATE.format(job=job)).strip().splitlines()[-1])


def test_it_leaves_a_killed_import_failed_and_nothing_half_stored(tmp_path):
    with stack(tmp_path) as s:
        made = json.loads(s.shell(SETUP).strip().splitlines()[-1])
        quick = {"DUDAO_IMPORT_STALLED_AFTER_S": "3", "DUDAO_QUEUE_GUARD_CYCLE_S": "0.1"}
        worker = s.worker(**quick)
        seen = None
        end = time.monotonic() + 300
        while time.monotonic() < end:
            seen = _progress(s, made["key"])
            if seen and seen[0] == "写入" and 0 < seen[1] < seen[2]:
                break
            assert worker.poll() is None, worker.log_path.read_text()[-3000:]
            time.sleep(0.05)
        else:
            raise AssertionError(f"the import never reached writing: {seen}")
        s.kill(worker)  # mid-write: its transaction is open
        assert _state(s, made["job"])["status"] == "importing"  # what was left behind

        # A fresh worker; its scheduler runs the periodic job that ends silent jobs.
        time.sleep(3.5)
        s.shell(DUE_NOW)
        s.worker(**quick)
        end = time.monotonic() + 120
        while time.monotonic() < end:
            state = _state(s, made["job"])
            if state["status"] != "importing":
                break
            time.sleep(1)
        assert state["status"] == "failed", state
        assert "后台处理中断" in state["failure"]
        assert state["people"] == 0  # nothing of the file was stored
