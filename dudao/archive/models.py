"""An export of one unit's archive (活动档案) as a bundle: the job row, its progress and result.

The bundle itself is a zip file in the media storage; the job keeps its SHA-256, the SHA-256 of
its manifest and the audit chain head the manifest is bound to, so that the office can check a
bundle handed back years later against what was exported.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ArchiveExport(models.Model):
    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="archive_exports",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    # A double submit of the same form carries the same token and finds this row again.
    request_token = models.CharField("提交标识", max_length=64, unique=True)
    status = models.CharField(
        "状态", max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    stage = models.CharField("当前步骤", max_length=100, blank=True)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    file = models.FileField("档案包", upload_to="archive/%Y/%m/", blank=True)
    file_name = models.CharField("文件名", max_length=255, blank=True)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    members = models.PositiveIntegerField("文件数", default=0)
    bundle_sha256 = models.CharField("档案包哈希", max_length=64, blank=True)
    manifest_sha256 = models.CharField("清单哈希", max_length=64, blank=True)
    head_seq = models.PositiveBigIntegerField("审计链头序号", default=0)
    head_hash = models.CharField("审计链头哈希", max_length=64, blank=True)
    failure = models.TextField("失败原因", blank=True)
    # The last sign of life of the worker building it (claimed, or a progress report): a job
    # queued or running with none for DUDAO_ARCHIVE_STALLED_AFTER_S has lost its worker.
    progress_at = models.DateTimeField("最近进展时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "档案导出"
        verbose_name_plural = "档案导出"
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["participation", "-requested_at"])]

    def __str__(self) -> str:
        return f"{self.participation} 档案导出 #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
