"""The sections that other apps read: rectification, evaluation, supervision, archive, opinions,
reports."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
    model_validator,
)

from .base import CodeText, Strict, Text

# --- rectification (整改): read by dudao.rectification ----------------------------------------


class RectificationClass(Strict):
    """One of seed 001's three classes (立即整改/近期整改/逐步整改): its name, the deadline an
    item gets by default, and how many days before it the item's light turns yellow."""

    code: Literal["immediate", "near_term", "gradual"]
    name: Text
    default_days: int = Field(ge=0, le=3650)
    yellow_days_left: int = Field(ge=0, le=3650)


class RectificationEscalation(Strict):
    """催办: from this many days overdue the reminder goes (also) to ``to``."""

    days_overdue: int = Field(ge=0, le=3650)
    to: Literal["owner", "unit_head", "group", "office"]


class RectificationSpec(Strict):
    classes: list[RectificationClass] = Field(min_length=3, max_length=3)
    # Who signs off a close application, in order (e.g. the unit head, then the group).
    close_signoff: list[Literal["unit_head", "group", "office"]] = Field(min_length=1)
    remind_before_days: list[int] = []
    escalation: list[RectificationEscalation] = []
    # An item that cannot be solved now (说明情况) is carried over to a later stage.
    carry_over_unsolvable: bool = False
    # The document kinds that are rectification plans, with the level of the items their
    # passages become once approved (seed 001: 党员个人、基层党组织和领导机关分别制定整改方案).
    plan_documents: dict[str, Literal["individual", "organisation", "leadership"]] = {}
    # The document kind of the 回头看 result (seed 001): it goes through document review, and
    # the look-back counts as done only once the unit's document of this kind is approved.
    look_back_document: str | None = None
    source: Text

    @model_validator(mode="after")
    def _each_class_once(self) -> RectificationSpec:
        codes = sorted(c.code for c in self.classes)
        if codes != ["gradual", "immediate", "near_term"]:
            raise ValueError("classes 须恰好各列一次 immediate、near_term、gradual")
        return self


# --- evaluation (四必谈, self-analysis tests, 民主评议党员, 组织处理): read by dudao.evaluation ---


class TalkPairSpec(Strict):
    """Who must talk with whom (seed 002 "四必谈"), and in how many rounds."""

    rounds: int = Field(ge=1, le=20)
    pairs: list[
        Literal[
            "head_with_team",
            "team_with_each_other",
            "team_with_branch_secretaries",
            "team_with_division_heads",
        ]
    ] = Field(min_length=1)
    source: Text


class SelfAnalysisSpec(Strict):
    """The member-subject instrument whose closed rounds give a result, and the smallest group
    that may give one per audience (seed 001: a leadership-team member is tested within the
    team, so a team of five gives four answers)."""

    instrument: CodeText
    min_group_size: dict[
        Literal["leadership_team", "unit_members", "division_members", "branch_members"], int
    ] = {}
    source: Text


class GradeSpec(Strict):
    code: Literal["excellent", "qualified", "basically_qualified", "unqualified"]
    name: Text


class MemberEvaluationSpec(Strict):
    """民主评议党员: the scale each voter rates every member on, and who is told the result."""

    grades: list[GradeSpec] = Field(min_length=2)
    notify_scope: Text
    source: Text


class HandlingOutcome(Strict):
    code: CodeText
    name: Text
    # The next step's code, or "close" (the case ends with this outcome).
    next: CodeText


class HandlingStep(Strict):
    code: CodeText
    name: Text
    decided_by: Literal["branch", "unit_committee"]
    # A step with a deadline (限期改正): the next step may not be recorded before it.
    deadline_days: int | None = Field(default=None, ge=1, le=3650)
    remind_before_days: list[int] = []
    outcomes: list[HandlingOutcome] = Field(min_length=1)


class HandlingSpec(Strict):
    """组织处理 of a member graded unqualified (seed 001 五(四)): steps in order, from the first."""

    steps: list[HandlingStep] = Field(min_length=1)
    source: Text

    @model_validator(mode="after")
    def _next_steps_exist(self) -> HandlingSpec:
        codes = {s.code for s in self.steps}
        for step in self.steps:
            for outcome in step.outcomes:
                if outcome.next != "close" and outcome.next not in codes:
                    raise ValueError(
                        f"步骤 {step.code} 的结果 {outcome.code} 指向不存在的步骤 {outcome.next}"
                        "（应为某个步骤的 code，或 close）"
                    )
        return self


