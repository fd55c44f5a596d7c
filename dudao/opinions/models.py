"""Opinions (征求意见, DOMAIN.md §3.3; seed 001 §三(一), seed 002).

One :class:`Opinion` is one opinion a unit collected: the channel, what kind of person gave it,
the date, whom it is aimed at (the unit's organisation, its leadership team or a named member)
and the text. It is sorted into the template's categories (``OpinionCategoryMark``, several per
opinion), near-duplicates are merged into one (``merged_into``: every original is kept, the
representative counts them), and it is fed back (``Feedback``: collectively for team-level
opinions, to the person for individual ones) with an outcome — answered, adopted, explained or
turned into a rectification item (``rect_item``; the item's ``source_kind``/``source_id`` point
back here).

Opinions left in the public box (``origin = box``) come from nobody the system knows: the table
has no time column at all (only the date), no account, address or device column, and no audit
event is written when one arrives (tests/test_it_stores_nothing_about_box_givers.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Channel(models.TextChoices):
    FORUM = "forum", "座谈会"
    TALK = "talk", "个别谈话"
    QUESTIONNAIRE = "questionnaire", "问卷调查"
    BOX = "box", "意见箱"
    HOTLINE = "hotline", "热线电话"
    WEB = "web", "网络"
    LETTER = "letter", "征求意见函"
    CONDUCT_REVIEW = "conduct_review", "评风"


class GiverKind(models.TextChoices):
    DEPUTY = "deputy", "党代表、人大代表、政协委员"
    PUBLIC_REP = "public_rep", "群众代表"
    SERVICE = "service", "服务对象"
    CADRE = "cadre", "基层干部"
    MEMBER = "member", "党员"
    ANONYMOUS = "anonymous", "匿名"


class TargetKind(models.TextChoices):
    ORGANISATION = "organisation", "单位党组织"
    TEAM = "team", "领导班子"
    MEMBER = "member", "个人"


TEAM_LEVEL = (TargetKind.ORGANISATION, TargetKind.TEAM)


class Origin(models.TextChoices):
    ENTERED = "entered", "登记"
    IMPORTED = "imported", "导入"
    BOX = "box", "意见箱"


class Outcome(models.TextChoices):
    ANSWERED = "answered", "已答复"
    ADOPTED = "adopted", "已采纳"
    EXPLAINED = "explained", "已说明情况"
    RECTIFICATION = "rectification", "转为整改事项"


class FeedbackKind(models.TextChoices):
    COLLECTIVE = "collective", "集体反馈"
    INDIVIDUAL = "individual", "个别反馈"


class FeedbackForm(models.TextChoices):
    MEETING = "meeting", "会议通报"
    WRITTEN = "written", "书面反馈"
    FACE = "face", "当面反馈"
    NOTICE = "notice", "公示公告"


class Feedback(models.Model):
    """One feedback (反馈): several opinions of one unit, told to the team (collective) or to one
    person (individual) on a date and in a form."""

    participation = models.ForeignKey(
        "campaigns.Participation", on_delete=models.CASCADE, related_name="opinion_feedbacks"
    )
    kind = models.CharField("反馈方式", max_length=16, choices=FeedbackKind.choices)
    form = models.CharField("反馈形式", max_length=16, choices=FeedbackForm.choices)
    fed_back_on = models.DateField("反馈日期")
    person = models.ForeignKey(
        "orgs.Person",
        verbose_name="反馈对象",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField("反馈内容", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "意见反馈"
        verbose_name_plural = "意见反馈"
        constraints = [
            models.CheckConstraint(
                name="opinion_feedback_individual_has_person",
                condition=~Q(kind="individual") | Q(person__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.fed_back_on}"


class Opinion(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="活动", on_delete=models.CASCADE, related_name="+"
    )
    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="opinions",
    )
    channel = models.CharField("征求渠道", max_length=16, choices=Channel.choices)
    giver_kind = models.CharField("意见来源", max_length=16, choices=GiverKind.choices)
    # Who gave it, as the office wrote it ("区人大代表"): shown to the unit and the group, never
    # to the member the opinion is aimed at. Empty for the opinion box.
    giver_note = models.CharField("提出人情况", max_length=200, blank=True)
    given_on = models.DateField("日期")
    target_kind = models.CharField("意见对象", max_length=16, choices=TargetKind.choices)
    target_person = models.ForeignKey(
        "orgs.Person",
        verbose_name="所提个人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions_received",
    )
    text = models.TextField("意见内容")
    origin = models.CharField("来源方式", max_length=16, choices=Origin.choices)
    # The key an Excel re-import matches rows on: the office's 序号, or the row's content.
    import_key = models.CharField(max_length=64, blank=True)
    classified = models.BooleanField("已归类", default=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="合并到",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    hidden = models.BooleanField("已屏蔽", default=False)
    hidden_reason = models.CharField("屏蔽理由", max_length=200, blank=True)
    feedback = models.ForeignKey(
        Feedback,
        verbose_name="反馈",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    outcome = models.CharField("办理结果", max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField("办理说明", blank=True)
    rect_item = models.ForeignKey(
        "rectification.Item",
        verbose_name="整改事项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The MinHash band keys of the text (similarity.pack: 16 × 8 bytes; empty for a text
    # without letters or digits), written with the row: a unit's near-duplicates are read
    # from its opinions alone, and an import writes no index row per key (bench/opinions.py).
    bands = models.BinaryField("相似度指纹", default=b"", editable=False)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "意见建议"
        verbose_name_plural = "意见建议"
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "import_key"],
                condition=~Q(import_key=""),
                name="opinion_import_key",
            ),
            models.CheckConstraint(
                name="opinion_member_target_named",
                condition=~Q(target_kind="member") | Q(target_person__isnull=False),
            ),
            models.CheckConstraint(
                name="opinion_hidden_has_reason", condition=Q(hidden=False) | ~Q(hidden_reason="")
            ),
        ]
        indexes = [
            models.Index(
                fields=["participation", "hidden", "classified", "feedback"],
                name="opinion_unit_counts",
            ),
            models.Index(fields=["target_person", "hidden"]),
            models.Index(fields=["campaign", "classified"]),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class OpinionCategoryMark(models.Model):
    """One of the template's categories confirmed for an opinion (several per opinion)."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField("类别", max_length=64)

    class Meta:
        verbose_name = "意见类别"
        verbose_name_plural = "意见类别"
        constraints = [
            models.UniqueConstraint(fields=["opinion", "code"], name="opinion_category_once")
        ]

    def __str__(self) -> str:
        return self.code


class OpinionBand(models.Model):
    """The band keys of the campaign's *classified* opinions (similarity.py), indexed on
    (campaign, key): a new opinion sharing a key with one of them is suggested its categories.
    Written when an opinion is classified (``actions.index_classified``), not on import: an
    index ordered by a random key, written 16 rows per imported opinion, was most of an
    import's time once it outgrew the database's cache (bench/opinions.py)."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="+")
    campaign_id = models.BigIntegerField()
    key = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["campaign_id", "key", "opinion"], name="opinion_band_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.opinion_id}:{self.key}"


class OpinionBox(models.Model):
    """A unit's public opinion box (意见箱, seed 001: "设置意见箱"): a login-free page by QR."""

    participation = models.OneToOneField(
        "campaigns.Participation", on_delete=models.CASCADE, related_name="opinion_box"
    )
    token = models.CharField(max_length=32, unique=True)
    is_open = models.BooleanField("开放中", default=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField("开设时间", auto_now_add=True)

    class Meta:
        verbose_name = "意见箱"
        verbose_name_plural = "意见箱"

    def __str__(self) -> str:
        return f"意见箱 {self.participation_id}"
