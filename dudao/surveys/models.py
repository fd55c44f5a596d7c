"""Anonymous surveys: rounds, samples, one-time codes, tallies and paper ballots (DOMAIN.md
§3.5, §3.6, §3.8; DESIGN.md "Anonymity"; the threat model is docs/anonymity.md).

Anonymity lives in what is stored:

- ``SurveyCode`` keeps the code and one flag, ``used``. No time, no person, no account, no
  answer. Codes are not bound to the sampled people either: the sample says *who* may answer,
  the codes say *that* someone answered, nothing says who answered what.
- ``Tally`` is a counter per (round, question, option, shard). An answer is counted by adding
  one to a counter in the same transaction that flips the code's flag; no answer row exists, so
  there is no insertion order, key or timestamp to match against anything. The shard (picked at
  random per ballot) only spreads concurrent increments over several rows.
- Results are computed from the counters only once the round is closed, and never for fewer
  answers than the instrument's ``min_group_size``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class RoundStatus(models.TextChoices):
    PREPARING = "preparing", "准备中"
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"


class SurveyRound(models.Model):
    """One run of a template instrument for one unit (and, for member-subject instruments, one
    member). A re-survey after a failing round is a new round linked to the previous one; both
    are kept."""

    # Leads the (campaign, instrument, participation) index: no index of its own (surveys 0008).
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="活动",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="survey_rounds",
    )
    # An instrument code of the campaign's template (survey_instruments[].code).
    instrument = models.CharField("测评编码", max_length=64)
    # The member whose self-analysis is tested (subject: member); null for unit surveys.
    subject_person = models.ForeignKey(
        "orgs.Person",
        verbose_name="测评对象",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    round_number = models.PositiveSmallIntegerField("轮次", default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name="上一轮",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resurvey",
    )
    status = models.CharField(
        "状态", max_length=16, choices=RoundStatus.choices, default=RoundStatus.PREPARING
    )
    # How many rows each (question, option) counter is split over (see actions.UNIT_SHARDS).
    shards = models.PositiveSmallIntegerField("计票分片数", default=1)
    # Codes entered after this day get "测评已截止".
    expires_on = models.DateField("截止日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="建立人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    # Staff actions on the round (not submissions) carry times; who did them is in the audit.
    opened_at = models.DateTimeField("开始时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    # Sampling (seed 004): reproducible from the seed and the population, attributable.
    sample_seed = models.CharField("抽样随机种子", max_length=64, blank=True)
    sample_drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="抽样人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sample_drawn_at = models.DateTimeField("抽样时间", null=True, blank=True)
    population_size = models.PositiveIntegerField("抽样范围人数", null=True, blank=True)
    # The open link's token (/s/open/<token>/), set when the office or group turns the link on
    # for an instrument whose template allows it (``open_link: true``). Null: no open link.
    open_token = models.CharField("公开链接令牌", max_length=32, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = "测评轮次"
        verbose_name_plural = "测评轮次"
        ordering = ["participation_id", "instrument", "round_number"]
        constraints = [
            # One round N per unit, instrument and subject (subject null for unit surveys).
            models.UniqueConstraint(
                fields=["participation", "instrument", "round_number"],
                condition=Q(subject_person__isnull=True),
                name="survey_round_unit_number",
            ),
            models.UniqueConstraint(
                fields=["participation", "instrument", "subject_person", "round_number"],
                condition=Q(subject_person__isnull=False),
                name="survey_round_member_number",
            ),
            models.CheckConstraint(condition=Q(round_number__gte=1), name="survey_round_gte_1"),
            models.CheckConstraint(
                condition=Q(round_number=1, previous__isnull=True)
                | Q(round_number__gt=1, previous__isnull=False),
                name="survey_resurvey_links_previous",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "instrument", "participation"])]

    def __str__(self) -> str:
        return f"{self.instrument} 第{self.round_number}轮"

    @property
    def is_closed(self) -> bool:
        return self.status == RoundStatus.CLOSED


class SampledPerson(models.Model):
    """A person drawn into a round's sample. Says who is to be given a code, never which one."""

    round = models.ForeignKey(
        SurveyRound, verbose_name="测评轮次", on_delete=models.CASCADE, related_name="sample"
    )
    person = models.ForeignKey(
        "orgs.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "抽样人员"
        verbose_name_plural = "抽样人员"
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="sampled_person_once")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.person_id}"


class SurveyCode(models.Model):
    """A one-time code. Deliberately nothing but the code and whether it has been used: no
    time, no person, no account, no link to what was answered."""

    round = models.ForeignKey(
        SurveyRound, verbose_name="测评轮次", on_delete=models.CASCADE, related_name="codes"
    )
    # Eight characters from an alphabet without 0/O, 1/I/L (typed from a slip of paper).
    code = models.CharField("测评码", max_length=16, unique=True)
    used = models.BooleanField("已使用", default=False)
    # Minted for a device that opened the round's open link (not printed). Counted apart so that
    # the number of visitors is not shown while the round is open.
    via_link = models.BooleanField("公开链接", default=False)

    class Meta:
        verbose_name = "测评码"
        verbose_name_plural = "测评码"
        # No index on ``used``: flipping it then touches only the row (a cheap in-place update
        # on PostgreSQL), and used codes are counted only once per closed round.

    def __str__(self) -> str:
        return self.code


