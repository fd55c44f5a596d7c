"""An export whose worker died (no progress for DUDAO_ARCHIVE_STALLED_AFTER_S) is shown as
"导出中断，请重新导出" — on the unit page at once, or by the periodic sweep — and can be exported
again; a job that still reports progress is left alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from dudao.archive import actions
from dudao.archive.models import ArchiveExport, ExportStatus
from dudao.core.models import AuditEvent


def _running(part, user, *, silent_for: dt.timedelta, token="t-run") -> ArchiveExport:
    """A job a worker claimed and reported on, ``silent_for`` ago (as a killed worker leaves)."""
    export = ArchiveExport.objects.create(
        participation=part, requested_by=user, request_token=token
    )
    ArchiveExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING,
        stage="文书",
        done=3,
        total=10,
        progress_at=timezone.now() - silent_for,
    )
    export.refresh_from_db()
    return export


@pytest.fixture
def leader(cast2005):
    return cast2005.user("group_leader")


def test_the_unit_page_shows_an_interrupted_export_and_allows_a_new_one(
    cast2005, part, leader, client
):
    export = _running(part, leader, silent_for=dt.timedelta(minutes=11))
    client.force_login(leader)
    page = client.get(f"/archive/units/{part.pk}/").content.decode()
    assert "导出中断，请重新导出" in page
    assert 'http-equiv="refresh"' not in page  # nothing is running any more
    assert '<button class="primary">导出档案包</button>' in page  # enabled again
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    event = AuditEvent.objects.get(action="archive.export_stalled")
    assert event.target_id == str(export.pk) and event.data["stage"] == "文书"
    # Exporting again makes a new, complete bundle.
    again = client.post(f"/archive/units/{part.pk}/export/", {"token": "t-again"})
    assert again.status_code == 302
    assert ArchiveExport.objects.get(request_token="t-again").status == ExportStatus.DONE


def test_a_job_that_reports_progress_is_left_running(cast2005, part, leader, client):
    export = _running(part, leader, silent_for=dt.timedelta(minutes=2))
    client.force_login(leader)
    page = client.get(f"/archive/units/{part.pk}/").content.decode()
    assert "导出中断" not in page and 'http-equiv="refresh"' in page
    export.refresh_from_db()
    assert export.status == ExportStatus.RUNNING


def test_the_limit_is_a_setting(cast2005, part, leader):
    export = _running(part, leader, silent_for=dt.timedelta(minutes=2))
    with override_settings(DUDAO_ARCHIVE_STALLED_AFTER_S=60):
        assert actions.fail_if_stalled(export)
    assert export.status == ExportStatus.FAILED and export.failure == actions.STALLED_MESSAGE


def test_the_periodic_sweep_ends_silent_jobs_once(cast2005, part, leader):
    silent = _running(part, leader, silent_for=dt.timedelta(minutes=30), token="a")
    queued = ArchiveExport.objects.create(
        participation=part, requested_by=leader, request_token="b"
    )
    ArchiveExport.objects.filter(pk=queued.pk).update(
        requested_at=timezone.now() - dt.timedelta(hours=1)
    )
    alive = _running(part, leader, silent_for=dt.timedelta(seconds=5), token="c")
    assert actions.fail_stalled_exports() == 2
    assert actions.fail_stalled_exports() == 0  # idempotent: a second run changes nothing
    statuses = dict(ArchiveExport.objects.values_list("request_token", "status"))
    assert statuses == {"a": "failed", "b": "failed", "c": "running"}
    assert AuditEvent.objects.filter(action="archive.export_stalled").count() == 2
    # A late delivery of the task for the interrupted job does nothing.
    assert actions.run_export(silent.pk) is None
    alive.refresh_from_db()
    assert alive.status == ExportStatus.RUNNING
