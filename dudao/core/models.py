"""Audit events: who did what, when, to what, and why — hash-chained so tampering shows."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditChainHead(models.Model):
    """A single row holding the chain's last sequence number and hash.

    Appending locks this row (``select_for_update``), so concurrent actions append one at a
    time in a single order on PostgreSQL; SQLite serialises writers anyway (IMMEDIATE mode).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"审计链头 #{self.last_seq}"


class AuditEvent(models.Model):
    seq = models.BigIntegerField("序号", unique=True)
    created_at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField("操作人姓名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    target_type = models.CharField("对象类型", max_length=64)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    target_label = models.CharField("对象", max_length=255, blank=True)
    campaign_id = models.BigIntegerField("活动", null=True, blank=True, db_index=True)
    organisation_id = models.BigIntegerField("单位/组织", null=True, blank=True, db_index=True)
    reason = models.TextField("理由", blank=True)
    data = models.JSONField("数据", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["seq"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_type}:{self.target_id}"
