"""Rectification (整改) as tracked items (DOMAIN.md §3.7; seed 001 四(一), 五(二); seed 000).

One :class:`Item` is one row of a unit's rectification ledger (整改台账): a problem, where it
came from, its class (立即整改 / 近期整改 / 逐步整改, seed 001), measures, target, expected
effect, the responsible leader (牵头) and co-owners (协办), a deadline and a status::

    open 整改中 ──apply to close──▶ closing 申请办结 ──every sign-off──▶ closed 已办结
      │  ▲                              │
      │  └──────── refused (reason) ────┘
      └──explain──▶ explained 暂不能解决（已说明情况）

An extension (延期) moves ``deadline`` and keeps ``original_deadline``. Progress updates,
close applications, sign-offs, extensions and reminders are appended, never overwritten.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q

from dudao.core.fields import user_fk


class Level(models.TextChoices):
    """Seed 001: "党员个人、基层党组织和领导机关要分别制定整改方案"."""

    INDIVIDUAL = "individual", "党员个人"
    ORGANISATION = "organisation", "基层党组织"
    LEADERSHIP = "leadership", "领导班子（机关）"


class RectClass(models.TextChoices):
    """Seed 001: "分立即整改、近期整改、逐步整改三个类别". Names and default deadlines are the
    template's (``rectification.classes``); these codes are what code knows."""

    IMMEDIATE = "immediate", "立即整改"
    NEAR_TERM = "near_term", "近期整改"
    GRADUAL = "gradual", "逐步整改"


class SourceKind(models.TextChoices):
    SELF_FOUND = "self_found", "自查问题"
    CRITICISM = "criticism", "批评意见"
    GROUP_FOUND = "group_found", "督导组发现问题"
    SURVEY = "survey", "测评结果"
    REVIEW_COMMENT = "review_comment", "审核意见"
    OPINION = "opinion", "群众意见建议"
    PLAN = "plan", "整改方案"
    OTHER = "other", "其他"


class ItemStatus(models.TextChoices):
    OPEN = "open", "整改中"
    CLOSING = "closing", "申请办结"
    CLOSED = "closed", "已办结"
    EXPLAINED = "explained", "暂不能解决（已说明情况）"


DONE_STATUSES = (ItemStatus.CLOSED, ItemStatus.EXPLAINED)


