"""一把手约谈: interviews of unit heads."""

from __future__ import annotations

from django.db import models

from dudao.core.fields import user_fk

from .problems import Problem


class Interview(models.Model):
    """一把手约谈 (seed 002): a unit head who performs poorly is interviewed — why (the problems
    found behind it), what was said and promised, a follow-up date and its outcome. Only the
    group, the office and the leading group see it."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="活动", on_delete=models.CASCADE, related_name="+"
    )
    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="supervision_interviews",
    )
    group = models.ForeignKey(
        "campaigns.SupervisionGroup",
        verbose_name="督导组",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interviews",
    )
    interviewee = models.CharField("约谈对象", max_length=100)
    held_on = models.DateField("约谈日期")
    reason = models.TextField("约谈原因")
    problems = models.ManyToManyField(
        Problem, verbose_name="相关问题", blank=True, related_name="+"
    )
    said = models.TextField("谈话内容")
    promised = models.TextField("表态和承诺", blank=True)
    follow_up_on = models.DateField("跟踪日期")
    outcome = models.TextField("跟踪结果", blank=True)
    outcome_recorded_at = models.DateTimeField("结果记录时间", null=True, blank=True)
    created_by = user_fk("记录人", null=False)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "一把手约谈"
        verbose_name_plural = "一把手约谈"
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["group", "held_on"], name="interview_group_day")]

    def __str__(self) -> str:
        return f"约谈{self.interviewee}（{self.held_on}）"
