"""Problems found and their steps, and spot-checks of claims (a discrepancy becomes a problem)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from dudao.core.fields import user_fk

from .visits import Visit


class ProblemStatus(models.TextChoices):
    DRAFT = "draft", "待组长签发"
    SENT = "sent", "待单位答复"
    ANSWERED = "answered", "待督导组核实"
    SOLVED = "solved", "已解决"


OPEN_PROBLEM_STATUSES = (ProblemStatus.SENT, ProblemStatus.ANSWERED)


class ProblemSource(models.TextChoices):
    VISIT = "visit", "督导调研"
    REVIEW = "review", "文书审核"
    SPOT_CHECK = "spot_check", "抽查核实"
    OTHER = "other", "其他"


class Problem(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="活动", on_delete=models.CASCADE, related_name="+"
    )
    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="supervision_problems",
    )
    group = models.ForeignKey(
        "campaigns.SupervisionGroup",
        verbose_name="督导组",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    source = models.CharField(
        "发现途径", max_length=16, choices=ProblemSource.choices, default=ProblemSource.VISIT
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name="调研记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
    )
    description = models.TextField("问题")
    requirement = models.TextField("整改要求", blank=True)
    deadline = models.DateField("答复时限")
    status = models.CharField(
        "状态", max_length=16, choices=ProblemStatus.choices, default=ProblemStatus.DRAFT
    )
    answer = models.TextField("单位答复", blank=True)
    send_back_reason = models.TextField("退回理由", blank=True)
    rounds = models.PositiveSmallIntegerField("退回次数", default=0)
    sent_at = models.DateTimeField("发出时间", null=True, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    solved_at = models.DateTimeField("核实解决时间", null=True, blank=True)
    client_token = models.CharField("提交标识", max_length=64, blank=True)
    created_by = user_fk("发现人", null=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "发现问题"
        verbose_name_plural = "发现问题"
        ordering = ["deadline", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "client_token"],
                condition=~Q(client_token=""),
                name="problem_client_token",
            ),
            models.CheckConstraint(
                name="problem_solved_has_time",
                condition=~Q(status="solved") | Q(solved_at__isnull=False),
            ),
            models.CheckConstraint(
                name="problem_answered_has_answer",
                condition=~Q(status__in=["answered", "solved"]) | ~Q(answer=""),
            ),
        ]
        indexes = [
            models.Index(fields=["group", "status", "deadline"], name="problem_group_open"),
            models.Index(fields=["participation", "status"], name="problem_unit_status"),
        ]

    def __str__(self) -> str:
        return self.description[:40]


class StepKind(models.TextChoices):
    RECORD = "record", "登记"
    SEND = "send", "签发"
    ANSWER = "answer", "单位答复"
    SEND_BACK = "send_back", "退回"
    VERIFY = "verify", "核实解决"


class ProblemStep(models.Model):
    problem = models.ForeignKey(
        Problem, verbose_name="问题", on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField("环节", max_length=16, choices=StepKind.choices)
    text = models.TextField("内容", blank=True)
    actor = user_fk("经办人", null=False)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "问题办理记录"
        verbose_name_plural = "问题办理记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class ClaimKind(models.TextChoices):
    """Seed 003: what a group verifies — a session's attendance, a member's hours, a study
    note, a meeting held."""

    SESSION = "session", "学习活动出勤"
    MEETING = "meeting", "会议召开情况"
    STUDY_NOTE = "study_note", "心得体会"
    HOURS = "hours", "党员学习时间"


class CheckResult(models.TextChoices):
    PENDING = "pending", "待核实"
    CONFIRMED = "confirmed", "属实"
    DISCREPANCY = "discrepancy", "与实际不符"


class SpotCheck(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="活动", on_delete=models.CASCADE, related_name="+"
    )
    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="spot_checks",
    )
    group = models.ForeignKey(
        "campaigns.SupervisionGroup",
        verbose_name="督导组",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    claim_kind = models.CharField("核实对象", max_length=16, choices=ClaimKind.choices)
    # The record claimed (a records.StudySession / Meeting / StudyNote, or a Person for hours).
    claim_id = models.PositiveBigIntegerField("记录")
    claim_label = models.CharField("记录名称", max_length=255)
    drawn = models.BooleanField("随机抽取", default=False)
    # The draw as recorded: how many there were to draw from and the seed used.
    draw = models.JSONField("抽取记录", default=dict, blank=True)
    result = models.CharField(
        "结果", max_length=16, choices=CheckResult.choices, default=CheckResult.PENDING
    )
    method = models.CharField("核实方式", max_length=200, blank=True)
    finding = models.TextField("核实情况", blank=True)
    problem = models.OneToOneField(
        Problem,
        verbose_name="形成问题",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="spot_check",
    )
    created_by = user_fk("抽查人", null=False)
    created_at = models.DateTimeField("抽取时间", auto_now_add=True)
    checked_by = user_fk("核实人")
    checked_at = models.DateTimeField("核实时间", null=True, blank=True)

    class Meta:
        verbose_name = "抽查核实"
        verbose_name_plural = "抽查核实"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "claim_kind", "claim_id"],
                condition=Q(result="pending"),
                name="spot_check_one_pending_per_claim",
            ),
            models.CheckConstraint(
                name="spot_check_discrepancy_has_problem",
                condition=~Q(result="discrepancy") | Q(problem__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["participation", "claim_kind", "result"])]

    def __str__(self) -> str:
        return f"{self.get_claim_kind_display()}：{self.claim_label}"