class Tally(models.Model):
    """How many ballots chose an option of a question (online answers only; paper ballots are
    entered as ``PaperCount``). No timestamp, no link to a code: a counter."""

    # Leads tally_cell_unique: no index of its own (surveys 0008).
    round = models.ForeignKey(
        SurveyRound,
        verbose_name="测评轮次",
        on_delete=models.CASCADE,
        related_name="tallies",
        db_index=False,
    )
    question = models.CharField("题目", max_length=64)
    option = models.CharField("选项", max_length=64)
    shard = models.PositiveSmallIntegerField("分片", default=0)
    count = models.PositiveIntegerField("票数", default=0)

    class Meta:
        verbose_name = "计票"
        verbose_name_plural = "计票"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "question", "option", "shard"], name="tally_cell_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question}·{self.option}"


class PaperStatus(models.TextChoices):
    ENTERED = "entered", "待复核"
    CONFIRMED = "confirmed", "已复核"


class PaperBallotSheet(models.Model):
    """Paper ballots of a round, entered by one clerk and confirmed by another: issued /
    returned / void / valid, then per option counts of the valid ballots."""

    round = models.OneToOneField(
        SurveyRound, verbose_name="测评轮次", on_delete=models.CASCADE, related_name="paper"
    )
    issued = models.PositiveIntegerField("发出票数")
    returned = models.PositiveIntegerField("收回票数")
    void = models.PositiveIntegerField("无效票数")
    valid = models.PositiveIntegerField("有效票数")
    status = models.CharField(
        "状态", max_length=16, choices=PaperStatus.choices, default=PaperStatus.ENTERED
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField("录入时间")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("复核时间", null=True, blank=True)

    class Meta:
        verbose_name = "纸质票"
        verbose_name_plural = "纸质票"
        constraints = [
            models.CheckConstraint(
                condition=Q(returned__lte=models.F("issued")), name="paper_returned_le_issued"
            ),
            models.CheckConstraint(
                condition=Q(returned=models.F("void") + models.F("valid")),
                name="paper_returned_is_void_plus_valid",
            ),
            # The clerk who entered the tally does not confirm it.
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=models.F("entered_by")),
                name="paper_confirmed_by_another",
            ),
        ]

    def __str__(self) -> str:
        return f"纸质票 {self.valid}/{self.issued}"


class PaperCount(models.Model):
    # Leads paper_count_unique: no index of its own (surveys 0008).
    sheet = models.ForeignKey(
        PaperBallotSheet,
        verbose_name="纸质票",
        on_delete=models.CASCADE,
        related_name="counts",
        db_index=False,
    )
    question = models.CharField("题目", max_length=64)
    option = models.CharField("选项", max_length=64)
    count = models.PositiveIntegerField("票数", default=0)

    class Meta:
        verbose_name = "纸质票计数"
        verbose_name_plural = "纸质票计数"
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "question", "option"], name="paper_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question}·{self.option}"


class PaperEntry(models.Model):
    """One clerk's count of a round's paper ballots. Two clerks count independently, each
    without seeing the other's figures (blind double entry); only when both entries agree do
    the figures become the round's ``PaperBallotSheet`` (confirmed) and count."""

    round = models.ForeignKey(
        SurveyRound, verbose_name="测评轮次", on_delete=models.CASCADE, related_name="paper_entries"
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    issued = models.PositiveIntegerField("发出票数")
    returned = models.PositiveIntegerField("收回票数")
    void = models.PositiveIntegerField("无效票数")
    valid = models.PositiveIntegerField("有效票数")
    # {"question:option": count} for every option of the instrument.
    counts = models.JSONField("各选项票数", default=dict)
    entered_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = "纸质票录入"
        verbose_name_plural = "纸质票录入"
        constraints = [
            models.UniqueConstraint(fields=["round", "clerk"], name="paper_entry_once_per_clerk")
        ]

    def __str__(self) -> str:
        return f"纸质票录入 {self.round_id}:{self.clerk_id}"

    def figures(self) -> dict:
        return {
            "issued": self.issued,
            "returned": self.returned,
            "void": self.void,
            "valid": self.valid,
            "counts": dict(self.counts),
        }


class SealedBallot(models.Model):
    """On SQLite, an online ballot of an open round, sealed (encrypted with a key derived from
    the server's secret key, never stored in the database, and padded to one length). Opened
    and added to the counters only when the round closes, then deleted (secure_delete zeroes
    the freed bytes). So the database file and its WAL — which a reader holding an old
    snapshot keeps from being truncated — never show which counters a code's ballot moved.
    See docs/anonymity.md and ``atrest.py``. Not used on PostgreSQL."""

    round = models.ForeignKey(
        SurveyRound, verbose_name="测评轮次", on_delete=models.CASCADE, related_name="+"
    )
    box = models.BinaryField("密封答卷")

    class Meta:
        verbose_name = "密封答卷"
        verbose_name_plural = "密封答卷"

    def __str__(self) -> str:
        return f"密封答卷 {self.round_id}"


# The survey rolls beyond the members (issue 12 §9) live in rolls.py; imported here so that
# Django registers their models with this app.
from .rolls import RollEntry, RollSample  # noqa: E402, F401
