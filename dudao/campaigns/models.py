"""Campaign templates, campaigns, batches, groups and participations (DOMAIN.md §2)."""

from __future__ import annotations

from django.db import models


class CampaignTemplate(models.Model):
    """A validated template file, stored as loaded. Campaign rules live here, not in code."""

    code = models.CharField("模板编码", max_length=64)
    version = models.CharField("版本", max_length=32)
    name = models.CharField("模板名称", max_length=200)
    data = models.JSONField("模板内容")
    sha256 = models.CharField("文件摘要", max_length=64)
    loaded_at = models.DateTimeField("载入时间", auto_now_add=True)

    class Meta:
        verbose_name = "活动模板"
        verbose_name_plural = "活动模板"
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="template_code_version")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code} v{self.version}）"

    @property
    def phases(self) -> list[dict]:
        return list(self.data.get("phases", []))

    def phase_name(self, code: str) -> str:
        for phase in self.phases:
            if phase["code"] == code:
                return phase["name"]
        return code


class CampaignStatus(models.TextChoices):
    PREPARING = "preparing", "筹备中"
    RUNNING = "running", "进行中"
    FINISHED = "finished", "已结束"


class Campaign(models.Model):
    name = models.CharField("活动名称", max_length=200)
    short_name = models.CharField("规范简称", max_length=100)
    template = models.ForeignKey(
        CampaignTemplate, verbose_name="模板", on_delete=models.PROTECT, related_name="campaigns"
    )
    root = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="组织范围",
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.PREPARING
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"

    def __str__(self) -> str:
        return self.short_name or self.name


class Batch(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name="活动", on_delete=models.CASCADE, related_name="batches"
    )
    number = models.PositiveSmallIntegerField("批次序号")
    name = models.CharField("批次名称", max_length=100)
    scope = models.CharField("参加范围", max_length=255, blank=True)
    start_date = models.DateField("开始日期", null=True, blank=True)
    end_date = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = "批次"
        verbose_name_plural = "批次"
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="batch_number_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SupervisionGroup(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name="活动", on_delete=models.CASCADE, related_name="groups"
    )
    batch = models.ForeignKey(
        Batch,
        verbose_name="批次",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="groups",
    )
    code = models.CharField("组编号", max_length=32)
    name = models.CharField("督导组名称", max_length=100)

    class Meta:
        verbose_name = "督导组"
        verbose_name_plural = "督导组"
        ordering = ["campaign", "code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="group_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class InspectionGroup(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name="活动", on_delete=models.CASCADE, related_name="inspection_groups"
    )
    code = models.CharField("组编号", max_length=32)
    name = models.CharField("巡回检查组名称", max_length=100)
    departments = models.ManyToManyField(
        "orgs.Organisation", verbose_name="负责部门", blank=True, related_name="inspection_groups"
    )

    class Meta:
        verbose_name = "巡回检查组"
        verbose_name_plural = "巡回检查组"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="inspection_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Participation(models.Model):
    """A unit taking part in a batch of a campaign, with its group and current phase."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="活动", on_delete=models.CASCADE, related_name="participations"
    )
    batch = models.ForeignKey(
        Batch, verbose_name="批次", on_delete=models.PROTECT, related_name="participations"
    )
    unit = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="单位",
        on_delete=models.PROTECT,
        related_name="participations",
    )
    group = models.ForeignKey(
        SupervisionGroup,
        verbose_name="督导组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    # Phase codes come from the campaign's template.
    current_phase = models.CharField("当前阶段", max_length=64, blank=True)
    phase_started_on = models.DateField("本阶段开始", null=True, blank=True)
    # Seed 001: district committees apply directly to the city office and city group.
    reports_directly = models.BooleanField("直报市活动办", default=False)
    unit_name = models.CharField("单位名称", max_length=200, db_index=True, editable=False)

    class Meta:
        verbose_name = "参加单位"
        verbose_name_plural = "参加单位"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="one_participation_per_unit"),
        ]
        indexes = [
            models.Index(fields=["campaign", "batch", "current_phase"]),
            # The report's grouped counts read group and batch from this index alone.
            models.Index(fields=["campaign", "group", "batch"], name="participation_group_batch"),
            models.Index(fields=["campaign", "unit_name"]),
        ]

    def __str__(self) -> str:
        return self.unit_name
