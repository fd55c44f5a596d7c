"""Import jobs: upload, check, import. The work runs in a background thread after the request
commits (see docs/decisions/0002-import-in-background-thread.md); its state is in the job row."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from dudao.core.errors import ConflictError, DomainError

from . import progress, roster, setup
from .excel import FileRejected
from .models import ImportJob, ImportKind, ImportStatus

log = logging.getLogger(__name__)
MAX_ERRORS_KEPT = 2000


def _module(kind: str):
    return setup if kind == ImportKind.SETUP else roster


def run_later(fn: Callable[[], None]) -> None:
    """Run fn in a daemon thread (its own database connection) once the current transaction
    commits; inline and at once when DUDAO_IMPORT_SYNC is set (tests)."""
    if getattr(settings, "DUDAO_IMPORT_SYNC", False):
        fn()
        return

    def target() -> None:
        try:
            fn()
        finally:
            close_old_connections()
            connection.close()

    transaction.on_commit(
        lambda: threading.Thread(target=target, daemon=True, name="dudao-import").start()
    )


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
        )
        run_later(lambda: check_job(job.pk))
    return job


def _store_problems(job: ImportJob, problems) -> None:
    job.error_count = len(problems)
    job.errors = [p.as_dict() for p in problems[:MAX_ERRORS_KEPT]]


def check_job(job_id: int) -> ImportJob:
    job = ImportJob.objects.get(pk=job_id)
    module = _module(job.kind)
    try:
        plan, _lookups = module.check(bytes(job.content), progress.reporter(job.pk), **_extra(job))
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
    progress.clear(job.pk)
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
            status=ImportStatus.IMPORTING, only_valid=only_valid
        )
        if not claimed:
            job.refresh_from_db()
            raise ConflictError(
                f"该文件已在导入或已导入（当前状态：{job.get_status_display()}），没有重复导入。"
            )
        run_later(lambda: run_import(job.pk, actor_id=actor.pk))
    job.refresh_from_db()
    return job


def run_import(job_id: int, *, actor_id: int) -> ImportJob:
    job = ImportJob.objects.get(pk=job_id)
    actor = get_user_model().objects.get(pk=actor_id)
    module = _module(job.kind)
    report = progress.reporter(job.pk)
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
    job.save(update_fields=["status", "failure", "summary", "finished_at", "error_count", "errors"])
    progress.clear(job.pk)
    return job
