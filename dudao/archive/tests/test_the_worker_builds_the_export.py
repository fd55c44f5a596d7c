"""The real task-queue path: ``request_export`` (not inline) queues the task on django-q2 after
commit, a separate ``manage.py run_worker`` process builds the bundle, and the job ends done with
its file and its audit event. Runs on a database of its own (SQLite file, or PostgreSQL when
DATABASE_URL is set), as the imports' worker test does."""

from __future__ import annotations

import json
import time

from dudao.imports.tests.processes import stack

SETUP = """
import json
from django.test import override_settings
from dudao.archive import actions
from dudao.campaigns.models import Participation
from dudao.campaigns.template_loader import load_builtin_template
from dudao.records.models import Meeting
from dudao.testing import build_cast
cast = build_cast(template=load_builtin_template("xianjinxing-2005"))
p = Participation.objects.get(campaign=cast.campaign, unit=cast.unit_a)
Meeting.objects.create(participation=p, phase="study", kind="forum", date="2005-02-01", title="座谈会")
with override_settings(DUDAO_IMPORT_SYNC=False):
    export = actions.request_export(actor=cast.user("group_leader"), participation=p, token="w-1")
print(json.dumps({"export": export.pk, "status": export.status}))
"""

STATE = """
import json
from dudao.archive.models import ArchiveExport
from dudao.core.models import AuditEvent
e = ArchiveExport.objects.get(pk={pk})
print(json.dumps({{"status": e.status, "failure": e.failure, "size": e.size,
    "file": bool(e.file) and e.file.storage.exists(e.file.name), "members": e.members,
    "events": AuditEvent.objects.filter(action="archive.export", target_id=str(e.pk)).count()}}))
"""


def test_a_worker_process_builds_the_queued_export(tmp_path):
    with stack(tmp_path) as s:
        made = json.loads(s.shell(SETUP).strip().splitlines()[-1])
        assert made["status"] == "queued"  # nothing ran inline
        worker = s.worker()
        end = time.monotonic() + 240
        state = {}
        while time.monotonic() < end:
            state = json.loads(s.shell(STATE.format(pk=made["export"])).strip().splitlines()[-1])
            if state["status"] in ("done", "failed"):
                break
            assert worker.poll() is None, worker.log_path.read_text()[-3000:]
            time.sleep(1)
        assert state["status"] == "done", (state, worker.log_path.read_text()[-3000:])
        assert state["file"] and state["size"] > 0 and state["members"] > 5
        assert state["events"] == 1
