"""分析评议 (DOMAIN.md §3.4, §3.5; seeds 001, 002): self-analysis test results, the branch ballot
of 民主评议党员 with each member's evaluation and grade, and organisational handling (组织处理).

Ballots are anonymous the way surveys are (DESIGN.md "Anonymity", docs/anonymity.md):

- ``BallotCode`` holds the code and ``used``: no time, no person, no account, no answer.
- ``GradeTally`` is a counter per (ballot, member, grade, shard); a vote adds one to a counter
  per member in the same transaction that flips the code (PostgreSQL). On SQLite a vote is a
  ``SealedVote`` (encrypted with a key derived from the server's secret, padded to one length)
  opened into the counters when the ballot closes, as ``surveys.atrest`` does.
- Results are shown only once the ballot is closed.

A handling case moves through the template's steps in order::

    step 1 (限期改正, deadline) → step 2 (到期复查, not before the deadline) → … → closed
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from dudao.core.fields import user_fk

# --- self-analysis tests (item 6) ---------------------------------------------------------------


class TestStatus(models.TextChoices):
    PASSED = "passed", "达到要求"
    FAILED = "failed", "未达到要求"
    TOO_FEW = "too_few", "人数不足，不出结果"


class SelfAnalysisResult(models.Model):
    """The settled result of one closed member round of the self-analysis test."""

    round = models.OneToOneField(
        "surveys.SurveyRound", verbose_name="测评轮次", on_delete=models.PROTECT, related_name="+"
    )
    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="+",
    )
    person = models.ForeignKey(
        "orgs.Person", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    audience = models.CharField("测评范围", max_length=32)
    group_size = models.PositiveIntegerField("测评范围人数")
    min_group_size = models.PositiveIntegerField("出结果最少人数")
    answers = models.PositiveIntegerField("有效票数")
    status = models.CharField("结果", max_length=16, choices=TestStatus.choices)
    detail = models.CharField("说明", max_length=255)
    returned_document = models.ForeignKey(
        "reviews.Document",
        verbose_name="退回重写的党性分析材料",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    settled_by = user_fk("确认人")
    settled_at = models.DateTimeField("确认时间", auto_now_add=True)

    class Meta:
        verbose_name = "党性分析测评结果"
        verbose_name_plural = "党性分析测评结果"

    def __str__(self) -> str:
        return f"{self.person} {self.get_status_display()}"


# --- 民主评议党员 (item 7) -------------------------------------------------------------------------


class BallotStatus(models.TextChoices):
    PREPARING = "preparing", "准备中"
    OPEN = "open", "投票中"
    CLOSED = "closed", "已结束"


class Ballot(models.Model):
    """One ballot per branch: every member of the branch is on it, each voter rates all."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="活动", on_delete=models.CASCADE, related_name="+"
    )
    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="member_ballots",
    )
    branch = models.ForeignKey(
        "orgs.Organisation", verbose_name="党支部", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=16, choices=BallotStatus.choices, default=BallotStatus.PREPARING
    )
    shards = models.PositiveSmallIntegerField("计票分片数", default=4)
    # Paper ballots: counted by hand, entered per member and grade by a clerk (paper_* below).
    paper_entered_by = user_fk("纸质票录入人")
    paper_votes = models.PositiveIntegerField("纸质有效票数", default=0)
    created_by = user_fk("建立人")
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    opened_at = models.DateTimeField("开始时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    # The day the grades were notified within the template's scope (notify_scope).
    noticed_on = models.DateField("通报日期", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "民主评议党员票"
        verbose_name_plural = "民主评议党员票"
        constraints = [
            models.UniqueConstraint(fields=["participation", "branch"], name="eval_ballot_branch")
        ]

    def __str__(self) -> str:
        return f"{self.branch} 民主评议党员"


class BallotMember(models.Model):
    """A member listed on the ballot (the branch's members when it was made)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField("序号")

    class Meta:
        verbose_name = "评议对象"
        verbose_name_plural = "评议对象"
        ordering = ["ballot", "position"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "person"], name="eval_ballot_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.person_id}"


class BallotCode(models.Model):
    """A one-time code: nothing but the code and whether it has been used."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField("评议码", max_length=16, unique=True)
    used = models.BooleanField("已使用", default=False)

    class Meta:
        verbose_name = "评议码"
        verbose_name_plural = "评议码"

    def __str__(self) -> str:
        return self.code


class GradeTally(models.Model):
    """How many votes gave ``person`` the grade ``grade`` (online). No time, no code."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="tallies")
    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")
    grade = models.CharField("等次", max_length=32)
    shard = models.PositiveSmallIntegerField("分片", default=0)
    count = models.PositiveIntegerField("票数", default=0)

    class Meta:
        verbose_name = "评议计票"
        verbose_name_plural = "评议计票"
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "person", "grade", "shard"], name="eval_tally_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id}·{self.grade}"


class PaperGradeCount(models.Model):
    """Paper ballots counted by hand: votes per member and grade."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="paper_counts")
    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")
    grade = models.CharField("等次", max_length=32)
    count = models.PositiveIntegerField("票数", default=0)

    class Meta:
        verbose_name = "纸质评议票计数"
        verbose_name_plural = "纸质评议票计数"
        constraints = [
            models.UniqueConstraint(fields=["ballot", "person", "grade"], name="eval_paper_cell")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}·{self.grade}={self.count}"


class PaperGradeEntry(models.Model):
    """One clerk's count of a ballot's paper ballots (blind double entry, as the surveys'
    ``PaperEntry``): two clerks count and type every figure independently, neither sees the
    other's before both are in, and only when both agree do the figures become the ballot's
    ``PaperGradeCount`` rows and count."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="paper_entries")
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    valid = models.PositiveIntegerField("有效票数")
    # {"<person id>:<grade>": votes} for every member on the ballot and grade of the scale.
    counts = models.JSONField("各等次票数", default=dict)
    entered_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = "纸质评议票录入"
        verbose_name_plural = "纸质评议票录入"
        constraints = [
            models.UniqueConstraint(fields=["ballot", "clerk"], name="eval_paper_entry_once")
        ]

    def __str__(self) -> str:
        return f"纸质评议票录入 {self.ballot_id}:{self.clerk_id}"

    def figures(self) -> dict:
        return {"valid": self.valid, "counts": dict(self.counts)}


class SealedVote(models.Model):
    """On SQLite, a vote of an open ballot, sealed; opened into the counters at closing and
    deleted (see ``votes.py``). Not used on PostgreSQL."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="+")
    box = models.BinaryField("密封选票")

    class Meta:
        verbose_name = "密封评议票"
        verbose_name_plural = "密封评议票"

    def __str__(self) -> str:
        return f"密封评议票 {self.ballot_id}"


class EvaluationStatus(models.TextChoices):
    PROPOSED = "proposed", "支部已提出意见"
    DECIDED = "decided", "党委已确定"


class MemberEvaluation(models.Model):
    """The branch's 评议意见 and proposed grade for one member, and the committee's decision."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="evaluations")
    person = models.ForeignKey("orgs.Person", verbose_name="党员", on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip
    opinion = models.TextField("评议意见")
    proposed_grade = models.CharField("支部建议等次", max_length=32)
    proposed_by = user_fk("提出人", null=False)
    proposed_at = models.DateTimeField("提出时间")
    status = models.CharField(
        "状态", max_length=16, choices=EvaluationStatus.choices, default=EvaluationStatus.PROPOSED
    )
    decided_grade = models.CharField("确定等次", max_length=32, blank=True)
    decided_by = user_fk("确定人")
    decided_at = models.DateTimeField("确定时间", null=True, blank=True)
    decision_note = models.TextField("党委意见", blank=True)
    notified_on = models.DateField("书面告知日期", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "评议意见"
        verbose_name_plural = "评议意见"
        constraints = [
            models.UniqueConstraint(fields=["ballot", "person"], name="eval_opinion_once"),
            models.CheckConstraint(
                name="eval_decided_has_grade",
                condition=~Q(status="decided") | ~Q(decided_grade=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} 评议意见"


# --- 组织处理 (item 8) ----------------------------------------------------------------------------


class CaseStatus(models.TextChoices):
    OPEN = "open", "处理中"
    CLOSED = "closed", "已结案"


class HandlingCase(models.Model):
    """A case per member graded unqualified; its steps are the template's, in order."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="活动", on_delete=models.CASCADE, related_name="+"
    )
    participation = models.ForeignKey(
        "campaigns.Participation", verbose_name="参加单位", on_delete=models.CASCADE,
        related_name="handling_cases",
    )  # fmt: skip
    evaluation = models.OneToOneField(
        MemberEvaluation, verbose_name="评议", on_delete=models.PROTECT, related_name="case"
    )
    person = models.ForeignKey(
        "orgs.Person", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    branch = models.ForeignKey(
        "orgs.Organisation", verbose_name="党支部", on_delete=models.PROTECT, related_name="+"
    )
    # The template step now due (empty when closed).
    current_step = models.CharField("当前步骤", max_length=64, blank=True)
    # The deadline the current step waits for (set by a step with deadline_days).
    deadline = models.DateField("期限", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    outcome = models.CharField("结案结果", max_length=64, blank=True)
    opened_by = user_fk("立案人", null=False)
    opened_at = models.DateTimeField("立案时间", auto_now_add=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    # Days before ``deadline`` on which the branch and unit head are reminded (the template's
    # remind_before_days of the step that set the deadline); overdue cases are reminded too.
    remind_before_days = models.JSONField("提前提醒天数", default=list, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "组织处理"
        verbose_name_plural = "组织处理"
        constraints = [
            models.CheckConstraint(
                name="eval_case_closed_has_date",
                condition=~Q(status="closed") | Q(closed_on__isnull=False),
            ),
            models.CheckConstraint(
                name="eval_case_open_has_step",
                condition=~Q(status="open") | ~Q(current_step=""),
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.person} 组织处理"


class CaseStep(models.Model):
    """One recorded step of a case. Appended, never overwritten; ``number`` 1, 2, 3 …"""

    case = models.ForeignKey(HandlingCase, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField("序号")
    step = models.CharField("步骤", max_length=64)
    outcome = models.CharField("结果", max_length=64)
    decided_by_name = models.CharField("决定机关", max_length=100)
    decided_on = models.DateField("决定日期")
    deadline = models.DateField("改正期限", null=True, blank=True)
    statement = models.TextField("本人意见", blank=True)
    note = models.TextField("情况说明", blank=True)
    recorded_by = user_fk("记录人", null=False)
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "处理步骤"
        verbose_name_plural = "处理步骤"
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="eval_case_step_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.step}"


def _step_file_path(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evaluation/cases/{instance.step.case_id}/{secrets.token_hex(12)}.{ext}"


class StepDocument(models.Model):
    step = models.ForeignKey(CaseStep, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField("文件", upload_to=_step_file_path)
    original_name = models.CharField("文件名", max_length=200)

    class Meta:
        verbose_name = "处理文书"
        verbose_name_plural = "处理文书"

    def __str__(self) -> str:
        return self.original_name


class DisciplineReferral(models.Model):
    """A referral of the case to a discipline body (移送纪检机关)."""

    case = models.ForeignKey(HandlingCase, on_delete=models.CASCADE, related_name="referrals")
    body = models.CharField("移送机关", max_length=100)
    referred_on = models.DateField("移送日期")
    note = models.TextField("移送事由")
    recorded_by = user_fk("记录人", null=False)
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "移送纪检"
        verbose_name_plural = "移送纪检"

    def __str__(self) -> str:
        return f"{self.body} {self.referred_on}"


class CaseReminder(models.Model):
    """One reminder sent for a case's deadline: at most once per (case, deadline, days)."""

    case = models.ForeignKey(HandlingCase, on_delete=models.CASCADE, related_name="reminders")
    deadline = models.DateField("期限")
    days_before = models.IntegerField("提前天数")  # negative: overdue
    sent_on = models.DateField("提醒日期")

    class Meta:
        verbose_name = "处理期限提醒"
        verbose_name_plural = "处理期限提醒"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "deadline", "days_before"], name="eval_case_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.deadline} {self.days_before}"


# --- 内设机构 (四必谈: 班子成员与分管部门负责人) ----------------------------------------------


class Division(models.Model):
    """A unit's internal division (内设机构: 科室、处室), its head and the leadership-team member
    in charge of it (分管班子成员). The organisation tree stops at branches and knows nothing of
    divisions; 四必谈 (seed 002) asks each team member to talk with the heads of the divisions
    he is in charge of, so the unit enters them here (page or Excel)."""

    unit = models.ForeignKey(
        "orgs.Organisation", verbose_name="单位", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField("内设机构", max_length=100)
    head = models.ForeignKey(
        "orgs.Person",
        verbose_name="负责人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    in_charge = models.ForeignKey(
        "orgs.Person",
        verbose_name="分管班子成员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "内设机构"
        verbose_name_plural = "内设机构"
        ordering = ["unit", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="eval_division_name_once")
        ]

    def __str__(self) -> str:
        return self.name