class Item(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="活动", on_delete=models.CASCADE, related_name="+"
    )
    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="rectification_items",
    )
    # The ledger's 序号 within the unit: the key an Excel re-import matches rows on.
    number = models.PositiveIntegerField("序号")
    level = models.CharField("层级", max_length=16, choices=Level.choices)
    person = models.ForeignKey(
        "orgs.Person",
        verbose_name="党员（个人整改）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    problem = models.TextField("问题")
    source_kind = models.CharField(
        "问题来源", max_length=16, choices=SourceKind.choices, default=SourceKind.OTHER
    )
    # The record the problem came from (a ProblemFound, Criticism, survey round, review
    # comment, opinion …); generic so that the apps that own them need not know this one.
    source_id = models.PositiveBigIntegerField("来源记录", null=True, blank=True)
    rect_class = models.CharField("整改类别", max_length=16, choices=RectClass.choices)
    measures = models.TextField("整改措施")
    target = models.TextField("整改目标", blank=True)
    expected_effect = models.TextField("预期效果", blank=True)
    lead_name = models.CharField("牵头责任人", max_length=100, blank=True)
    # Seed 001 publishes the plans; the public list shows the post, never the name.
    lead_post = models.CharField("责任岗位", max_length=100, blank=True)
    lead_person = models.ForeignKey(
        "orgs.Person",
        verbose_name="牵头责任人（人员）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner = user_fk("责任人账号", "rectification_items")
    co_owners = models.CharField("协办", max_length=255, blank=True)
    deadline = models.DateField("完成时限")
    original_deadline = models.DateField("原定完成时限")
    status = models.CharField(
        "状态", max_length=16, choices=ItemStatus.choices, default=ItemStatus.OPEN
    )
    closed_on = models.DateField("办结日期", null=True, blank=True)
    explanation = models.TextField("情况说明", blank=True)
    carried_over = models.BooleanField("结转后续阶段", default=False)
    created_by = user_fk("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        constraints = [
            models.UniqueConstraint(fields=["participation", "number"], name="rect_item_number"),
            models.CheckConstraint(
                name="rect_item_closed_has_date",
                condition=~Q(status="closed") | Q(closed_on__isnull=False),
            ),
            models.CheckConstraint(
                name="rect_item_explained_has_text",
                condition=~Q(status="explained") | ~Q(explanation=""),
            ),
        ]
        indexes = [
            # Open items by deadline: red, yellow and the oldest overdue read index ranges.
            models.Index(
                fields=["campaign", "status", "deadline", "participation", "rect_class", "owner"],
                name="rect_item_open_by_deadline",
            ),
            # Counts per unit and class read from this index alone: it holds every column the
            # light and the "no owner" count need (a narrower one sent SQLite to the table).
            models.Index(
                fields=["campaign", "participation", "rect_class", "status", "deadline", "owner"],
                name="rect_item_totals",
            ),
            models.Index(fields=["participation", "status"]),
            models.Index(fields=["owner", "status"]),
            # The report's counts per class and light, joined from the units (covering).
            models.Index(
                fields=["participation", "rect_class", "status", "deadline"], name="rect_item_tally"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.problem[:40]}"

    @property
    def is_done(self) -> bool:
        return self.status in DONE_STATUSES

    @property
    def extended(self) -> bool:
        return self.deadline != self.original_deadline


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", "照片"
    DOCUMENT = "document", "文档"


class ProgressUpdate(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="updates")
    happened_on = models.DateField("日期")
    text = models.TextField("进展情况")
    author = user_fk("填报人", null=False)
    created_at = models.DateTimeField("填报时间", auto_now_add=True)

    class Meta:
        verbose_name = "整改进展"
        verbose_name_plural = "整改进展"
        ordering = ["item", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.happened_on} {self.text[:30]}"


def _attachment_path(instance, filename: str) -> str:
    # A random name: the uploaded name is kept in ``original_name`` and never used as a path.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"rectification/{instance.update.item_id}/{secrets.token_hex(12)}.{ext}"


class Attachment(models.Model):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField("类型", max_length=16, choices=AttachmentKind.choices)
    file = models.FileField("文件", upload_to=_attachment_path)
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField(max_length=100)

    class Meta:
        verbose_name = "整改附件"
        verbose_name_plural = "整改附件"

    def __str__(self) -> str:
        return self.original_name


class CloseStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    ACCEPTED = "accepted", "已同意办结"
    REFUSED = "refused", "未同意办结"


class CloseApplication(models.Model):
    """申请办结 with its evidence; signed off in the template's order (``close_signoff``)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="close_applications")
    evidence = models.TextField("办结佐证")
    applied_by = user_fk("申请人", null=False)
    applied_at = models.DateTimeField("申请时间", auto_now_add=True)
    status = models.CharField(
        "状态", max_length=16, choices=CloseStatus.choices, default=CloseStatus.PENDING
    )
    # Index into the template's sign-off roles of the next sign-off due.
    stage = models.PositiveSmallIntegerField("审批环节", default=0)

    class Meta:
        verbose_name = "办结申请"
        verbose_name_plural = "办结申请"
        ordering = ["item", "applied_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="pending"), name="rect_one_pending_close"
            )
        ]

    def __str__(self) -> str:
        return f"办结申请 {self.pk}（{self.get_status_display()}）"


class SignOff(models.Model):
    application = models.ForeignKey(
        CloseApplication, on_delete=models.CASCADE, related_name="signoffs"
    )
    role = models.CharField("审批角色", max_length=32)
    accepted = models.BooleanField("同意")
    reason = models.TextField("意见", blank=True)
    decided_by = user_fk("审批人", null=False)
    decided_at = models.DateTimeField("审批时间", auto_now_add=True)

    class Meta:
        verbose_name = "办结审批"
        verbose_name_plural = "办结审批"
        ordering = ["application", "decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.role} {'同意' if self.accepted else '不同意'}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待督导组审批"
    APPROVED = "approved", "已批准延期"
    REFUSED = "refused", "未批准延期"


class Extension(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="extensions")
    reason = models.TextField("延期理由")
    old_deadline = models.DateField("延期前时限")
    new_deadline = models.DateField("申请延至")
    requested_by = user_fk("申请人", null=False)
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    status = models.CharField(
        "状态", max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = user_fk("审批人")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_reason = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["item", "requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="pending"), name="rect_one_pending_extension"
            ),
            models.CheckConstraint(
                name="rect_extension_later", condition=Q(new_deadline__gt=models.F("old_deadline"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.old_deadline} → {self.new_deadline}（{self.get_status_display()}）"


class ReminderRun(models.Model):
    started_at = models.DateTimeField(auto_now_add=True)
    on_date = models.DateField("提醒日期")
    created = models.PositiveIntegerField(default=0)
    mails = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "催办批次"
        verbose_name_plural = "催办批次"

    def __str__(self) -> str:
        return f"催办 {self.on_date}"


class RecipientKind(models.TextChoices):
    OWNER = "owner", "责任人"
    UNIT_HEAD = "unit_head", "单位主要负责人"
    GROUP = "group", "督导组"
    OFFICE = "office", "活动办公室"


class Reminder(models.Model):
    """One 催办 of one item at one escalation step for one deadline. The unique key makes the
    job idempotent: a second run (or two at once) cannot send the same step twice."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="reminders")
    rule = models.CharField("规则", max_length=32)  # "before-3", "overdue-7" …
    deadline = models.DateField("针对时限")
    recipient = models.CharField("催办对象", max_length=16, choices=RecipientKind.choices)
    days_overdue = models.IntegerField("逾期天数")
    run = models.ForeignKey(ReminderRun, on_delete=models.PROTECT, related_name="reminders")
    created_at = models.DateTimeField("催办时间")

    class Meta:
        verbose_name = "催办记录"
        verbose_name_plural = "催办记录"
        constraints = [
            models.UniqueConstraint(fields=["item", "rule", "deadline"], name="rect_reminder_once")
        ]
        indexes = [models.Index(fields=["run"])]

    def __str__(self) -> str:
        return f"{self.rule} {self.deadline}"


class Publication(models.Model):
    """A unit's rectification list published (公示) at a login-free address (by QR code)."""

    participation = models.OneToOneField(
        "campaigns.Participation",
        on_delete=models.CASCADE,
        related_name="rectification_publication",
    )
    token = models.CharField(max_length=32, unique=True)
    published_by = user_fk("发布人", null=False)
    published_at = models.DateTimeField("发布时间", auto_now_add=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)

    class Meta:
        verbose_name = "整改公示"
        verbose_name_plural = "整改公示"

    def __str__(self) -> str:
        return f"整改公示 {self.participation_id}"


class CheckStatus(models.TextChoices):
    UNCHECKED = "unchecked", "未检查"
    IN_FORCE = "in_force", "有效执行"
    NOT_IN_FORCE = "not_in_force", "未落实"


class Regulation(models.Model):
    """建章立制: a long-term mechanism a unit adopted (seed 001 四(四)), checked later by a
    roving inspection group (seed 000: "建立长效机制的工作进行检查督促")."""

    participation = models.ForeignKey(
        "campaigns.Participation", on_delete=models.CASCADE, related_name="regulations"
    )
    title = models.CharField("制度名称", max_length=200)
    kind = models.CharField("类别", max_length=100, blank=True)
    adopted_on = models.DateField("制定日期")
    adopted_by = models.CharField("制定机关", max_length=200)
    items = models.ManyToManyField(Item, verbose_name="针对的整改事项", blank=True)
    check_status = models.CharField(
        "检查结果", max_length=16, choices=CheckStatus.choices, default=CheckStatus.UNCHECKED
    )
    check_note = models.TextField("检查意见", blank=True)
    checked_by = user_fk("检查人")
    checked_at = models.DateTimeField("检查时间", null=True, blank=True)
    created_by = user_fk("登记人", null=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "建章立制"
        verbose_name_plural = "建章立制"

    def __str__(self) -> str:
        return self.title


class ActionKind(models.TextChoices):
    """Seed 001 四(二)(三)(六): 化解上访积案, 为民办实事 and the public pledge."""

    PETITION_CASE = "petition_case", "化解上访积案"
    PRACTICE = "practice", "为民办实事"
    PLEDGE = "pledge", "承诺宣誓"


class SpecialAction(models.Model):
    participation = models.ForeignKey(
        "campaigns.Participation", on_delete=models.CASCADE, related_name="special_actions"
    )
    kind = models.CharField("类别", max_length=16, choices=ActionKind.choices)
    title = models.CharField("名称", max_length=200)
    held_on = models.DateField("日期")
    people = models.PositiveIntegerField("涉及人数", default=0)
    outcome = models.TextField("结果", blank=True)
    resolved = models.BooleanField("已化解/已完成", default=False)
    created_by = user_fk("登记人", null=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "专项行动"
        verbose_name_plural = "专项行动"
        indexes = [models.Index(fields=["participation", "kind"])]

    def __str__(self) -> str:
        return self.title


class LookBackOutcome(models.TextChoices):
    SOLVED = "solved", "已解决"
    EXPLAINED = "explained", "再次说明情况"
    EXTENDED = "extended", "延期整改"


class LookBackEntry(models.Model):
    """回头看 (seed 001): each unsolved or explained item solved, explained again or extended."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="look_backs")
    outcome = models.CharField("结果", max_length=16, choices=LookBackOutcome.choices)
    note = models.TextField("说明")
    decided_by = user_fk("登记人", null=False)
    decided_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "回头看"
        verbose_name_plural = "回头看"

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.item_id}"


class AreaStatus(models.TextChoices):
    """The state of one named area of special rectification (专项整治) in a unit. The codes are
    the requirements engine's (``ports_rectification.AREA_STATUS_ORDER``)."""

    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "整治中"
    DONE = "done", "已完成"


class AreaProgress(models.Model):
    """专项整治: where a unit stands on one of the areas its template names (the areas are the
    template's, ``rectification_areas`` requirements; only their codes are stored here)."""

    participation = models.ForeignKey(
        "campaigns.Participation", on_delete=models.CASCADE, related_name="area_progress"
    )
    area = models.CharField("整治项目", max_length=64)
    status = models.CharField(
        "整治进展", max_length=16, choices=AreaStatus.choices, default=AreaStatus.NOT_STARTED
    )
    note = models.TextField("整治情况", blank=True)
    updated_by = user_fk("填报人")
    updated_at = models.DateTimeField("填报时间", auto_now=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "专项整治进展"
        verbose_name_plural = "专项整治进展"
        constraints = [
            models.UniqueConstraint(fields=["participation", "area"], name="rect_area_once"),
            models.CheckConstraint(
                name="rect_area_done_explained", condition=~Q(status="done") | ~Q(note="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.get_status_display()}"


# --- counters of the office overview (docs/decisions/0009-rectification-counts.md) ----------
# Kept by ``counters`` on every save and delete of an Item, rebuilt by ``recount_rectification``.
# Plain integer columns, no foreign keys: a campaign's deletion cascades over its items, whose
# decrements must not trip over counter rows deleted before them.


class CountedUnit(models.Model):
    """The supervision group under which a unit's items are counted (0: none). A unit moved to
    another group is found by comparing this with the participation, and its counts moved."""

    participation_id = models.BigIntegerField(primary_key=True)
    campaign_id = models.BigIntegerField()
    group_key = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "整改计数单位"
        verbose_name_plural = "整改计数单位"
        indexes = [models.Index(fields=["campaign_id", "group_key"], name="rect_cu_campaign")]

    def __str__(self) -> str:
        return f"{self.participation_id} → {self.group_key}"


class ClassCount(models.Model):
    """Per campaign, group and class: every item, and the open ones without an owner."""

    campaign_id = models.BigIntegerField()
    group_key = models.BigIntegerField()
    rect_class = models.CharField(max_length=16)
    items = models.BigIntegerField(default=0)
    no_owner = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "整改分类计数"
        verbose_name_plural = "整改分类计数"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_id", "group_key", "rect_class"], name="rect_classcount_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.group_key}/{self.rect_class}: {self.items}"


class DeadlineCount(models.Model):
    """Per campaign, group, class and deadline day: the open items (整改中 and 申请办结). The
    light of an open item is a function of its deadline and today only, so red and yellow are
    sums over date ranges of these rows, right on any day without a write."""

    campaign_id = models.BigIntegerField()
    group_key = models.BigIntegerField()
    rect_class = models.CharField(max_length=16)
    deadline = models.DateField()
    open_items = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "整改时限计数"
        verbose_name_plural = "整改时限计数"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_id", "group_key", "rect_class", "deadline"],
                name="rect_deadlinecount_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["campaign_id", "deadline", "group_key", "rect_class", "open_items"],
                name="rect_deadlinecount_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.group_key}/{self.rect_class}/{self.deadline}"
