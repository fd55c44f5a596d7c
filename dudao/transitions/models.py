"""Phase transitions (转段), remedial work (补课) and phase extensions (DOMAIN.md §3.6, seed 001).

The workflow of one application::

    submitted 待督导组审核 ──forward──▶ forwarded 已转报活动办 ──approve──▶ approved 已批准转段
        │                                   │
        └──order remedial work──▶ remedial   └──send back──▶ sent_back 活动办退回
             责令补课

A remedial order stays open until the unit applies again (seed 001: "不得转入下一阶段，并责令
补课"). District-level units (``Participation.reports_directly``) may be approved by the office
straight from ``submitted`` (see ``actions``).

Phase dates: the current phase starts on ``Participation.phase_started_on`` and is due after the
template's ``duration_days`` plus every approved extension (seed 004: 进度服从质量). A phase that
has ended is kept as a :class:`PhasePeriod` row, so a unit's timeline is a handful of queries.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from dudao.core.fields import user_fk


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "待督导组审核"
    FORWARDED = "forwarded", "已转报活动办"
    REMEDIAL = "remedial", "责令补课"
    APPROVED = "approved", "已批准转段"
    SENT_BACK = "sent_back", "活动办退回"


# Open: someone still has to decide. At most one open application per unit (a constraint).
OPEN_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.FORWARDED)


class TransitionApplication(models.Model):
    """A unit's application to leave its current phase (转段申请), with every decision on it."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="活动", on_delete=models.CASCADE, related_name="+"
    )
    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="transition_applications",
    )
    from_phase = models.CharField("所在阶段", max_length=64)
    # Empty when the phase ends the unit's participation (the application to end, seed 001).
    to_phase = models.CharField("转入阶段", max_length=64, blank=True)
    ends_participation = models.BooleanField("结束集中教育", default=False)
    attempt = models.PositiveSmallIntegerField("第几次申请", default=1)
    summary = models.TextField("阶段小结")
    status = models.CharField(
        "状态",
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    # Optimistic lock: a decision form carries the version it was shown; a changed version
    # means someone else decided first (the action then says who and when).
    version = models.PositiveIntegerField("版本", default=1)
    # When the application arrived at the desk it waits on now (group, then office).
    waiting_since = models.DateTimeField("当前环节开始")

    submitted_by = user_fk("申请人")
    submitted_at = models.DateTimeField("申请时间")
    group_decided_by = user_fk("督导组审核人")
    group_decided_at = models.DateTimeField("督导组审核时间", null=True, blank=True)
    group_comment = models.TextField("督导组意见", blank=True)
    office_decided_by = user_fk("活动办审批人")
    office_decided_at = models.DateTimeField("活动办审批时间", null=True, blank=True)
    office_comment = models.TextField("活动办意见", blank=True)
    # District-level unit approved by the office without a group forward (seed 001).
    approved_directly = models.BooleanField("直报批准", default=False)

    # What the decider saw (UnitReport.as_snapshot()), kept even if records change later.
    report_snapshot = models.JSONField("要求核查结果", null=True, blank=True)
    snapshot_taken_at = models.DateTimeField("核查时间", null=True, blank=True)

    # The summary-and-mobilisation meeting held in the new phase (template transition.meeting_kind).
    meeting = models.ForeignKey(
        "records.Meeting",
        verbose_name="小结和转段动员会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    meeting_recorded_by = user_fk("登记人")
    meeting_recorded_at = models.DateTimeField("登记时间", null=True, blank=True)

    class Meta:
        verbose_name = "转段申请"
        verbose_name_plural = "转段申请"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation"],
                condition=Q(status__in=["submitted", "forwarded"]),
                name="one_open_transition_application",
            ),
            models.UniqueConstraint(
                fields=["participation", "from_phase", "attempt"],
                name="transition_attempt_unique",
            ),
            models.CheckConstraint(name="transition_attempt_positive", condition=Q(attempt__gte=1)),
            # Reasons are required for remedial orders and for sending back (DOMAIN.md §3.6).
            models.CheckConstraint(
                name="transition_remedial_has_reason",
                condition=~Q(status="remedial") | ~Q(group_comment=""),
            ),
            models.CheckConstraint(
                name="transition_sent_back_has_reason",
                condition=~Q(status="sent_back") | ~Q(office_comment=""),
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "waiting_since"]),
            models.Index(fields=["participation", "from_phase"]),
            # The report's approved count per unit and the transitions chart (covering).
            models.Index(fields=["participation", "status"], name="transition_tally"),
            models.Index(
                fields=["campaign", "status", "office_decided_at"], name="transition_decided"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participation.unit_name} 转段申请（第{self.attempt}次）"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class RemedialOrder(models.Model):
    """补课: the group names the failing requirements and what must be redone, by a deadline.
    Closed when the unit applies again."""

    application = models.OneToOneField(
        TransitionApplication,
        verbose_name="转段申请",
        on_delete=models.CASCADE,
        related_name="remedial_order",
    )
    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="+",
    )
    phase = models.CharField("阶段", max_length=64)
    requirement_codes = models.JSONField("未达到的要求", default=list, blank=True)
    # Names as they were when ordered, for the archive.
    requirement_names = models.JSONField("要求名称", default=list, blank=True)
    reason = models.TextField("理由")
    work = models.TextField("需要补课的内容")
    deadline = models.DateField("补课期限")
    ordered_by = user_fk("责令人")
    ordered_at = models.DateTimeField("责令时间")
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    closed_by_application = models.ForeignKey(
        TransitionApplication,
        verbose_name="再次申请",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "补课通知"
        verbose_name_plural = "补课通知"
        constraints = [
            models.UniqueConstraint(
                fields=["participation"],
                condition=Q(closed_at__isnull=True),
                name="one_open_remedial_order",
            ),
            models.CheckConstraint(
                name="remedial_reason_and_work", condition=~Q(reason="") & ~Q(work="")
            ),
        ]

    def __str__(self) -> str:
        return f"补课通知（{self.participation}）"


class ExtensionStatus(models.TextChoices):
    PROPOSED = "proposed", "待活动办决定"
    APPROVED = "approved", "已同意延长"
    REFUSED = "refused", "不同意延长"


class PhaseExtension(models.Model):
    """A group's proposal to extend a unit's phase (seed 004: "进度服从质量…可适当延长"),
    decided by the office. Approved days move the phase's due date."""

    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="phase_extensions",
    )
    phase = models.CharField("阶段", max_length=64)
    days = models.PositiveSmallIntegerField("延长天数")
    reason = models.TextField("理由")
    status = models.CharField(
        "状态", max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PROPOSED
    )
    version = models.PositiveIntegerField("版本", default=1)
    proposed_by = user_fk("提出人")
    proposed_at = models.DateTimeField("提出时间")
    decided_by = user_fk("决定人")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decision_reason = models.TextField("决定理由", blank=True)

    class Meta:
        verbose_name = "阶段延期"
        verbose_name_plural = "阶段延期"
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "phase"],
                condition=Q(status="proposed"),
                name="one_open_extension_proposal",
            ),
            models.CheckConstraint(
                name="extension_days_range", condition=Q(days__gte=1) & Q(days__lte=90)
            ),
            models.CheckConstraint(name="extension_has_reason", condition=~Q(reason="")),
            models.CheckConstraint(
                name="extension_refusal_has_reason",
                condition=~Q(status="refused") | ~Q(decision_reason=""),
            ),
        ]
        indexes = [models.Index(fields=["participation", "phase", "status"])]

    def __str__(self) -> str:
        return f"{self.participation} 延长{self.days}天"


