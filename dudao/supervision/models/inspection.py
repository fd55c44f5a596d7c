"""Roving inspection (巡回检查): checks of regulations and mechanisms, exchanges of views, the
inspection report."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from dudao.core.fields import user_fk

from .visits import Visit

# --- roving inspection (seed 000: 巡回检查组 check the long-term mechanisms) ------------------------


class CheckTarget(models.TextChoices):
    REGULATION = "regulation", "建章立制（制度）"
    MECHANISM = "mechanism", "工作机制"


class InspectionCheck(models.Model):
    """An inspection group's check of a regulation in the rectification registry (it also
    updates the registry's mark) or of a unit's working mechanism not in it: in force or not,
    and how it was checked."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="活动", on_delete=models.CASCADE, related_name="+"
    )
    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="inspection_checks",
    )
    inspection_group = models.ForeignKey(
        "campaigns.InspectionGroup",
        verbose_name="巡回检查组",
        on_delete=models.PROTECT,
        related_name="+",
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name="检查记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspection_checks",
    )
    target = models.CharField("检查对象", max_length=16, choices=CheckTarget.choices)
    regulation = models.ForeignKey(
        "rectification.Regulation",
        verbose_name="制度",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_checks",
    )
    mechanism = models.CharField("工作机制", max_length=200, blank=True)
    in_force = models.BooleanField("有效执行")
    method = models.CharField("检查方式", max_length=200)
    note = models.TextField("检查意见", blank=True)
    checked_on = models.DateField("检查日期")
    checked_by = user_fk("检查人", null=False)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "巡回检查（制度落实）"
        verbose_name_plural = "巡回检查（制度落实）"
        ordering = ["-checked_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="inspection_check_names_its_target",
                condition=Q(target="regulation", regulation__isnull=False)
                | (Q(target="mechanism", regulation__isnull=True) & ~Q(mechanism="")),
            ),
        ]
        indexes = [models.Index(fields=["inspection_group", "checked_on"], name="icheck_day")]

    def __str__(self) -> str:
        return self.mechanism or str(self.regulation)


class ViewExchange(models.Model):
    """交换意见: the inspection group tells the unit what it found; the unit answers."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="活动", on_delete=models.CASCADE, related_name="+"
    )
    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="view_exchanges",
    )
    inspection_group = models.ForeignKey(
        "campaigns.InspectionGroup",
        verbose_name="巡回检查组",
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_on = models.DateField("日期")
    attendees = models.CharField("单位参加人员", max_length=300)
    views = models.TextField("检查组反馈的意见")
    response = models.TextField("单位的表态", blank=True)
    author = user_fk("记录人", null=False)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "交换意见"
        verbose_name_plural = "交换意见"
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["inspection_group", "held_on"], name="exchange_day")]

    def __str__(self) -> str:
        return f"交换意见（{self.held_on}）"


class InspectionReportStatus(models.TextChoices):
    DRAFT = "draft", "待报送"
    SUBMITTED = "submitted", "已报领导小组"
    ACKNOWLEDGED = "acknowledged", "领导小组已阅"


class InspectionReport(models.Model):
    """The inspection group's report to the leading group for a period: figures compiled from
    its record (names in ``inspection.FIGURES``) and its narrative; one per group and period
    start."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="活动", on_delete=models.CASCADE, related_name="+"
    )
    inspection_group = models.ForeignKey(
        "campaigns.InspectionGroup",
        verbose_name="巡回检查组",
        on_delete=models.CASCADE,
        related_name="reports",
    )
    period_start = models.DateField("起始日期")
    period_end = models.DateField("截止日期")
    figures = models.JSONField("数据", default=dict)
    findings = models.JSONField("检查发现", default=list)
    compiled_at = models.DateTimeField("汇总时间")
    narrative = models.TextField("检查情况", blank=True)
    status = models.CharField(
        "状态",
        max_length=16,
        choices=InspectionReportStatus.choices,
        default=InspectionReportStatus.DRAFT,
    )
    submitted_by = user_fk("报送人")
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    # Read by the leading group (or the office on its behalf): the report leaves their to-do
    # lists and the inspection group is told.
    acknowledged_by = user_fk("阅示人")
    acknowledged_at = models.DateTimeField("阅示时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "巡回检查报告"
        verbose_name_plural = "巡回检查报告"
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection_group", "period_start"], name="inspection_report_unique"
            ),
            models.CheckConstraint(
                name="inspection_report_period_order",
                condition=Q(period_end__gte=models.F("period_start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_group}检查报告（{self.period_start}起）"
