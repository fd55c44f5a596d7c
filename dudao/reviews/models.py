"""Documents, their versions, review rounds, anchored comments, publicity/endorsement steps and
the persisted copy-detection index (DOMAIN.md §3.1; issue 4).

The requirements engine reads these tables (``document_approved``, ``documents_per_member``,
``review_rounds_min``), and the records app writes study notes through
:func:`dudao.reviews.actions.submit_document`; the names below are a contract with both.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交待审核"
    RETURNED = "returned", "退回修改"
    REJECTED = "rejected", "推倒重来"
    APPROVED = "approved", "审核通过"


class Document(models.Model):
    """One document of a kind the campaign template names, for a participation and phase.

    ``version`` is an optimistic lock counter: every write that changes the document bumps it,
    and a form that was rendered with an older value is refused (someone else acted first).
    """

    # campaign and participation lead the composite indexes below: no index of their own
    # (reviews 0005).
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="活动",
        on_delete=models.CASCADE,
        related_name="documents",
        db_index=False,
    )
    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="documents",
        db_index=False,
    )
    kind = models.CharField("文书类型", max_length=64)
    phase = models.CharField("阶段", max_length=64)
    # The member or leadership member a personal document belongs to; null for a unit's documents.
    author = models.ForeignKey(
        "orgs.Person",
        verbose_name="本人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    title = models.CharField("标题", max_length=200, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    version = models.PositiveIntegerField("修改计数", default=1)
    # Denormalised from the latest version so that "pending reviews with their age" is one query.
    last_submitted_at = models.DateTimeField("最近提交时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        indexes = [
            models.Index(fields=["participation", "phase", "kind", "status"]),
            models.Index(fields=["participation", "kind", "author"]),
            models.Index(fields=["campaign", "status", "last_submitted_at"]),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.kind} #{self.pk}"


class DocumentVersion(models.Model):
    """A submitted text. Versions are never edited; a revision is a new row."""

    # Led by document_version_number: no index of its own (reviews 0005).
    document = models.ForeignKey(
        Document,
        verbose_name="文书",
        on_delete=models.CASCADE,
        related_name="versions",
        db_index=False,
    )
    number = models.PositiveIntegerField("版本号")
    text = models.TextField("正文", blank=True)
    original = models.FileField(
        "原始文件", upload_to="reviews/originals/%Y/%m/", null=True, blank=True
    )
    original_name = models.CharField("原始文件名", max_length=255, blank=True)
    char_count = models.PositiveIntegerField("字数", default=0)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = "文书版本"
        verbose_name_plural = "文书版本"
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_number"),
            models.CheckConstraint(name="document_version_positive", condition=Q(number__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.document} 第{self.number}稿"


class ReviewDecision(models.TextChoices):
    RETURNED = "returned", "退回修改"
    REJECTED = "rejected", "推倒重来"
    APPROVED = "approved", "审核通过"


class ReviewRound(models.Model):
    """One reviewer decision on one version. Appended, never overwritten."""

    # Led by review_round_number: no index of its own (reviews 0005).
    document = models.ForeignKey(
        Document,
        verbose_name="文书",
        on_delete=models.CASCADE,
        related_name="rounds",
        db_index=False,
    )
    version = models.ForeignKey(
        DocumentVersion, verbose_name="审核版本", on_delete=models.PROTECT, related_name="rounds"
    )
    number = models.PositiveIntegerField("轮次")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField("审核结论", max_length=16, choices=ReviewDecision.choices)
    reason = models.TextField("理由", blank=True)
    checklist = models.JSONField("清单评分", default=dict, blank=True)
    decided_at = models.DateTimeField("审核时间")

    class Meta:
        verbose_name = "审核轮次"
        verbose_name_plural = "审核轮次"
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="review_round_number"),
            # A return or a rejection tells the unit why; the action also refuses blank text.
            models.CheckConstraint(
                name="review_reason_required",
                condition=Q(decision="approved") | ~Q(reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} 第{self.number}轮"


class CommentStatus(models.TextChoices):
    OPEN = "open", "未解决"
    ADDRESSED = "addressed", "已修改"


class ReviewComment(models.Model):
    """A reviewer's comment anchored to a quoted passage of one version (offsets into its text).

    An open comment carries into later versions; on each new version the reviewer marks it
    addressed or not (a :class:`CommentCheck` row), and approval is refused while any is open.
    """

    document = models.ForeignKey(
        Document, verbose_name="文书", on_delete=models.CASCADE, related_name="comments"
    )
    version = models.ForeignKey(
        DocumentVersion, verbose_name="批注版本", on_delete=models.PROTECT, related_name="comments"
    )
    quote = models.TextField("引用原文")
    start = models.PositiveIntegerField("起始位置")
    end = models.PositiveIntegerField("结束位置")
    body = models.TextField("意见")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="批注人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("批注时间", auto_now_add=True)
    status = models.CharField(
        "状态", max_length=16, choices=CommentStatus.choices, default=CommentStatus.OPEN
    )
    addressed_in = models.ForeignKey(
        DocumentVersion,
        verbose_name="在此版本修改",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # When the submitting side last answered in the comment's thread (a reviewer's later reply
    # clears it: the comment waits on the unit again). Read by the unit's to-do list.
    answered_at = models.DateTimeField("单位答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "审核批注"
        verbose_name_plural = "审核批注"
        ordering = ["document", "created_at", "id"]
        indexes = [models.Index(fields=["document", "status"])]
        constraints = [
            models.CheckConstraint(
                name="comment_anchor_order", condition=Q(end__gt=models.F("start"))
            ),
            models.CheckConstraint(
                name="comment_addressed_has_version",
                condition=Q(status="open", addressed_in__isnull=True)
                | Q(status="addressed", addressed_in__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.quote[:20]


class CommentReply(models.Model):
    """One message in a comment's thread: the unit answers the reviewer (what it changed, or
    why it keeps the passage), the reviewer may answer back. Appended, never edited."""

    comment = models.ForeignKey(
        ReviewComment, verbose_name="批注", on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField("答复")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="答复人", on_delete=models.PROTECT, related_name="+"
    )
    by_reviewer = models.BooleanField("审核人答复", default=False)
    # The form's token: sending the same form twice writes one reply.
    client_token = models.CharField("提交标识", max_length=64)
    created_at = models.DateTimeField("答复时间", auto_now_add=True)

    class Meta:
        verbose_name = "批注答复"
        verbose_name_plural = "批注答复"
        ordering = ["comment", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_token"], name="comment_reply_client_token"
            ),
        ]

    def __str__(self) -> str:
        return self.body[:20]


class CommentCheck(models.Model):
    """The reviewer's judgement, on a later version, whether an open comment was addressed."""

    comment = models.ForeignKey(
        ReviewComment, verbose_name="批注", on_delete=models.CASCADE, related_name="checks"
    )
    version = models.ForeignKey(
        DocumentVersion, verbose_name="核对版本", on_delete=models.PROTECT, related_name="+"
    )
    addressed = models.BooleanField("已修改")
    note = models.TextField("说明", blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="核对人", on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField("核对时间")

    class Meta:
        verbose_name = "批注核对"
        verbose_name_plural = "批注核对"
        ordering = ["comment", "checked_at", "id"]

    def __str__(self) -> str:
        return f"{self.comment} · {'已修改' if self.addressed else '未修改'}"


class MilestoneKind(models.TextChoices):
    PUBLICITY = "publicity", "公示"
    ENDORSEMENT = "endorsement", "审议/批准"


class DocumentMilestone(models.Model):
    """Publicity (公示) or endorsement (支部大会通过 / 上级批准 / 公开承诺) of an approved document,
    with its dates. The scope or body comes from the template's document kind."""

    document = models.ForeignKey(
        Document, verbose_name="文书", on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField("环节", max_length=16, choices=MilestoneKind.choices)
    # Template value: publicity scope (branch/unit/public) or endorsement body.
    scope = models.CharField("范围/审议机构", max_length=32)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    note = models.TextField("情况说明", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "公示与审议"
        verbose_name_plural = "公示与审议"
        constraints = [
            models.UniqueConstraint(fields=["document", "kind"], name="one_milestone_per_kind"),
            models.CheckConstraint(
                name="milestone_dates_ordered",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} · {self.get_kind_display()}"


class ReferenceKind(models.TextChoices):
    WEB = "web", "网络范文（比对来源）"
    BOILERPLATE = "boilerplate", "上级模板（不计为抄袭）"


class ReferenceText(models.Model):
    """A text the office uploads for copy detection: web texts to compare against, or the
    superior's own template, whose wording every unit is expected to reuse and which is
    therefore removed before comparing."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="活动",
        on_delete=models.CASCADE,
        related_name="reference_texts",
    )
    kind = models.CharField("类别", max_length=16, choices=ReferenceKind.choices)
    title = models.CharField("标题", max_length=200)
    text = models.TextField("正文")
    char_count = models.PositiveIntegerField("字数", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "比对参考文本"
        verbose_name_plural = "比对参考文本"
        indexes = [
            models.Index(fields=["campaign", "kind"]),
            # Every check reads the campaign's boilerplate texts: a partial index finds the few
            # of them among hundreds of thousands of web texts (a planner that knows all texts
            # share one campaign and one kind would otherwise scan the table).
            models.Index(
                fields=["campaign"],
                condition=Q(kind="boilerplate"),
                name="reference_boilerplate",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PassageFingerprint(models.Model):
    """One winnowed k-gram fingerprint of the latest version of a document, or of a web
    reference text, with its position in the normalised text (``dudao.reviews.passages``).
    Kept in the database so that any process checks a new text against the whole campaign with
    one index lookup (``campaign, hash``). Exactly one source is set. Tens of millions of rows
    at city scale: no index beyond the three below (the lookup index serves the campaign too)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="活动",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    version = models.ForeignKey(
        DocumentVersion,
        verbose_name="文书版本",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fingerprints",
        db_index=False,
    )
    reference = models.ForeignKey(
        ReferenceText,
        verbose_name="参考文本",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fingerprints",
        db_index=False,
    )
    hash = models.BigIntegerField("指纹")
    pos = models.PositiveIntegerField("位置")

    class Meta:
        verbose_name = "文本指纹"
        verbose_name_plural = "文本指纹"
        indexes = [
            models.Index(fields=["campaign", "hash"], name="fingerprint_lookup"),
            models.Index(fields=["version"], name="fingerprint_version"),
            models.Index(fields=["reference"], name="fingerprint_reference"),
        ]
        constraints = [
            models.CheckConstraint(
                name="fingerprint_one_source",
                condition=Q(version__isnull=False, reference__isnull=True)
                | Q(version__isnull=True, reference__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.hash}@{self.pos}"


class FingerprintFrequency(models.Model):
    """In how many indexed texts of a campaign a fingerprint occurs: a fingerprint in many of
    them is a stock phrase of the campaign ("以邓小平理论和‘三个代表’重要思想为指导"), not copying."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="活动",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    hash = models.BigIntegerField("指纹")
    documents = models.IntegerField("文本数", default=0)

    class Meta:
        verbose_name = "指纹频次"
        verbose_name_plural = "指纹频次"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "hash"], name="fingerprint_frequency_once")
        ]

    def __str__(self) -> str:
        return f"{self.hash}×{self.documents}"


class PassageIndex(models.Model):
    """How many texts of a campaign are indexed (the base of the stock-phrase share)."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", verbose_name="活动", on_delete=models.CASCADE, related_name="+"
    )
    documents = models.IntegerField("已索引文本数", default=0)

    class Meta:
        verbose_name = "指纹索引"
        verbose_name_plural = "指纹索引"

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.documents}"


class SimilarityMatch(models.Model):
    """A confirmed similar pair found when ``version`` was submitted: a hint for a person."""

    version = models.ForeignKey(
        DocumentVersion, verbose_name="文书版本", on_delete=models.CASCADE, related_name="matches"
    )
    other_version = models.ForeignKey(
        DocumentVersion,
        verbose_name="相似文书版本",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    other_reference = models.ForeignKey(
        ReferenceText,
        verbose_name="相似参考文本",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    jaccard = models.FloatField("整体相似度")
    containment = models.FloatField("本文相同段落占比", default=0)
    other_share = models.FloatField("对方相同段落占比", default=0)
    shared_chars = models.PositiveIntegerField("相同字数", default=0)
    longest = models.PositiveIntegerField("最长相同段落字数", default=0)
    # [[start, end, other_start, other_end, normalised length], ...] in the original texts.
    passages = models.JSONField("相同段落", default=list)
    computed_at = models.DateTimeField("比对时间", auto_now_add=True)

    class Meta:
        verbose_name = "相似比对结果"
        verbose_name_plural = "相似比对结果"
        ordering = ["version", "-shared_chars"]
        constraints = [
            models.CheckConstraint(
                name="match_one_other",
                condition=Q(other_version__isnull=False, other_reference__isnull=True)
                | Q(other_version__isnull=True, other_reference__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.version_id}~{self.other_version_id or self.other_reference_id}: {self.shared_chars}"
