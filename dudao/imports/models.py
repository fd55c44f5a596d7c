from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models


class ImportKind(models.TextChoices):
    ROSTER = "roster", "组织人员名册"
    SETUP = "setup", "活动设置"


class ImportStatus(models.TextChoices):
    CHECKING = "checking", "校验中"
    INVALID = "invalid", "有错误"
    READY = "ready", "待导入"
    IMPORTING = "importing", "导入中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


def _progress_key() -> str:
    return secrets.token_hex(16)


class ImportJob(models.Model):
    """One uploaded workbook and what became of it. The original file is kept: with the audit
    event it makes the import reconstructible."""

    kind = models.CharField("类型", max_length=16, choices=ImportKind.choices)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="活动",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField("文件名", max_length=255)
    content = models.BinaryField("原始文件")
    sha256 = models.CharField("文件摘要", max_length=64)
    status = models.CharField("状态", max_length=16, choices=ImportStatus.choices)
    only_valid = models.BooleanField("仅导入无误的行", default=False)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    error_count = models.PositiveIntegerField("错误数", default=0)
    errors = models.JSONField("错误（前 2000 条）", default=list, blank=True)
    summary = models.JSONField("结果", default=dict, blank=True)
    failure = models.TextField("失败原因", blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    # When the current step (checking, importing) was handed to the task queue: a step that has
    # reported no progress for DUDAO_IMPORT_STALLED_AFTER_S since then has lost its worker.
    queued_at = models.DateTimeField("排队时间", null=True, blank=True)
    # Key of the job's live progress row (progress.py); random, see there.
    progress_key = models.CharField(max_length=32, default=_progress_key, editable=False)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.file_name}"


class ImportProgress(models.Model):
    """Live progress of a running job (see progress.py: written on its own connection, and on
    SQLite in a second database file). Read and written by progress.py only."""

    key = models.CharField(max_length=64, primary_key=True)
    stage = models.CharField(max_length=64)
    done = models.IntegerField()
    total = models.IntegerField()
    at = models.FloatField()

    class Meta:
        db_table = "imports_progress"
        verbose_name = "导入进度"
        verbose_name_plural = "导入进度"

    def __str__(self) -> str:
        return f"{self.stage} {self.done}/{self.total}"