class EvaluationSpec(Strict):
    talk_pairs: TalkPairSpec | None = None
    self_analysis: SelfAnalysisSpec | None = None
    member_evaluation: MemberEvaluationSpec | None = None
    handling: HandlingSpec | None = None


# --- supervision (督导组工作): read by dudao.supervision -----------------------------------------


class SupervisionDecides(Strict):
    """Issue 13 §9: who in a group decides. ``leader``: the leader, or a member with the
    leader's sign-off; ``member``: any member of the group."""

    send_problem: Literal["leader", "member"] = "leader"
    order_remedial: Literal["leader", "member"] = "leader"
    forward: Literal["leader", "member"] = "leader"


class SupervisionSpec(Strict):
    # A problem found lights like a rectification item of this class (its yellow threshold).
    problem_light_class: Literal["immediate", "near_term", "gradual"] = "immediate"
    problem_default_days: int = Field(default=7, ge=1, le=365)
    decides: SupervisionDecides = SupervisionDecides()
    spot_check_draw: int = Field(default=3, ge=1, le=50)
    source: Text


# --- archive (活动档案): read by dudao.archive ------------------------------------------------


class ArchiveItem(Strict):
    """One line of a unit's archive checklist: what a phase (or the whole campaign, when
    ``phase`` is empty) must leave behind, and how many of it.

    ``kind``: ``documents`` (approved documents of ``document_kind``), ``records`` (records of
    the records app's kind ``record_kind``: sessions, meetings, tests, activities, talks,
    problems, criticisms, exemptions), ``surveys`` (closed survey rounds, of ``instrument`` if
    named), ``decisions`` (approved phase transitions), ``rectification`` (rectification
    items; ``all_closed`` asks every one to be closed or explained)."""

    code: CodeText
    name: Text
    kind: Literal["documents", "records", "surveys", "decisions", "rectification"]
    phase: str = ""
    document_kind: str = ""
    record_kind: Literal[
        "",
        "sessions",
        "meetings",
        "tests",
        "activities",
        "talks",
        "problems",
        "criticisms",
        "exemptions",
    ] = ""
    instrument: str = ""
    min_count: int = Field(default=1, ge=0, le=100000)
    all_closed: bool = False

    @model_validator(mode="after")
    def _named_what(self) -> ArchiveItem:
        if self.kind == "documents" and not self.document_kind:
            raise ValueError("kind 为 documents 时须写 document_kind（文书种类编码）")
        if self.kind == "records" and not self.record_kind:
            raise ValueError("kind 为 records 时须写 record_kind（记录种类）")
        return self


class ArchiveSpec(Strict):
    items: list[ArchiveItem] = Field(min_length=1)
    source: Text


# --- opinions (征求意见): read by dudao.opinions ---------------------------------------------


class OpinionCategory(Strict):
    """One class opinions are sorted into (梳理归类, DOMAIN.md §3.3): its name and the words
    that suggest it for a new opinion (a person confirms)."""

    code: CodeText
    name: Text
    keywords: list[Text] = []


class OpinionsSpec(Strict):
    categories: list[OpinionCategory] = Field(min_length=1)
    # The public opinion box: at most this many opinions a day per unit (abuse limit that
    # stores nothing about the giver), and per device a day (kept in the device's cookie).
    box_daily_limit: int = Field(default=200, ge=1, le=100000)
    box_device_daily_limit: int = Field(default=5, ge=1, le=1000)
    source: Text

    @model_validator(mode="after")
    def _codes_once(self) -> OpinionsSpec:
        codes = [c.code for c in self.categories]
        if len(codes) != len(set(codes)):
            raise ValueError("categories 的 code 不能重复")
        return self


# --- reports (统计与报表): read by dudao.reports -------------------------------------------------


class ReportTally(Strict):
    """One figure the campaign reports: ``key`` names a registered tally (dudao.reports),
    ``code`` identifies this figure (defaults to the key; two figures of one key need codes),
    ``label`` is what the report calls it, ``params`` narrow what it counts."""

    key: CodeText
    code: CodeText | None = None
    label: Text
    params: dict[str, list[str]] = {}


class BulletinSpec(Strict):
    """简报: the masthead, the sponsor printed under it, and where its items come from."""

    masthead: Text
    sponsor: Text
    items: list[CodeText] = ["week_facts"]


class ReportsSpec(Strict):
    tallies: list[ReportTally] = Field(min_length=1)
    bulletin: BulletinSpec | None = None
    source: str = ""
