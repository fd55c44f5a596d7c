"""A job whose worker stopped reporting progress is ended as failed, with a message that says
so, by the periodic sweep or as soon as its page is looked at; a live job is left alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dudao.imports import actions, progress
from dudao.imports.models import ImportJob
from dudao.orgs.models import Person

from .helpers import person
from .helpers import roster as make

pytestmark = pytest.mark.django_db


def _importing_job(client):
    rows = [person("T1", "张一"), person("T2", "李二")]
    client.post("/imports/roster/", {"file": SimpleUploadedFile("名册.xlsx", make(people=rows))})
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status="importing")
    return ImportJob.objects.get(pk=job.pk)


def test_it_fails_a_job_whose_worker_went_silent_when_its_page_is_shown(client, cast):
    client.force_login(cast.user("office"))
    job = _importing_job(client)
    people = Person.objects.count()
    assert "导入中" in client.get(f"/imports/jobs/{job.pk}/").content.decode()
    ImportJob.objects.filter(pk=job.pk).update(queued_at=job.queued_at - dt.timedelta(minutes=6))
    body = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert job.status == "failed" and job.failure == actions.STALLED_MESSAGE
    assert "后台处理中断" in body and "重新上传" in body
    assert Person.objects.count() == people


def test_the_periodic_sweep_ends_only_silent_jobs(client, cast):
    client.force_login(cast.user("office"))
    job = _importing_job(client)
    long_ago = job.queued_at - dt.timedelta(minutes=6)
    ImportJob.objects.filter(pk=job.pk).update(queued_at=long_ago)
    progress.write(job.progress_key, "导入", 10, 100)  # its worker reported a moment ago
    assert actions.fail_stalled_jobs() == 0
    progress.clear(job.progress_key)
    assert actions.fail_stalled_jobs() == 1
    job.refresh_from_db()
    assert job.status == "failed"
    assert actions.fail_stalled_jobs() == 0


def test_a_task_delivered_again_after_the_job_ended_changes_nothing(client, cast):
    client.force_login(cast.user("office"))
    job = _importing_job(client)
    ImportJob.objects.filter(pk=job.pk).update(status="failed", failure=actions.STALLED_MESSAGE)
    people = Person.objects.count()
    actions.run_import(job.pk, actor_id=cast.user("office").pk)
    job.refresh_from_db()
    assert job.status == "failed" and Person.objects.count() == people
