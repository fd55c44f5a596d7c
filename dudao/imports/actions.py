"""Import jobs: upload, check, import. The work runs as a task on the queue (django-q2, see
docs/decisions/0007-task-queue-django-q2.md) once the request commits; its state is in the job
row, its live progress in the progress table (progress.py)."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from dudao.core.errors import ConflictError, DomainError

from . import progress, roster, setup
from .excel import FileRejected
from .models import ImportJob, ImportKind, ImportStatus

log = logging.getLogger(__name__)
MAX_ERRORS_KEPT = 2000


def _module(kind: str):
    return setup if kind == ImportKind.SETUP else roster


def run_later(func: str, *args, **kwargs) -> None:
    """Queue the task ``func`` (a function of this module) once the current transaction commits;
    inline and at once when DUDAO_IMPORT_SYNC is set (unit tests)."""
    if getattr(settings, "DUDAO_IMPORT_SYNC", False):
        globals()[func](*args, **kwargs)
        return
    from django_q.tasks import async_task

    transaction.on_commit(
        lambda: async_task(
            f"dudao.imports.tasks.{func}", *args, task_name=f"import.{func}", **kwargs
        )
    )


STALLED_MESSAGE = (
    "后台处理中断（服务器重启或后台服务停止），已停止处理，没有导入任何数据。"
    "请重新上传该文件；重复导入不会产生重复数据。"
)


def fail_if_stalled(job: ImportJob) -> bool:
    """End ``job`` with STALLED_MESSAGE if it is checking/importing and its worker stopped
    reporting progress (killed, restarted). Its data was written in one transaction that rolled
    back with the worker, so nothing is half-stored. True if it ended the job."""
    if job.status not in (ImportStatus.CHECKING, ImportStatus.IMPORTING):
        return False
    if not progress.stalled(job.queued_at or job.created_at, progress.read(job.progress_key)):
        return False
    # Compare-and-set: a job that finished meanwhile keeps its result.
    ended = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
        status=ImportStatus.FAILED, failure=STALLED_MESSAGE, finished_at=timezone.now()
    )
    if ended:
        progress.clear(job.progress_key)
        log.warning("import job %s ended: no progress from its worker", job.pk)
    return bool(ended)


def fail_stalled_jobs() -> int:
    """Periodic job (settings.DUDAO_PERIODIC_JOBS): ``fail_if_stalled`` for every running job.
    Returns how many jobs it ended."""
    running = [ImportStatus.CHECKING, ImportStatus.IMPORTING]
    jobs = ImportJob.objects.filter(status__in=running).only(
        "pk", "status", "queued_at", "created_at", "progress_key"
    )
    return sum(fail_if_stalled(job) for job in jobs)


def upload(*, actor, kind: str, file_name: str, data: bytes, campaign=None) -> ImportJob:
    """Keep the file and check it (in the background). Refuses an oversized or empty upload."""
    if len(data) > settings.DUDAO_MAX_IMPORT_BYTES:
        raise DomainError(
            f"文件太大（{len(data) // 1024 // 1024} MB），上限为 "
            f"{settings.DUDAO_MAX_IMPORT_BYTES // 1024 // 1024} MB。请分成几个文件导入。"
        )
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            campaign=campaign,
            uploaded_by=actor,
            file_name=file_name[:255],
            content=data,
            sha256=hashlib.sha256(data).hexdigest(),
            status=ImportStatus.CHECKING,
            queued_at=timezone.now(),
        )
        run_later("check_job", job.pk)
    return job


def _store_problems(job: ImportJob, problems) -> None:
    job.error_count = len(problems)
    job.errors = [p.as_dict() for p in problems[:MAX_ERRORS_KEPT]]


def check_job(job_id: int) -> ImportJob:
    """Task: check the uploaded file. Idempotent: a job no longer being checked (ended as
    stalled, or checked by an earlier delivery of this task) is left as it is."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportStatus.CHECKING:
        return job
    module = _module(job.kind)
    try:
        plan, _lookups = module.check(
            bytes(job.content), progress.reporter(job.progress_key), **_extra(job)
        )
    except FileRejected as exc:
        job.status, job.failure, job.finished_at = ImportStatus.INVALID, str(exc), timezone.now()
        job.save(update_fields=["status", "failure", "finished_at"])
        return job
    except Exception:  # an unexpected failure must still end the job with a message
        log.exception("import check failed")
        job.status, job.failure = (
            ImportStatus.FAILED,
            "校验时发生意外错误，请联系系统管理员（已记录日志）。",
        )
        job.save(update_fields=["status", "failure"])
        return job
    _store_problems(job, plan.problems)
    job.total_rows = plan.total_rows
    job.status = ImportStatus.INVALID if plan.bad else ImportStatus.READY
    bad_rows = {key for key in plan.bad if key[1] > 1}  # row 1 is a sheet's header, not data
    job.summary = {
        "valid_rows": plan.total_rows - len(bad_rows) - len(plan.skipped),
        "bad_rows": len(bad_rows),
        "skipped_rows": len(plan.skipped),
    }
    job.save(update_fields=["error_count", "errors", "total_rows", "status", "summary"])
    progress.clear(job.progress_key)
    return job


