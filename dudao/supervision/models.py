"""The supervision group's own work (DOMAIN.md §3.9; seeds 000, 002, 003, 004).

- :class:`Visit`: what a group (or a roving inspection group) did at a unit — attended a meeting
  (and spoke), held a forum, talked with people one by one, ran a questionnaire, checked
  records — with the date, the people met, notes and photos. Sent once: the browser's client
  token makes a resend after a lost connection a no-op.
- :class:`Problem`: a problem the group found (at a visit, in a review, in a spot-check), sent
  to the unit with a deadline and followed until the group verifies it solved::

      draft 待组长签发 ──send──▶ sent 待单位答复 ──answer──▶ answered 待督导组核实 ──verify──▶ solved 已解决
                                      ▲                                 │
                                      └──────── send back (reason) ─────┘

  Every step is a :class:`ProblemStep` row (appended, never overwritten). Its light is the
  rectification app's (``rectification.rules.light``) over the template's problem class.
- :class:`SpotCheck`: a claim drawn (at random or chosen) to verify, and its result; a
  discrepancy becomes a problem and marks the claim until the problem is solved.
- :class:`WeeklyReport`: one per group and week (unique), compiled from the record by a
  periodic job; the leader adds the narrative and submits it to the office.
- :class:`Notification` and :class:`NotificationPreference`: in-app notices and the mail a
  user chose.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


def _user_fk(verbose_name: str, related_name: str = "+", null: bool = True):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=null,
        blank=null,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


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
    author = _user_fk("记录人", null=False)
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
    created_by = _user_fk("发现人", null=False)
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
    actor = _user_fk("经办人", null=False)
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
    created_by = _user_fk("抽查人", null=False)
    created_at = models.DateTimeField("抽取时间", auto_now_add=True)
    checked_by = _user_fk("核实人")
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
    submitted_by = _user_fk("提交人")
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


class NoticeEvent(models.TextChoices):
    """The events a user may choose to be told of (in the app, and by mail if he opts in)."""

    PROBLEM_SENT = "problem_sent", "督导组发来问题"
    PROBLEM_ANSWERED = "problem_answered", "单位答复了问题"
    PROBLEM_SENT_BACK = "problem_sent_back", "问题答复被退回"
    REMEDIAL = "remedial", "责令补课"
    SENT_BACK = "sent_back", "转段申请被退回"
    DOCUMENT_RETURNED = "document_returned", "文书被退回修改"
    COMMENT_REPLY = "comment_reply", "文书批注有新答复"
    REPORT_SUBMITTED = "report_submitted", "督导组提交周报"
    EXPERIENCE_NOMINATED = "experience_nominated", "督导组推荐典型经验"
    EXPERIENCE_RETURNED = "experience_returned", "典型经验被退回修改"
    EXPERIENCE_APPROVED = "experience_approved", "典型经验已审定"
    EXPERIENCE_PUBLISHED = "experience_published", "典型经验已发布"
    INSPECTION_REPORT_SUBMITTED = "inspection_submitted", "巡回检查组报送检查报告"
    INSPECTION_REPORT_ACKNOWLEDGED = "inspection_acknowledged", "领导小组已阅检查报告"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="dudao_notifications",
    )
    event = models.CharField("事项", max_length=32, choices=NoticeEvent.choices)
    text = models.CharField("内容", max_length=300)
    # The page to open: a URL name and its one id (pages are reversed in the view layer).
    url_name = models.CharField("页面", max_length=100, blank=True)
    url_arg = models.PositiveBigIntegerField("页面参数", null=True, blank=True)
    # What the notice is about ("sent_back:12"): an event saved twice notifies once.
    key = models.CharField("事项标识", max_length=64, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    mailed = models.BooleanField("已发邮件", default=False)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]

    def __str__(self) -> str:
        return self.text[:40]


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="+",
    )
    event = models.CharField("事项", max_length=32, choices=NoticeEvent.choices)
    in_app = models.BooleanField("站内通知", default=True)
    mail = models.BooleanField("邮件通知", default=False)

    class Meta:
        verbose_name = "通知设置"
        verbose_name_plural = "通知设置"
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notice_pref_unique"),
        ]

    def __str__(self) -> str:
        return self.get_event_display()


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
    created_by = _user_fk("记录人", null=False)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "一把手约谈"
        verbose_name_plural = "一把手约谈"
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["group", "held_on"], name="interview_group_day")]

    def __str__(self) -> str:
        return f"约谈{self.interviewee}（{self.held_on}）"


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
    nominated_by = _user_fk("推荐人", null=False)
    nominated_at = models.DateTimeField("推荐时间", auto_now_add=True)
    approved_by = _user_fk("审定人")
    approved_at = models.DateTimeField("审定时间", null=True, blank=True)
    published_by = _user_fk("发布人")
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
    checked_by = _user_fk("检查人", null=False)
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
    author = _user_fk("记录人", null=False)
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
    submitted_by = _user_fk("报送人")
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    # Read by the leading group (or the office on its behalf): the report leaves their to-do
    # lists and the inspection group is told.
    acknowledged_by = _user_fk("阅示人")
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
