"""Records a participating unit keeps and its supervision group checks (DOMAIN.md §3.2, §3.4, §3.5).

Every record belongs to a participation and to the phase (template code) it was kept in, so the
requirements engine can aggregate one phase of every unit in a handful of set-based queries.
Session and kind codes come from the campaign template (``session_kinds``, ``meeting_kinds``).

Each editable record carries ``version``: an edit names the version it started from and is
refused when someone else saved in between (no silent overwrite).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class SpeakerRole(models.TextChoices):
    # Mirrors template_schema.SPEAKER_ROLES (a test keeps them equal).
    UNIT_HEAD = "unit_head", "单位主要负责人"
    LEADERSHIP_MEMBER = "leadership_member", "班子成员"
    BRANCH_SECRETARY = "branch_secretary", "支部书记"
    GROUP_LEADER = "group_leader", "督导组组长"
    EXPERT = "expert", "专家学者"
    OTHER = "other", "其他"


class Record(models.Model):
    """Fields every unit record shares."""

    # No index of its own: every record table has a composite index led by participation
    # (records 0005), which serves the same lookups.
    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    phase = models.CharField("阶段", max_length=64)
    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    # Who saved the current version: a refused stale edit names him (added in 0002).
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The one-time token of the form that created the record: a second submit of the same form
    # (double tap, back-and-resubmit) finds the record instead of creating another (0002).
    submit_token = models.CharField(max_length=40, blank=True, default="", editable=False)

    class Meta:
        abstract = True


def submit_once(model: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["participation", "submit_token"],
        condition=~Q(submit_token=""),
        name=f"{model}_submit_once",
    )


class StudySession(Record):
    """One study session: 集中学习, 中心组学习, 专题讨论, 党课, 报告会, 电教片, 自学, 心得交流 …"""

    kind = models.CharField("学习形式", max_length=64)
    date = models.DateField("日期")
    start_time = models.TimeField("开始时间", null=True, blank=True)
    end_time = models.TimeField("结束时间", null=True, blank=True)
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1)
    topic = models.CharField("主题", max_length=200)
    speaker = models.CharField("主讲人", max_length=100, blank=True)
    speaker_role = models.CharField(
        "主讲人身份", max_length=32, choices=SpeakerRole.choices, blank=True
    )
    # Seed 001: concentrated study "一般应安排在周末或其他非工作时间". Set by the action from
    # the date and times, so the rule is one indexed filter.
    off_hours = models.BooleanField("非工作时间", default=False)
    # Empty: the whole unit; else the branch that held it.
    branch = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="支部",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = "学习记录"
        verbose_name_plural = "学习记录"
        ordering = ["date", "start_time", "pk"]
        indexes = [
            models.Index(fields=["participation", "phase", "kind", "date"]),
            # The report's grouped counts read this index alone (no phase: the campaign page).
            models.Index(fields=["participation", "kind", "speaker_role"], name="session_tally"),
        ]
        constraints = [
            submit_once("session"),
            models.CheckConstraint(
                name="session_hours_positive", condition=Q(hours__gt=0) & Q(hours__lte=24)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.topic}"


class Attendance(models.Model):
    """A member present at a session, with the hours credited (less than the session's when he
    left early). ``participation``, ``phase`` and ``date`` are copied from the session so that
    per-member study hours of every unit are one GROUP BY on one table."""

    # session leads attendance_once: no index of its own (records 0005). participation keeps
    # its own although it leads the (participation, phase, person) index: the bulletins' week
    # figures scan attendance in participation order, and on SQLite the narrow index makes
    # that scan 2.5 times cheaper (0.5 s instead of 1.3 s per figure at city scale).
    session = models.ForeignKey(
        StudySession,
        verbose_name="学习记录",
        on_delete=models.CASCADE,
        related_name="attendances",
        db_index=False,
    )
    person = models.ForeignKey(
        "orgs.Person", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    participation = models.ForeignKey(
        "campaigns.Participation", on_delete=models.CASCADE, related_name="+", editable=False
    )
    phase = models.CharField(max_length=64, editable=False)
    kind = models.CharField(max_length=64, editable=False)
    hours = models.DecimalField("计入学时", max_digits=4, decimal_places=1)

    class Meta:
        verbose_name = "出勤"
        verbose_name_plural = "出勤"
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="attendance_once"),
            models.CheckConstraint(name="attendance_hours_positive", condition=Q(hours__gt=0)),
        ]
        indexes = [models.Index(fields=["participation", "phase", "person"])]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.session_id}"


class Meeting(Record):
    """Mobilisation meeting, special organisational-life meeting, democratic life meeting, the
    unit head's party lecture, report meetings, forums, the summary-and-mobilisation meeting …"""

    kind = models.CharField("会议类型", max_length=64)
    date = models.DateField("日期")
    title = models.CharField("会议名称", max_length=200)
    speaker = models.CharField("主讲人/报告人", max_length=100, blank=True)
    speaker_role = models.CharField(
        "主讲人身份", max_length=32, choices=SpeakerRole.choices, blank=True
    )
    speaker_person = models.ForeignKey(
        "orgs.Person",
        verbose_name="主讲人（本单位人员）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The branches a branch-level meeting covers; small branches may merge 2–3 (seed 001).
    branches = models.ManyToManyField(
        "orgs.Organisation", verbose_name="参加支部", blank=True, related_name="+"
    )
    attendees = models.PositiveIntegerField("参会人数", default=0)
    attended_by_group = models.BooleanField("督导组到会", default=False)
    note = models.TextField("会议情况", blank=True)

    class Meta:
        verbose_name = "会议记录"
        verbose_name_plural = "会议记录"
        ordering = ["date", "pk"]
        indexes = [
            models.Index(fields=["participation", "phase", "kind"]),
            # The report's grouped counts and the weekly activity chart read this index alone.
            models.Index(
                fields=["participation", "kind", "speaker_role", "date"], name="meeting_tally"
            ),
        ]
        constraints = [submit_once("meeting")]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


class KnowledgeTest(Record):
    """A knowledge test at the end of a phase (seed 001: "党的先进性基本知识检测")."""

    date = models.DateField("日期")
    title = models.CharField("名称", max_length=200)
    full_score = models.PositiveSmallIntegerField("满分", default=100)
    pass_score = models.PositiveSmallIntegerField("及格分", default=60)

    class Meta:
        verbose_name = "知识检测"
        verbose_name_plural = "知识检测"
        indexes = [models.Index(fields=["participation", "phase"])]
        constraints = [submit_once("test")]

    def __str__(self) -> str:
        return self.title


class TestResult(models.Model):
    """A member's score, or his absence with a reason (an absence is not an exemption)."""

    test = models.ForeignKey(
        KnowledgeTest, verbose_name="检测", on_delete=models.CASCADE, related_name="results"
    )
    person = models.ForeignKey(
        "orgs.Person", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField("成绩", max_digits=5, decimal_places=1, null=True, blank=True)
    absence_reason = models.CharField("缺考原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "检测成绩"
        verbose_name_plural = "检测成绩"
        constraints = [
            models.UniqueConstraint(fields=["test", "person"], name="test_result_once"),
            models.CheckConstraint(
                name="score_or_absence",
                condition=(Q(score__isnull=False) & Q(absence_reason=""))
                | (Q(score__isnull=True) & ~Q(absence_reason="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.score if self.score is not None else self.absence_reason}"


class ActivityKind(models.TextChoices):
    GOOD_DEED = "good_deed", "好人好事"
    PRACTICE = "practice", "主题实践活动"
    SERVICE = "service", "为民办实事"
    OTHER = "other", "其他活动"


class Activity(Record):
    """Good deeds and activities, counted with descriptions (seed 003: 12 good deeds)."""

    kind = models.CharField("类别", max_length=32, choices=ActivityKind.choices)
    date = models.DateField("日期")
    description = models.TextField("事迹或活动内容")
    count = models.PositiveIntegerField("件数", default=1)
    person = models.ForeignKey(
        "orgs.Person",
        verbose_name="当事党员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "好人好事与活动"
        verbose_name_plural = "好人好事与活动"
        indexes = [
            models.Index(fields=["participation", "phase", "kind"]),
            # The report's grouped counts read this index alone (no phase: the campaign page).
            models.Index(fields=["participation", "kind", "count"], name="activity_tally"),
        ]
        constraints = [submit_once("activity")]

    def __str__(self) -> str:
        return self.description[:40]


class ExemptionReason(models.TextChoices):
    # The first three mirror person categories the templates name in exemptable_categories.
    AWAY = "away", "外出/流动"
    RETIRED = "retired", "离退休"
    LAID_OFF = "laid_off", "下岗失业"
    ILL = "ill", "患病"
    OTHER = "other", "其他"


class ExemptionStatus(models.TextChoices):
    # Issue 10.2: nobody certifies himself. The unit proposes; its supervision group confirms
    # or refuses (with a reason); only a confirmed exemption counts in the requirements.
    PROPOSED = "proposed", "待督导组确认"
    CONFIRMED = "confirmed", "已确认"
    REFUSED = "refused", "未予确认"


class Exemption(models.Model):
    """A member exempted from named requirements of a phase, with the reason. Only requirements
    whose template lists the reason in ``applies_to.exemptable_categories`` can be exempted
    (checked by the action). Withdrawn exemptions are kept (``withdrawn_at``) for the archive.
    The unit proposes; it counts once the unit's supervision group confirmed it (``status``)."""

    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="+",
    )
    phase = models.CharField("阶段", max_length=64)
    person = models.ForeignKey(
        "orgs.Person", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    requirement = models.CharField("免于的要求", max_length=64)
    reason = models.CharField("原因类别", max_length=16, choices=ExemptionReason.choices)
    explanation = models.CharField("情况说明", max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdraw_reason = models.CharField("撤销原因", max_length=300, blank=True)
    # Added in 0003. Rows from before the confirmation step start as proposed: no unit's own
    # word counts until its group has looked at it.
    status = models.CharField(
        "确认状态",
        max_length=16,
        choices=ExemptionStatus.choices,
        default=ExemptionStatus.PROPOSED,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    decision_reason = models.CharField("确认意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "免于要求登记"
        verbose_name_plural = "免于要求登记"
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "phase", "person", "requirement"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_exemption",
            )
        ]
        indexes = [models.Index(fields=["participation", "phase", "requirement"])]

    def __str__(self) -> str:
        return f"{self.person_id} 免于 {self.requirement}"


class TalkForm(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "一对一"
    ONE_TO_MANY = "one_to_many", "一对多"
    MANY_TO_MANY = "many_to_many", "多对多"


class Talk(Record):
    """A heart-to-heart talk (谈心谈话, seed 002: "四必谈", at least 3 rounds)."""

    round_number = models.PositiveSmallIntegerField("轮次")
    date = models.DateField("日期")
    form = models.CharField("形式", max_length=16, choices=TalkForm.choices)
    initiator = models.ForeignKey(
        "orgs.Person", verbose_name="谈话人", on_delete=models.PROTECT, related_name="+"
    )
    participants = models.ManyToManyField("orgs.Person", verbose_name="谈话对象", related_name="+")
    summary = models.TextField("谈话要点", blank=True)

    class Meta:
        verbose_name = "谈心谈话"
        verbose_name_plural = "谈心谈话"
        indexes = [models.Index(fields=["participation", "phase", "round_number"])]
        constraints = [submit_once("talk")]

    def __str__(self) -> str:
        return f"第{self.round_number}轮 {self.date}"


class FindingSource(models.TextChoices):
    SELF = "self", "自己查找"
    OPINION = "opinion", "群众提出"
    GROUP = "group", "督导组指出"
    PEER = "peer", "相互批评"


class ProblemFound(Record):
    """A problem found in examination (查摆问题). ``person`` null: found by the leadership team
    as a whole; else by (or about) that person."""

    person = models.ForeignKey(
        "orgs.Person",
        verbose_name="查摆人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(
        "来源", max_length=16, choices=FindingSource.choices, default=FindingSource.SELF
    )
    text = models.TextField("问题")

    class Meta:
        verbose_name = "查摆问题"
        verbose_name_plural = "查摆问题"
        indexes = [models.Index(fields=["participation", "phase", "source", "person"])]
        constraints = [submit_once("problem")]

    def __str__(self) -> str:
        return self.text[:40]


class Criticism(Record):
    """A criticism one member gives another in a (democratic life) meeting (seed 002: 每人提出
    批评意见不少于5条)."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name="会议",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="criticisms",
    )
    critic = models.ForeignKey(
        "orgs.Person", verbose_name="提出人", on_delete=models.PROTECT, related_name="+"
    )
    target = models.ForeignKey(
        "orgs.Person", verbose_name="被批评人", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("批评意见")

    class Meta:
        verbose_name = "批评意见"
        verbose_name_plural = "批评意见"
        indexes = [models.Index(fields=["participation", "phase", "critic"])]
        constraints = [
            submit_once("criticism"),
            models.CheckConstraint(
                name="no_self_criticism_row", condition=~Q(critic=models.F("target"))
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class CorrectionOperation(models.TextChoices):
    EDIT = "edit", "修改"
    DELETE = "delete", "删除"


class RecordCorrection(models.Model):
    """A change to a record of a phase the unit has left (issue 10.1): the phase's evidence is
    frozen once its transition was approved, so a change afterwards is a correction with a
    reason, kept beside the record (and in the audit trail) and flagged "批准后改动" wherever
    the approval is shown. ``changes``: {field: [before, after]}; a deletion keeps what was
    deleted."""

    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="+",
    )
    phase = models.CharField("阶段", max_length=64)
    kind = models.CharField("记录类别", max_length=32)
    record_id = models.PositiveBigIntegerField("记录编号")
    record_label = models.CharField("记录", max_length=200)
    operation = models.CharField("改动", max_length=8, choices=CorrectionOperation.choices)
    reason = models.CharField("更正理由", max_length=300)
    changes = models.JSONField("改动内容", default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更正人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("更正时间", auto_now_add=True)

    class Meta:
        verbose_name = "批准后更正"
        verbose_name_plural = "批准后更正"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["participation", "phase"])]

    def __str__(self) -> str:
        return f"{self.get_operation_display()} {self.record_label}"