def _extra(job: ImportJob) -> dict:
    return {"campaign": job.campaign} if job.kind == ImportKind.SETUP else {}


def start_import(*, actor, job: ImportJob, only_valid: bool) -> ImportJob:
    """Claim the job (compare-and-set) so that a double submit imports once."""
    allowed = [ImportStatus.READY] + ([ImportStatus.INVALID] if only_valid else [])
    if job.status == ImportStatus.INVALID and not only_valid:
        raise DomainError("文件有错误，不能全部导入。请改正后重新上传，或选择“仅导入无误的行”。")
    if job.failure:
        raise DomainError("文件无法读取，不能导入。请重新上传。")
    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job.pk, status__in=allowed).update(
            status=ImportStatus.IMPORTING, only_valid=only_valid, queued_at=timezone.now()
        )
        if not claimed:
            job.refresh_from_db()
            raise ConflictError(
                f"该文件已在导入或已导入（当前状态：{job.get_status_display()}），没有重复导入。"
            )
        run_later("run_import", job.pk, actor_id=actor.pk)
    job.refresh_from_db()
    return job


def run_import(job_id: int, *, actor_id: int) -> ImportJob:
    """Task: import a claimed job. Idempotent: a job that is no longer importing (done, or
    ended as stalled) is left as it is; a job still marked importing is (re)run — a delivery
    after a worker died mid-import finds nothing of the first attempt stored (one transaction)
    and imports the file again."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportStatus.IMPORTING:
        return job
    actor = get_user_model().objects.get(pk=actor_id)
    module = _module(job.kind)
    report = progress.reporter(job.progress_key)
    try:
        plan, lookups = module.check(bytes(job.content), report, **_extra(job))
        summary = module.apply(
            plan,
            lookups,
            actor=actor,
            only_valid=job.only_valid,
            file_name=job.file_name,
            progress=report,
            **_extra(job),
        )
    except DomainError as exc:
        job.status, job.failure = ImportStatus.FAILED, exc.message
    except Exception:
        log.exception("import failed")
        job.status, job.failure = (
            ImportStatus.FAILED,
            "导入时发生意外错误，没有导入任何数据。请联系系统管理员（已记录日志）。",
        )
    else:
        job.status, job.summary = ImportStatus.DONE, {**job.summary, **summary}
        _store_problems(job, plan.problems)
    job.finished_at = timezone.now()
    # Unconditional: if the stalled-job sweep ended this job while it was in fact still working,
    # the data is stored now and the job must say so.
    job.save(update_fields=["status", "failure", "summary", "finished_at", "error_count", "errors"])
    progress.clear(job.progress_key)
    return job
