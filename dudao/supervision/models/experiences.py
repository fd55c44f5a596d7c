"""Typical experiences (典型经验) and their attachments."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from dudao.core.fields import user_fk

from .visits import Visit


class ExperienceStatus(models.TextChoices):
    NOMINATED = "nominated", "待活动办审核"
    RETURNED = "returned", "退回督导组修改"
    APPROVED = "approved", "已审定"
    PUBLISHED = "published", "已发布"


class TypicalExperience(models.Model):
    """典型经验 (seed 004: typical experiences nominated and promoted): a group nominates a unit's
    practice with its evidence; the office edits, approves (or returns with a reason) and
    publishes it. Published ones are what the bulletin picks from
    (``selectors.published_experiences``)::

        nominated ──approve──▶ approved ──publish──▶ published
            │  ▲                  │
            ▼  └── renominate ── returned ◀── return (reason)
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="活动", on_delete=models.CASCADE, related_name="+"
    )
    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="typical_experiences",
    )
    group = models.ForeignKey(
        "campaigns.SupervisionGroup",
        verbose_name="推荐督导组",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="experiences",
    )
    title = models.CharField("标题", max_length=200)
    practice = models.TextField("主要做法")
    evidence = models.TextField("佐证情况", blank=True)
    # Linked records: the visits where the group saw the practice, the unit's documents.
    visits = models.ManyToManyField(
        Visit, verbose_name="相关调研记录", blank=True, related_name="+"
    )
    documents = models.ManyToManyField(
        "reviews.Document", verbose_name="相关文书", blank=True, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=16, choices=ExperienceStatus.choices, default=ExperienceStatus.NOMINATED
    )
    return_reason = models.TextField("退回理由", blank=True)
    client_token = models.CharField("提交标识", max_length=64)
    nominated_by = user_fk("推荐人", null=False)
    nominated_at = models.DateTimeField("推荐时间", auto_now_add=True)
    approved_by = user_fk("审定人")
    approved_at = models.DateTimeField("审定时间", null=True, blank=True)
    published_by = user_fk("发布人")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "典型经验"
        verbose_name_plural = "典型经验"
        ordering = ["-nominated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["nominated_by", "client_token"], name="experience_client_token"
            ),
            models.CheckConstraint(
                name="experience_published_has_time",
                condition=~Q(status="published") | Q(published_at__isnull=False),
            ),
            models.CheckConstraint(
                name="experience_returned_has_reason",
                condition=~Q(status="returned") | ~Q(return_reason=""),
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="experience_campaign_status"),
            models.Index(fields=["group", "nominated_at"], name="experience_group_day"),
        ]

    def __str__(self) -> str:
        return self.title


class ExperienceAttachment(models.Model):
    experience = models.ForeignKey(
        TypicalExperience,
        verbose_name="典型经验",
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField("附件", upload_to="supervision/experiences/%Y/%m/")
    original_name = models.CharField("文件名", max_length=255)
    size = models.PositiveIntegerField("大小")
    content_type = models.CharField("类型", max_length=100, blank=True)

    class Meta:
        verbose_name = "典型经验附件"
        verbose_name_plural = "典型经验附件"

    def __str__(self) -> str:
        return self.original_name
