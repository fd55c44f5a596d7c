"""Archive writes: asking for an export (the page) and building it (a task on the queue).

``request_export`` checks ``archive_permits`` (the same rule the page asks), records the request
and queues ``tasks.run_export`` once the request commits; a double submit of the same form (its
``token``) answers the export already asked for. ``run_export`` builds the bundle outside any
transaction, reporting progress on the job row, then stores the result and records the export —
with the manifest's SHA-256 and the audit head it is bound to — as one audit event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from dudao.core.audit import record_event
from dudao.core.errors import DomainError

from . import bundle
from .access import archive_permits
from .models import ArchiveExport, ExportStatus

log = logging.getLogger(__name__)


def _sync() -> bool:
    """DUDAO_IMPORT_SYNC (unit tests): the export runs inline, as the imports do."""
    return bool(getattr(settings, "DUDAO_IMPORT_SYNC", False))


def _queue(export_id: int) -> None:
    """Run the export as a task once the current transaction commits."""
    if _sync():
        return
    from django_q.tasks import async_task

    transaction.on_commit(
        lambda: async_task("dudao.archive.tasks.run_export", export_id, task_name="archive.export")
    )


def request_export(*, actor, participation, token: str) -> ArchiveExport:
    archive_permits(actor, participation).require("export")
    token = (token or "").strip()[:64]
    if not token:
        raise DomainError("提交标识缺失：请刷新页面后重新点击“导出档案包”。")
    existing = ArchiveExport.objects.filter(request_token=token).first()
    if existing is not None:
        if existing.participation_id != participation.pk or existing.requested_by_id != actor.pk:
            raise DomainError("提交标识无效：请刷新页面后重新点击“导出档案包”。")
        return existing
    try:
        with transaction.atomic():
            export = ArchiveExport.objects.create(
                participation=participation, requested_by=actor, request_token=token
            )
            record_event(
                actor=actor,
                action="archive.export_request",
                target=export,
                target_label=f"{participation.unit_name} 活动档案",
                campaign_id=participation.campaign_id,
                organisation_id=participation.unit_id,
                reason="申请导出活动档案包",
                data={"participation": participation.pk},
            )
            _queue(export.pk)
    except IntegrityError:
        # The same form submitted twice at once: the other request created the row.
        export = ArchiveExport.objects.filter(request_token=token).first()
        if export is None:
            raise
        return export
    if _sync():
        run_export(export.pk)
        export.refresh_from_db()
    return export


def _report(export_id: int):
    def report(stage: str, done: int, total: int) -> None:
        ArchiveExport.objects.filter(pk=export_id).update(
            stage=stage, done=done, total=total, progress_at=timezone.now()
        )

    return report


STALLED_MESSAGE = "导出中断，请重新导出。"


def stalled_after_s() -> int:
    return int(getattr(settings, "DUDAO_ARCHIVE_STALLED_AFTER_S", 600))


def fail_if_stalled(export: ArchiveExport) -> bool:
    """End ``export`` as interrupted if it is queued or running and nothing was heard from its
    worker for ``stalled_after_s()`` (a worker killed mid-build leaves the job running for ever:
    django-q2's re-delivery finds it claimed and leaves it). Compare-and-set on the status and
    the last progress time, so a worker that reports in the meantime keeps its job; audited.
    True if this call ended it."""
    if export.status not in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        return False
    last = export.progress_at or export.requested_at
    if (timezone.now() - last).total_seconds() <= stalled_after_s():
        return False
    with transaction.atomic():
        ended = ArchiveExport.objects.filter(
            pk=export.pk, status=export.status, progress_at=export.progress_at
        ).update(status=ExportStatus.FAILED, failure=STALLED_MESSAGE, finished_at=timezone.now())
        if not ended:
            return False
        p = export.participation
        record_event(
            actor=None,
            action="archive.export_stalled",
            target=export,
            target_label=f"{p.unit_name} 活动档案",
            campaign_id=p.campaign_id,
            organisation_id=p.unit_id,
            reason=STALLED_MESSAGE,
            data={"stage": export.stage, "done": export.done, "total": export.total},
        )
    export.refresh_from_db()
    return True


def fail_stalled_exports() -> int:
    """Periodic job (settings.DUDAO_PERIODIC_JOBS): ``fail_if_stalled`` for every unfinished
    export whose worker has been silent too long. Idempotent."""
    limit = timezone.now() - dt.timedelta(seconds=stalled_after_s())
    silent = ArchiveExport.objects.filter(
        status__in=(ExportStatus.QUEUED, ExportStatus.RUNNING)
    ).filter(Q(progress_at__lt=limit) | Q(progress_at__isnull=True, requested_at__lt=limit))
    return sum(fail_if_stalled(e) for e in silent.select_related("participation"))


FAILED_MESSAGE = "生成档案包时出错，未生成文件。请稍后重新导出；如仍失败，请联系系统管理员。"


def run_export(export_id: int) -> ArchiveExport | None:
    """The task: build the bundle of one export. Runs once: a job no longer queued is left as it
    is (a retry of a task that already ran)."""
    claimed = ArchiveExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, stage="准备", progress_at=timezone.now()
    )
    if not claimed:
        return None
    export = ArchiveExport.objects.select_related(
        "participation__campaign__template",
        "participation__unit",
        "participation__batch",
        "participation__group",
        "requested_by",
    ).get(pk=export_id)
    p = export.participation
    try:
        with tempfile.NamedTemporaryFile(suffix=".zip") as tmp:
            result = bundle.build(
                tmp.name, participation=p, exporter=export.requested_by, report=_report(export_id)
            )
            digest = hashlib.sha256()
            tmp.seek(0)
            while block := tmp.read(1024 * 1024):
                digest.update(block)
            size = tmp.tell()
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            name = f"活动档案-{p.unit_name}-{stamp}.zip"
            tmp.seek(0)
            export.file.save(f"archive-{p.pk}-{export.pk}.zip", File(tmp), save=False)
        with transaction.atomic():
            ArchiveExport.objects.filter(pk=export_id).update(
                status=ExportStatus.DONE,
                stage="完成",
                file=export.file.name,
                file_name=name,
                size=size,
                members=result.members,
                bundle_sha256=digest.hexdigest(),
                manifest_sha256=result.manifest_sha256,
                head_seq=result.head_seq,
                head_hash=result.head_hash,
                finished_at=timezone.now(),
            )
            record_event(
                actor=export.requested_by,
                action="archive.export",
                target=export,
                target_label=f"{p.unit_name} 活动档案",
                campaign_id=p.campaign_id,
                organisation_id=p.unit_id,
                reason="导出活动档案包",
                data={
                    "manifest_sha256": result.manifest_sha256,
                    "bundle_sha256": digest.hexdigest(),
                    "audit_head_seq": result.head_seq,
                    "audit_head_hash": result.head_hash,
                    "files": result.members,
                    "bytes": size,
                },
            )
    except Exception:
        log.exception("archive export %s failed", export_id)
        with transaction.atomic():
            ArchiveExport.objects.filter(pk=export_id).update(
                status=ExportStatus.FAILED, failure=FAILED_MESSAGE, finished_at=timezone.now()
            )
            record_event(
                actor=None,
                action="archive.export_fail",
                target=export,
                target_label=f"{p.unit_name} 活动档案",
                campaign_id=p.campaign_id,
                organisation_id=p.unit_id,
                reason=FAILED_MESSAGE,
            )
    export.refresh_from_db()
    return export
