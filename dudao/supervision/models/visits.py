"""Visits: what a group did at a unit, and the photos taken."""

from __future__ import annotations

from django.db import models

from dudao.core.fields import user_fk


class VisitKind(models.TextChoices):
    """DOMAIN.md §3.9: 座谈会, 个别谈话, 问卷调查; seed 000: the leader speaks at the meeting."""

    MEETING = "meeting", "列席会议"
    FORUM = "forum", "召开座谈会"
    TALK = "talk", "个别谈话"
    QUESTIONNAIRE = "questionnaire", "问卷调查"
    RECORDS = "records", "查阅资料"
    INSPECTION = "inspection", "巡回检查"


class Visit(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="活动", on_delete=models.CASCADE, related_name="+"
    )
    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="supervision_visits",
    )
    # The group the visit was made for (copied: a unit may later move to another group).
    group = models.ForeignKey(
        "campaigns.SupervisionGroup",
        verbose_name="督导组",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    inspection_group = models.ForeignKey(
        "campaigns.InspectionGroup",
        verbose_name="巡回检查组",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField("方式", max_length=16, choices=VisitKind.choices)
    happened_on = models.DateField("日期")
    spoke = models.BooleanField("在会上讲话", default=False)
    people_count = models.PositiveIntegerField("接触人数", default=0)
    people_kinds = models.CharField("人员类别", max_length=200, blank=True)
    notes = models.TextField("情况记录", blank=True)
    # The browser's token for this form: a resend after a lost connection finds the first send.
    client_token = models.CharField("提交标识", max_length=64)
    author = user_fk("记录人", null=False)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "督导工作记录"
        verbose_name_plural = "督导工作记录"
        ordering = ["-happened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["author", "client_token"], name="visit_client_token"),
        ]
        indexes = [
            models.Index(fields=["group", "happened_on"], name="visit_group_day"),
            models.Index(fields=["participation", "happened_on"], name="visit_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.happened_on}）"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(
        Visit, verbose_name="记录", on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField("照片", upload_to="supervision/%Y/%m/")
    original_name = models.CharField("文件名", max_length=255)
    size = models.PositiveIntegerField("大小")
    content_type = models.CharField("类型", max_length=100, blank=True)

    class Meta:
        verbose_name = "现场照片"
        verbose_name_plural = "现场照片"

    def __str__(self) -> str:
        return self.original_name
