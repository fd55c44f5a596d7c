"""Bulletins (简报) as stored documents: the office drafts one (its items picked from the week's
facts and free text), edits it, and issues it; an issued bulletin is frozen. The Word and PDF
files are regenerated from the stored content, so a bulletin printed again years later reads
as it was issued."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已印发"


class Bulletin(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="活动", on_delete=models.CASCADE, related_name="+"
    )
    # Allocated under the campaign row's lock: 1, 2, 3 … per campaign, no gap, no duplicate
    # (drafts are never deleted, so a number once given stays given).
    number = models.PositiveIntegerField("期号")
    issued_on = models.DateField("日期")
    masthead = models.CharField("报头", max_length=100)
    sponsor = models.CharField("主办", max_length=100)
    status = models.CharField(
        "状态", max_length=16, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT
    )
    # The form's token: a double submit of "新建简报" finds the first bulletin.
    request_token = models.CharField("提交标识", max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="编辑人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="印发人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField("印发时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "简报"
        verbose_name_plural = "简报"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="bulletin_number"),
            models.UniqueConstraint(
                fields=["campaign", "request_token"], name="bulletin_request_token"
            ),
            models.CheckConstraint(
                name="bulletin_issued_has_time",
                condition=Q(status="draft") | Q(issued_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.masthead}（第{self.number}期）"


class ItemSource(models.TextChoices):
    WEEK_FACTS = "week_facts", "本周工作情况"
    FREE = "free", "自行撰写"
    TYPICAL = "typical_experiences", "典型经验"


class BulletinItem(models.Model):
    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField("顺序")
    # Where the item was picked from (the week's facts, free text; typical experiences once the
    # supervision app offers them) and which record, so a reader can trace it.
    source = models.CharField("来源", max_length=32, choices=ItemSource.choices)
    source_ref = models.CharField("来源记录", max_length=64, blank=True)
    title = models.CharField("标题", max_length=200)
    text = models.TextField("内容")

    class Meta:
        verbose_name = "简报条目"
        verbose_name_plural = "简报条目"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "position"], name="bulletin_item_position")
        ]

    def __str__(self) -> str:
        return self.title
