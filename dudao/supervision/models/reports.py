"""Weekly reports: one per group and week."""

from __future__ import annotations

from django.db import models

from dudao.core.fields import user_fk


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "待组长提交"
    SUBMITTED = "submitted", "已报活动办"


class WeeklyReport(models.Model):
    """Seed 002: each group reports to the office every week. ``figures`` is what the compile
    counted from the record (names in ``weekly.FIGURES``); the narrative is the leader's."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="活动", on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(
        "campaigns.SupervisionGroup",
        verbose_name="督导组",
        on_delete=models.CASCADE,
        related_name="weekly_reports",
    )
    week_start = models.DateField("周起始日（周一）")
    figures = models.JSONField("数据", default=dict)
    compiled_at = models.DateTimeField("汇总时间")
    narrative = models.TextField("工作情况", blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    submitted_by = user_fk("提交人")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "督导组周报"
        verbose_name_plural = "督导组周报"
        ordering = ["-week_start", "group__code"]
        constraints = [
            models.UniqueConstraint(fields=["group", "week_start"], name="weekly_report_unique"),
        ]
        indexes = [models.Index(fields=["campaign", "week_start"], name="weekly_campaign_week")]

    def __str__(self) -> str:
        return f"{self.group} {self.week_start:%Y年%m月%d日}起一周周报"