class PhasePeriod(models.Model):
    """A phase a unit has finished: when it started, when it was due, when it ended."""

    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="phase_periods",
    )
    phase = models.CharField("阶段", max_length=64)
    phase_name = models.CharField("阶段名称", max_length=100)
    order = models.PositiveSmallIntegerField("顺序")
    started_on = models.DateField("开始日期")
    due_on = models.DateField("应完成日期", null=True, blank=True)
    ended_on = models.DateField("结束日期")
    application = models.OneToOneField(
        TransitionApplication,
        verbose_name="批准转段的申请",
        on_delete=models.PROTECT,
        related_name="closed_period",
    )

    class Meta:
        verbose_name = "已完成阶段"
        verbose_name_plural = "已完成阶段"
        ordering = ["participation", "order"]
        constraints = [
            models.UniqueConstraint(fields=["participation", "phase"], name="phase_period_once")
        ]

    def __str__(self) -> str:
        return f"{self.participation} {self.phase_name}"


class ParticipationEnd(models.Model):
    """The unit finished the campaign (the last stage's transition ends participation)."""

    participation = models.OneToOneField(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="transition_end",
    )
    ended_on = models.DateField("结束日期")
    application = models.OneToOneField(
        TransitionApplication, verbose_name="结束申请", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "集中教育结束"
        verbose_name_plural = "集中教育结束"

    def __str__(self) -> str:
        return f"{self.participation} 结束于 {self.ended_on}"
