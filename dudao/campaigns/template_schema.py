"""The shape of a campaign template, and its validation.

Code knows requirement *kinds* (``REQUIREMENT_KINDS``); a template chooses kinds and gives them
parameters. Validation reports every problem of a file at once, each naming the field path and
the reason in Chinese, so whoever writes the next campaign's template can fix it in one pass.

The file is validated piece by piece (the header, each document kind, each survey instrument,
each phase, each requirement and its parameters) rather than as one model, so that a mistake in
one requirement does not hide a dangling reference in another phase.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import typing
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    create_model,
    model_validator,
)

from .report_tallies import REFERENCE_SECTIONS, tally_keys
from .terms import TERM_SPECS

CODE_PATTERN = r"^[a-z][a-z0-9_\-]*$"
# Mirrors dudao.orgs.models.PersonCategory (a test keeps them equal); kept here as plain values
# so the schema can be used without the app registry.
MEMBER_CATEGORIES = ("serving", "retired", "away", "laid_off")
# Why a member may be exempted from a requirement (dudao.records.models.ExemptionReason): the
# person categories, and reasons that are not categories (illness, other with an explanation).
EXEMPTION_REASONS = ("retired", "away", "laid_off", "ill", "other")
SPEAKER_ROLES = ("unit_head", "leadership_member", "branch_secretary", "group_leader", "expert")
# per_member: every party member of the unit (after applies_to); per_person: every person the
# requirement names (usually leadership-team members); per_leadership_team: the team as a whole.
SCOPES = ("per_member", "per_person", "per_leadership_team", "per_branch", "per_unit")
SUBMITTERS = ("unit", "member", "leadership_member", "branch", "group")
REVIEWERS = ("group", "branch", "office", "unit", "higher_organisation")
RESPONDENTS = (
    "members",
    "leadership_team",
    "public",
    "deputies",
    "service_recipients",
    "grassroots_cadres",
)
AUDIENCES = ("leadership_team", "unit_members", "division_members", "branch_members")


# --- errors ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateError:
    """One problem of a template file: which file, which field (or line), and why."""

    path: str
    message: str
    file: str = ""
    line: int | None = None
    column: int | None = None
    # For an error of a field: the line the field (or, when it is missing, its parent) is on.
    field_line: int | None = None

    def where(self) -> str:
        if self.line is not None:
            return f"第 {self.line} 行第 {self.column or 1} 列"
        return f"字段 {self.path}" if self.path else "整个文件"

    @property
    def shown_line(self) -> int | None:
        return self.line if self.line is not None else self.field_line

    def __str__(self) -> str:
        head = f"文件 {self.file}，" if self.file else ""
        tail = f"（第 {self.field_line} 行）" if self.line is None and self.field_line else ""
        return f"{head}{self.where()}：{self.message}{tail}"


# --- value types -----------------------------------------------------------------------------


def parse_fraction(value: Any) -> Fraction:
    """'2/3', '1/2', '1' or the integer 1 → an exact Fraction in (0, 1].

    Floats are refused: 0.67 is not two-thirds, and the seeds' thresholds are exact
    ("满意度不到三分之二的，要进行补课": exactly 2/3 passes). Raises ValueError in Chinese.
    """
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(_fraction_error(value))
    return _parse_fraction(value)


def _fraction_error(value: Any) -> str:
    return f'应为 0 到 1 之间的分数，写成带引号的文本（如 "2/3"），实际为 {value!r}'


@functools.lru_cache(maxsize=256, typed=True)
def _parse_fraction(value: str | int) -> Fraction:
    # Cached: a survey's threshold is parsed for every round decided (tens of thousands when
    # the requirements engine judges a city's members' rounds). Fractions are immutable.
    try:
        frac = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError(_fraction_error(value)) from None
    if not 0 < frac <= 1:
        raise ValueError(_fraction_error(value))
    return frac


def _fraction_text(value: Any) -> str:
    return str(parse_fraction(value))


def _compact_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _date_value(value: Any) -> dt.date:
    """YAML reads 2019-06-01 as a date; "2019-06-01" in quotes is text: both are accepted."""
    bad = f"应为日期，写成 2019-06-01 的形式，实际为 {value!r}"
    if isinstance(value, dt.datetime):
        raise ValueError(bad)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(bad) from None
    raise ValueError(bad)


DateValue = Annotated[dt.date, BeforeValidator(_date_value)]
FractionText = Annotated[str, BeforeValidator(_fraction_text)]
Number = Annotated[float, PlainSerializer(_compact_number)]
CodeText = Annotated[str, Field(pattern=CODE_PATTERN, max_length=64)]
Text = Annotated[str, Field(min_length=1)]
Category = Literal[MEMBER_CATEGORIES]  # type: ignore[valid-type]
Scope = Literal[SCOPES]  # type: ignore[valid-type]


class Strict(BaseModel):
    # strict: YAML `min_count: yes` or `version: 1` is a mistake to report, not to coerce.
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class Coded(Strict):
    code: CodeText
    name: Text


# --- requirement parameters, one model per kind ------------------------------------------------


class StudyHoursParams(Strict):
    min_hours: Number = Field(gt=0, le=1000)
    # Session kinds whose hours count; empty = every kind (seed 004 counts 集体学习、党课、研讨).
    counted_kinds: list[str] = []


class SessionKindDaysParams(Strict):
    """A day counts when the unit held a session of that kind on that date."""

    session_kind: str
    min_days: Number = Field(gt=0, le=365)


class SessionMinHoursParams(Strict):
    min_hours: Number = Field(gt=0, le=24)
    except_kinds: list[str] = []


class SessionKindParams(Strict):
    session_kind: str


class DocumentCountParams(Strict):
    document_kind: str
    min_count: int = Field(default=1, ge=1, le=1000)


class MeetingHeldParams(Strict):
    meeting_kind: str
    speaker_role: Literal[SPEAKER_ROLES] | None = None  # type: ignore[valid-type]
    min_count: int = Field(default=1, ge=1, le=1000)


class TestParticipationParams(Strict):
    share: FractionText = "1"


class DocumentParams(Strict):
    document_kind: str


class InstrumentParams(Strict):
    instrument: str


class TalkRoundsParams(Strict):
    min_rounds: int = Field(ge=1, le=100)


class CountParams(Strict):
    min_count: int = Field(ge=1, le=10000)


class ReviewRoundsParams(Strict):
    document_kind: str
    # Defaults to the document kind's min_review_rounds; if given it must agree with it.
    min_rounds: int | None = Field(default=None, ge=1, le=50)


class ResearchTopicsParams(Strict):
    """Seed-free, 2019 主题教育: each leadership member takes a research topic (领题) and reports on
    it. The topic and its report are documents of ``document_kind`` written by the member: a
    document in any state is a topic taken, a reviewed and approved one is a topic reported."""

    document_kind: str
    min_topics: int = Field(default=1, ge=1, le=20)


class ProblemListParams(Strict):
    """Items of the unit's problem list (检视问题清单), kept by the rectification app: at least
    ``min_items`` items listed, and at least ``done_share`` of them rectified."""

    min_items: int = Field(default=1, ge=1, le=10000)
    done_share: FractionText | None = None


class RectificationArea(Strict):
    code: CodeText
    name: Text


class RectificationAreasParams(Strict):
    """Special rectification of named problem areas (专项整治), each with a status kept by the
    rectification app; passes when every area has reached ``done_status``."""

    areas: list[RectificationArea] = Field(min_length=1)
    done_status: Literal["in_progress", "done"] = "done"


@dataclass(frozen=True)
class RequirementKind:
    label: str
    params: type[Strict]
    scopes: tuple[str, ...]


_ALL = SCOPES
REQUIREMENT_KINDS: dict[str, RequirementKind] = {
    "study_hours_per_member": RequirementKind(
        "每名党员最少学习学时", StudyHoursParams, ("per_member", "per_person")
    ),
    "session_kind_days": RequirementKind(
        "某类学习最少天数", SessionKindDaysParams, ("per_unit", "per_branch")
    ),
    "session_min_hours": RequirementKind(
        "每次学习最少学时", SessionMinHoursParams, ("per_unit", "per_branch")
    ),
    "sessions_outside_working_hours": RequirementKind(
        "某类学习安排在非工作时间", SessionKindParams, ("per_unit", "per_branch")
    ),
    "documents_per_member": RequirementKind(
        "每人最少某类文书篇数", DocumentCountParams, ("per_member", "per_person")
    ),
    "meeting_held": RequirementKind(
        "召开某类会议（可指定主讲人）",
        MeetingHeldParams,
        ("per_unit", "per_branch", "per_leadership_team"),
    ),
    "test_participation": RequirementKind(
        "知识检测参加比例", TestParticipationParams, ("per_unit", "per_branch")
    ),
    "document_approved": RequirementKind("某类文书经审核通过", DocumentParams, _ALL),
    "review_rounds_min": RequirementKind("文书最少审核稿数", ReviewRoundsParams, _ALL),
    "survey_threshold": RequirementKind("测评达到模板规定的阈值", InstrumentParams, _ALL),
    "survey_held": RequirementKind("已组织测评（只报告结果）", InstrumentParams, _ALL),
    "talk_rounds": RequirementKind(
        "谈心谈话最少轮数", TalkRoundsParams, ("per_leadership_team", "per_unit", "per_person")
    ),
    "self_found_problems": RequirementKind(
        "自查问题最少条数", CountParams, ("per_leadership_team", "per_person", "per_unit")
    ),
    "criticisms_per_person": RequirementKind(
        "每人最少批评意见条数", CountParams, ("per_person", "per_member")
    ),
    "research_topics": RequirementKind(
        "班子成员领题调研并报告", ResearchTopicsParams, ("per_person",)
    ),
    "problem_list_items": RequirementKind(
        "检视问题清单（条目与整改进度）", ProblemListParams, ("per_unit", "per_leadership_team")
    ),
    "rectification_areas": RequirementKind(
        "专项整治（各领域的整治状态）", RectificationAreasParams, ("per_unit",)
    ),
}

# Parameter name → (template section it refers to, what it is called in messages).
_REFERENCES = {
    "document_kind": ("document_kinds", "文书种类"),
    "instrument": ("survey_instruments", "测评"),
    "session_kind": ("session_kinds", "学习形式"),
    "meeting_kind": ("meeting_kinds", "会议类型"),
}


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


# --- the template ------------------------------------------------------------------------------


class OfficialName(Strict):
    full: Text
    short: Text
    forbidden_short: list[Text] = []


class Names(OfficialName):
    """Seed 004: the short name is "先进性教育活动", never "先教活动"/"保先活动"; the same for
    the leading group and its office ("先进性教育活动办公室", not "先教办")."""

    leading_group: OfficialName | None = None
    office: OfficialName | None = None


# Every term a template may rename (dudao.campaigns.terms.TERM_SPECS); none is required.
Terms = create_model(
    "Terms",
    __base__=Strict,
    **{key: (Text | None, None) for key in TERM_SPECS},
)


class Display(Strict):
    """Texts shown on the campaign's pages: its general requirement (总要求), goals and slogans."""

    general_requirement: str = ""
    goals: list[Text] = []
    slogans: list[Text] = []
    source: str = ""


class BatchSpec(Strict):
    """A batch; its window (``start_date``, ``end_date``) and durations are optional. Phase
    durations of a batch (``phase_durations``: phase code → days) replace the phase's own; a
    unit's stage is never due after its batch's window closes."""

    number: int = Field(ge=1, le=99)
    name: Text
    scope: str = ""
    duration_days: int | None = Field(default=None, ge=1, le=3650)
    start_date: DateValue | None = None
    end_date: DateValue | None = None
    phase_durations: dict[str, Annotated[int, Field(ge=1, le=3650)]] = {}

    @model_validator(mode="after")
    def _window(self) -> BatchSpec:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError(
                f"结束日期 {self.end_date.isoformat()} 早于开始日期 {self.start_date.isoformat()}"
            )
        return self


class ChecklistItem(Strict):
    code: CodeText
    text: Text


class Checklist(Strict):
    name: Text
    items: list[ChecklistItem] = Field(min_length=1)
    source: str = ""


class Publicity(Strict):
    scope: Literal["branch", "unit", "public"]


class Endorsement(Strict):
    by: Literal["branch_meeting", "higher_organisation", "public_commitment"]


class DocumentKind(Coded):
    submitted_by: Literal[SUBMITTERS]  # type: ignore[valid-type]
    reviewed_by: Literal[REVIEWERS]  # type: ignore[valid-type]
    then_reported_to: Literal["office", "higher_organisation"] | None = None
    checklist: str | None = None
    min_review_rounds: int = Field(default=1, ge=0, le=50)
    publicity: Publicity | None = None
    endorsement: Endorsement | None = None
    # Seeds 002/003: plans copied from other units, study notes copied from the internet.
    check_copying: bool = False
    source: Text


class Question(Strict):
    code: CodeText
    text: Text
    options: list[Text] = Field(min_length=2)
    satisfied: list[str] = []


class SurveyRule(Strict):
    """How a tally decides. ``satisfied_share_at_least``: passes when satisfied / answers is at
    least the threshold (exactly 2/3 passes). ``remedial_when_share_above``: remedial work when
    the share answering one of ``options`` is strictly above the threshold (more than half).
    ``report_only``: results are shown, nothing is decided. Each counted question is judged on
    its own; the instrument fails when any of them fails."""

    kind: Literal["satisfied_share_at_least", "remedial_when_share_above", "report_only"]
    threshold: FractionText | None = None
    options: list[str] = []
    questions: list[str] = []  # empty = every question


class OnFail(Strict):
    action: Literal["remedial_work", "rewrite_document"]
    document_kind: str | None = None


class Sampling(Strict):
    by: Literal["group", "office", "higher_organisation"]
    within: Literal["notified_scope", "unit_members", "public"]


class Audience(Strict):
    """Seed 001: before whom a member's self-analysis is reported and tested, by role."""

    leadership_member: Literal[AUDIENCES] | None = None  # type: ignore[valid-type]
    unit_head: Literal[AUDIENCES] | None = None  # type: ignore[valid-type]
    leader: Literal[AUDIENCES] | None = None  # type: ignore[valid-type]
    member: Literal[AUDIENCES] | None = None  # type: ignore[valid-type]


class SurveyInstrument(Coded):
    subject: Literal["unit", "member"]
    respondents: list[Literal[RESPONDENTS]] = Field(min_length=1)  # type: ignore[valid-type]
    run_by: Literal["office", "group", "higher_organisation", "unit", "branch"]
    anonymous: bool = True
    # Below this many answers no result is shown, so nobody's answer can be inferred.
    min_group_size: int = Field(ge=1, le=1000)
    audience: Audience | None = None
    exclude_categories: list[Category] = []
    questions: list[Question] = Field(min_length=1)
    rule: SurveyRule
    on_fail: OnFail | None = None
    sampling: Sampling | None = None
    # An open link (and its QR code) that any member of the public may answer, one answer per
    # device, besides the one-time codes. Only for instruments answered by the public; a
    # sampled survey (seed 004) should leave it off, or the sample means nothing.
    open_link: bool = False
    source: Text

    @model_validator(mode="after")
    def _open_link_needs_public(self) -> SurveyInstrument:
        if self.open_link and "public" not in self.respondents:
            raise ValueError("open_link 只能用于群众参加的测评（respondents 须包含 public）")
        if self.open_link and self.sampling is not None:
            raise ValueError("随机抽样的测评不能同时开放公开链接（open_link），否则抽样失去意义")
        return self


class AppliesTo(Strict):
    """Which members a per-member or per-person requirement counts."""

    exclude_categories: list[Category] = []  # not counted at all (seed 001: retired, the test)
    # An exemption with one of these reasons may be recorded for a member, with an explanation.
    exemptable_categories: list[Literal[EXEMPTION_REASONS]] = []  # type: ignore[valid-type]
    leadership_only: bool = False  # only leadership-team members (seed 002: "每人")


class Requirement(Coded):
    kind: str
    params: dict[str, Any] = {}
    scope: Scope = "per_unit"
    applies_to: AppliesTo = AppliesTo()
    step: str | None = None
    # A blocking requirement not met means no phase transition (seed 001: "凡学习不合格的不得
    # 转段"); a non-blocking one is shown as a warning.
    blocking: bool = True
    source: Text


class Step(Coded):
    pass


class Transition(Strict):
    """How a unit leaves the phase (seed 001: summary → application → group review → office
    approval → summary-and-mobilisation meeting; the last stage ends with an application to end)."""

    summary_document: str | None = None
    meeting_kind: str | None = None
    ends_participation: bool = False


class MeasureHead(Coded):
    """A measure (track) of a stage: runs side by side with the stage's other measures, with
    its own steps and requirements; all are gated together when the stage ends."""

    steps: list[Step] = Field(min_length=1)
    requirements: list[Any] = []
    source: str = ""


class PhaseHead(Coded):
    order: int = Field(ge=1)
    kind: Literal["phase", "consolidation"] = "phase"
    # Optional when every batch gives the phase a length or a window end (phase_durations).
    duration_days: int | None = Field(default=None, ge=1, le=3650)
    extendable: bool = False
    # A phase has steps (sequential campaigns) or measures running in parallel, or both.
    steps: list[Step] = []
    measures: list[Any] = []
    requirements: list[Any] = []
    transition: Transition = Transition()
    source: str = ""

    @model_validator(mode="after")
    def _steps_or_measures(self) -> PhaseHead:
        if not self.steps and not self.measures:
            raise ValueError("阶段须有 steps（环节）或 measures（并行措施），至少一项")
        return self


class TemplateHead(Strict):
    code: CodeText
    version: str
    name: Text
    names: Names
    terms: Terms = Terms()  # type: ignore[valid-type]
    display: Display = Display()
    batches: list[BatchSpec] = Field(min_length=1)
    session_kinds: list[Coded] = []
    meeting_kinds: list[Coded] = []
    checklists: dict[str, Checklist] = {}
    document_kinds: list[Any] = []
    survey_instruments: list[Any] = []
    phases: list[Any] = Field(min_length=1)
    rectification: RectificationSpec | None = None
    evaluation: EvaluationSpec | None = None
    supervision: SupervisionSpec | None = None
    archive: ArchiveSpec | None = None
    opinions: OpinionsSpec | None = None
    reports: ReportsSpec | None = None
    source: str = ""


# --- error translation -------------------------------------------------------------------------

_MESSAGES = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不认识的字段（检查拼写，或删去）",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "bool_type": "应为 true 或 false",
    "list_type": "应为列表（每项以“- ”开头，或写成 [a, b]）",
    "dict_type": "应为键值映射（key: value）",
    "model_type": "应为键值映射（key: value）",
    "model_attributes_type": "应为键值映射（key: value）",
    "string_pattern_mismatch": "编码只能用小写字母、数字、下划线和连字符，且以字母开头",
    "string_too_short": "不能为空",
    "string_too_long": "太长，最多 {max_length} 个字符",
    "too_short": "至少需要 {min_length} 项",
    "greater_than": "应为大于 {gt} 的数字",
    "greater_than_equal": "应为不小于 {ge} 的数字",
    "less_than": "应为小于 {lt} 的数字",
    "less_than_equal": "应为不大于 {le} 的数字",
    "literal_error": "只能取 {expected} 之一",
}


def _loc_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _ctx_value(key: str, value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if key == "expected" and isinstance(value, str):
        # pydantic says "'a', 'b' or 'c'"; show "a、b、c".
        return "、".join(v.strip().strip("'") for v in re.split(r", | or ", value))
    return value


def _translate(err: dict) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    template = _MESSAGES.get(kind)
    if template is None:
        return f"不符合要求（{err['msg']}），实际为 {_show(err.get('input'))}"
    message = template.format(**{k: _ctx_value(k, v) for k, v in ctx.items()})
    if kind not in {"missing", "extra_forbidden"} and "input" in err:
        message += f"，实际为 {_show(err['input'])}"
    return message


def _parse(model: type[Strict], raw: Any, prefix: tuple, errors: list[TemplateError]):
    """Validate one piece; on failure add its errors (with their full path) and return None."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for e in exc.errors():
            message = _translate(e)
            if e["type"] == "extra_forbidden":
                allowed = _allowed_keys(model, tuple(e["loc"])[:-1])
                if allowed:
                    message = f"不认识的字段“{e['loc'][-1]}”（检查拼写，或删去）；此处可用的字段：{'、'.join(allowed)}"
            errors.append(TemplateError(_loc_path(prefix + tuple(e["loc"])), message))
        return None


def _model_in(annotation) -> type[BaseModel] | None:
    """The model an annotation holds (through Optional, list, dict and Annotated), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names of the model found at ``loc`` inside ``model`` (list indexes and dict
    keys skipped)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return []
        if isinstance(part, int) or part not in current.model_fields:
            continue
        current = _model_in(current.model_fields[part].annotation)
    return list(current.model_fields) if current is not None else []


def _duplicates(
    items, what: str, path: str, errors: list[TemplateError], field: str | None = "code"
) -> None:
    """Report repeated values. ``items`` is a list of values, or of (index, value) pairs when
    some entries failed to parse and the indexes must still match the file."""
    pairs = list(items.items()) if isinstance(items, dict) else list(enumerate(items))
    seen: dict[Any, int] = {}
    for i, value in pairs:
        if value in seen:
            where = f"{path}[{i}].{field}" if field else f"{path}[{i}]"
            errors.append(TemplateError(where, f"{what}“{value}”与第 {seen[value] + 1} 项重复"))
        else:
            seen[value] = i


def _list_of(raw: Any, key: str) -> list:
    value = raw.get(key) if isinstance(raw, dict) else None
    return value if isinstance(value, list) else []


# --- validation --------------------------------------------------------------------------------


def validate_template_data(data: Any) -> tuple[dict | None, list[TemplateError]]:
    """Validate parsed template data.

    Returns ``(clean, [])`` where ``clean`` is the JSON-ready template with every default filled
    in and requirement parameters normalised, or ``(None, errors)`` listing every problem found.
    """
    if not isinstance(data, dict):
        return None, [
            TemplateError("", "模板文件的顶层应为键值映射（code、version、name、phases …）")
        ]
    errors: list[TemplateError] = []
    if "version" in data and not isinstance(data["version"], str):
        errors.append(
            TemplateError(
                "version",
                f'版本号须写成带引号的文本（如 version: "2"），实际为 {_show(data["version"])}',
            )
        )
        data = {**data, "version": str(data["version"])}
    head = _parse(TemplateHead, data, (), errors)

    docs = _parse_items(DocumentKind, _list_of(data, "document_kinds"), "document_kinds", errors)
    instruments = _parse_items(
        SurveyInstrument, _list_of(data, "survey_instruments"), "survey_instruments", errors
    )
    phases = _parse_items(PhaseHead, _list_of(data, "phases"), "phases", errors)
    measures: dict[tuple[int, int], MeasureHead] = {}
    # Key (phase, measure, requirement); measure -1 = the phase's own requirements.
    requirements: dict[tuple[int, int, int], tuple[Requirement, Strict | None]] = {}
    for i, raw_phase in enumerate(_list_of(data, "phases")):
        # A phase whose own fields are wrong still has its requirements checked, so that one
        # typo does not hide the rest of that phase's errors.
        lists: list[tuple[int, list, tuple]] = [
            (-1, _raw_list(phases.get(i), raw_phase, "requirements"), ("phases", i))
        ]
        for m, raw_measure in enumerate(_raw_list(phases.get(i), raw_phase, "measures")):
            prefix = ("phases", i, "measures", m)
            measure = _parse(MeasureHead, raw_measure, prefix, errors)
            if measure is not None:
                measures[(i, m)] = measure
            lists.append((m, _raw_list(measure, raw_measure, "requirements"), prefix))
        for m, raw_requirements, prefix in lists:
            for j, raw in enumerate(raw_requirements):
                where = (*prefix, "requirements", j)
                req = _parse(Requirement, raw, where, errors)
                if req is None:
                    continue
                spec = REQUIREMENT_KINDS.get(req.kind)
                params = None
                if spec is None:
                    errors.append(
                        TemplateError(
                            f"{_loc_path(where)}.kind",
                            f"未知的要求类型“{req.kind}”；可用的类型：{'、'.join(REQUIREMENT_KINDS)}",
                        )
                    )
                else:
                    params = _parse(spec.params, req.params, (*where, "params"), errors)
                requirements[(i, m, j)] = (req, params)

    refs = None if head is not None else _references_only(data)
    ctx = _Context(head or refs, docs, instruments, phases, len(_list_of(data, "phases")))
    ctx.measures = measures
    # Items that failed to parse are still "defined": their own errors say what is wrong, and
    # every reference to them should not be reported a second time.
    ctx.unparsed = {
        section: {
            item.get("code")
            for i, item in enumerate(_list_of(data, section))
            if isinstance(item, dict) and i not in parsed
        }
        for section, parsed in (("document_kinds", docs), ("survey_instruments", instruments))
    }
    _check_header(head, errors)
    _check_archive(head, ctx, errors)
    _check_batch_durations(
        head.batches if head else _lenient(BatchSpec, _list_of(data, "batches")),
        _list_of(data, "phases"),
        errors,
    )
    _check_documents(ctx, errors)
    _check_instruments(ctx, errors)
    _check_phases(ctx, requirements, errors)
    _check_reports(ctx, head.reports if head else None, errors)

    if errors or head is None:
        return None, _in_file_order(errors, data)
    clean = head.model_dump(mode="json")
    clean["document_kinds"] = [d.model_dump(mode="json") for d in docs.values()]
    clean["survey_instruments"] = [s.model_dump(mode="json") for s in instruments.values()]
    clean["phases"] = []
    for i, phase in phases.items():
        dumped = phase.model_dump(mode="json")
        dumped["requirements"] = []
        dumped["measures"] = []
        # Measures are flattened for the engine: their steps and requirements join the phase's,
        # each marked with its measure; ``measures`` keeps their order, names and steps.
        groups = [(-1, None, phase.requirements)]
        for m in range(len(phase.measures)):
            measure = measures[(i, m)]
            groups.append((m, measure, measure.requirements))
            mdump = measure.model_dump(mode="json", exclude={"requirements"})
            mdump["requirements"] = []
            dumped["measures"].append(mdump)
            dumped["steps"].extend(
                {**step.model_dump(mode="json"), "measure": measure.code} for step in measure.steps
            )
        for m, measure, raw_list in groups:
            for j in range(len(raw_list)):
                req, params = requirements[(i, m, j)]
                item = req.model_dump(mode="json")
                item["params"] = params.model_dump(mode="json")
                if req.kind == "review_rounds_min" and item["params"]["min_rounds"] is None:
                    item["params"]["min_rounds"] = ctx.doc_by_code[
                        params.document_kind
                    ].min_review_rounds
                if measure is not None:
                    item["measure"] = measure.code
                    dumped["measures"][m]["requirements"].append(req.code)
                dumped["requirements"].append(item)
        if not dumped["measures"]:
            del dumped["measures"]  # the format before measures: the same digest as before
        clean["phases"].append(dumped)
    _drop_new_defaults(clean)
    return clean, []


def _raw_list(parsed, raw, key: str) -> list:
    if parsed is not None:
        return list(getattr(parsed, key))
    return _list_of(raw, key)


def _drop_new_defaults(clean: dict) -> None:
    """Keys added to the format after templates were stored are left out while they hold their
    default, so that a stored template's digest (and its version) still matches its file."""
    terms = {k: v for k, v in (clean.get("terms") or {}).items() if v}
    if terms:
        clean["terms"] = terms
    else:
        clean.pop("terms", None)
    if clean.get("archive") is None:
        clean.pop("archive", None)
    if clean.get("display") == Display().model_dump(mode="json"):
        clean.pop("display", None)
    for key in ("reports", "evaluation", "supervision", "opinions"):
        if clean.get(key) is None:
            clean.pop(key, None)
    rect = clean.get("rectification")
    if isinstance(rect, dict) and not rect.get("plan_documents"):
        rect.pop("plan_documents", None)
    for batch in clean.get("batches", []):
        for key in ("start_date", "end_date"):
            if batch.get(key) is None:
                batch.pop(key, None)
        if not batch.get("phase_durations"):
            batch.pop("phase_durations", None)


class _References(BaseModel):
    """The parts of the header other sections refer to, read leniently when the header as a
    whole failed, so that references into them can still be checked in the same pass."""

    model_config = ConfigDict(extra="ignore", strict=True)
    session_kinds: list[Coded] = []
    meeting_kinds: list[Coded] = []
    checklists: dict[str, Checklist] = {}


def _references_only(data: dict) -> _References | None:
    try:
        return _References.model_validate(data)
    except ValidationError:
        return None


def _in_file_order(errors: list[TemplateError], data: dict) -> list[TemplateError]:
    """Errors sorted as their fields appear in the file (top-level key, then item number)."""
    keys = {k: n for n, k in enumerate(data)}

    def key(error: TemplateError):
        top = re.split(r"[.\[]", error.path, maxsplit=1)[0]
        numbers = [int(n) for n in re.findall(r"\[(\d+)\]", error.path)]
        return (keys.get(top, -1 if not error.path else len(keys)), numbers)

    return sorted(errors, key=key)


def _parse_items(model, raws: list, section: str, errors: list[TemplateError]) -> dict[int, Any]:
    out = {}
    for i, raw in enumerate(raws):
        item = _parse(model, raw, (section, i), errors)
        if item is not None:
            out[i] = item
    return out


@dataclass
class _Context:
    head: TemplateHead | _References | None
    docs: dict[int, DocumentKind]
    instruments: dict[int, SurveyInstrument]
    phases: dict[int, PhaseHead]
    phases_listed: int = 0
    doc_by_code: dict = field(init=False)
    instrument_by_code: dict = field(init=False)
    unparsed: dict = field(default_factory=dict)
    measures: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.doc_by_code = {d.code: d for d in self.docs.values()}
        self.instrument_by_code = {s.code: s for s in self.instruments.values()}
        head = self.head
        self.session_kinds = {k.code for k in head.session_kinds} if head else set()
        self.meeting_kinds = {k.code for k in head.meeting_kinds} if head else set()
        self.checklists = set(head.checklists) if head else set()
        # Without even the lenient header (``_References``) references into it are not
        # checked: the header's own errors say what is wrong.
        self.header_ok = head is not None

    def known(self, section: str) -> set[str] | None:
        if section == "document_kinds":
            return set(self.doc_by_code)
        if section == "survey_instruments":
            return set(self.instrument_by_code)
        if not self.header_ok:
            return None
        if section == "session_kinds":
            return self.session_kinds
        # A party lecture or report meeting is recorded as a study session kind, so a meeting
        # requirement may name one.
        return self.meeting_kinds | self.session_kinds


def _check_ref(ctx: _Context, param: str, value, path: str, errors: list[TemplateError]) -> None:
    section, label = _REFERENCES[param]
    known = ctx.known(section)
    if value is None or known is None or value in known:
        return
    if value in ctx.unparsed.get(section, ()):
        return
    listed = "、".join(sorted(known)) or "（无）"
    errors.append(
        TemplateError(path, f"{label}“{value}”未在 {section} 中定义；已定义的有：{listed}")
    )


def _check_header(head: TemplateHead | None, errors: list[TemplateError]) -> None:
    if head is None:
        return
    _duplicates([b.number for b in head.batches], "批次序号", "batches", errors, "number")
    numbers = [b.number for b in head.batches]
    if sorted(numbers) != list(range(1, len(numbers) + 1)):
        errors.append(
            TemplateError("batches", f"批次序号应为 1、2、3 … 连续编号，实际为 {numbers}")
        )
    _duplicates([k.code for k in head.session_kinds], "学习形式编码", "session_kinds", errors)
    _duplicates([k.code for k in head.meeting_kinds], "会议类型编码", "meeting_kinds", errors)
    names = [("names", head.names), ("names.leading_group", head.names.leading_group)]
    names.append(("names.office", head.names.office))
    for path, name in names:
        if name is not None and name.short in name.forbidden_short:
            errors.append(TemplateError(f"{path}.short", f"简称“{name.short}”在禁用简称之列"))
    for key, checklist in head.checklists.items():
        if not _is_code(key):
            errors.append(
                TemplateError(
                    f"checklists.{key}",
                    "清单编码只能用小写字母、数字、下划线和连字符，且以字母开头",
                )
            )
        _duplicates(
            [item.code for item in checklist.items], "清单项编码", f"checklists.{key}.items", errors
        )


def _check_archive(head: TemplateHead | None, ctx, errors: list[TemplateError]) -> None:
    """Every archive line names a phase, document kind and instrument the template defines."""
    if head is None or head.archive is None:
        return
    _duplicates([i.code for i in head.archive.items], "档案项编码", "archive.items", errors)
    phases = {p.code for p in ctx.phases.values()}
    docs = set(ctx.doc_by_code)
    instruments = {s.code for s in ctx.instruments.values()}
    for n, item in enumerate(head.archive.items):
        where = f"archive.items[{n}]"
        if item.phase and item.phase not in phases:
            errors.append(TemplateError(f"{where}.phase", f"未定义的阶段“{item.phase}”"))
        if item.document_kind and item.document_kind not in docs:
            errors.append(
                TemplateError(f"{where}.document_kind", f"未定义的文书种类“{item.document_kind}”")
            )
        if item.instrument and item.instrument not in instruments:
            errors.append(TemplateError(f"{where}.instrument", f"未定义的测评“{item.instrument}”"))


def _check_reports(ctx: _Context, reports: ReportsSpec | None, errors) -> None:
    """Every tally key is registered, every parameter is one the tally takes, every code a
    parameter names is defined; figure codes are unique."""
    if reports is None:
        return
    known = tally_keys()
    codes = []
    for i, tally in enumerate(reports.tallies):
        path = f"reports.tallies[{i}]"
        codes.append(tally.code or tally.key)
        spec = known.get(tally.key)
        if spec is None:
            listed = "、".join(sorted(known)) or "（无）"
            errors.append(
                TemplateError(f"{path}.key", f"未知的统计项“{tally.key}”；可用的统计项：{listed}")
            )
            continue
        for name, values in tally.params.items():
            param = spec.params.get(name)
            if param is None:
                allowed = "、".join(spec.params) or "（无参数）"
                errors.append(
                    TemplateError(
                        f"{path}.params.{name}",
                        f"统计项“{tally.key}”没有参数“{name}”；可用的参数：{allowed}",
                    )
                )
                continue
            for j, value in enumerate(values):
                where = f"{path}.params.{name}[{j}]"
                if param.refers:
                    section, label = REFERENCE_SECTIONS[param.refers]
                    # Meeting kinds include the session kinds (ctx.known): a lecture may be
                    # entered as either.
                    defined = ctx.known(section)
                    if defined is not None and value not in defined:
                        listed = "、".join(sorted(defined)) or "（无）"
                        errors.append(
                            TemplateError(
                                where,
                                f"{label}“{value}”未在 {section} 中定义；已定义的有：{listed}",
                            )
                        )
                elif value not in param.choices:
                    listed = "、".join(f"{k}（{v}）" for k, v in param.choices.items())
                    errors.append(TemplateError(where, f"“{value}”不是可选的值；可选：{listed}"))
    _duplicates(codes, "统计项编码", "reports.tallies", errors, "code")


def _lenient(model, raws: list) -> list:
    """The items that parse, for checks that need them when their section has errors."""
    out = []
    for raw in raws:
        item = _parse(model, raw, (), [])
        if item is not None:
            out.append(item)
    return out


def _check_batch_durations(batches: list[BatchSpec], raw_phases: list, errors) -> None:
    """Per-batch phase lengths name phases that exist; a phase without ``duration_days`` gets
    its length from every batch (``phase_durations`` or the batch's window ``end_date``)."""
    codes = [p.get("code") for p in raw_phases if isinstance(p, dict)]
    for b, batch in enumerate(batches):
        for code in batch.phase_durations:
            if code not in codes:
                errors.append(
                    TemplateError(
                        f"batches[{b}].phase_durations.{code}",
                        f"阶段“{code}”未在 phases 中定义；已定义的有：{'、'.join(map(str, codes))}",
                    )
                )
    for i, phase in enumerate(raw_phases):
        if not isinstance(phase, dict) or phase.get("duration_days") is not None:
            continue
        code = phase.get("code")
        lacking = [b.name for b in batches if code not in b.phase_durations and b.end_date is None]
        if not batches or len(lacking) == len(batches):
            errors.append(TemplateError(f"phases[{i}].duration_days", "缺少必填字段"))
        elif lacking:
            errors.append(
                TemplateError(
                    f"phases[{i}].duration_days",
                    f"缺少必填字段：{'、'.join(lacking)}没有为本阶段规定时间（batches 的 "
                    "phase_durations 或 end_date），本阶段须写 duration_days",
                )
            )


def _is_code(value: str) -> bool:
    return re.fullmatch(CODE_PATTERN, value) is not None


def _check_documents(ctx: _Context, errors: list[TemplateError]) -> None:
    _duplicates({i: d.code for i, d in ctx.docs.items()}, "文书种类编码", "document_kinds", errors)
    for i, doc in ctx.docs.items():
        if doc.checklist and ctx.header_ok and doc.checklist not in ctx.checklists:
            listed = "、".join(sorted(ctx.checklists)) or "（无）"
            errors.append(
                TemplateError(
                    f"document_kinds[{i}].checklist",
                    f"审核清单“{doc.checklist}”未在 checklists 中定义；已定义的有：{listed}",
                )
            )


def _check_instruments(ctx: _Context, errors: list[TemplateError]) -> None:
    _duplicates(
        {i: s.code for i, s in ctx.instruments.items()}, "测评编码", "survey_instruments", errors
    )
    for i, inst in ctx.instruments.items():
        path = f"survey_instruments[{i}]"
        _duplicates([q.code for q in inst.questions], "题目编码", f"{path}.questions", errors)
        for j, q in enumerate(inst.questions):
            _duplicates(q.options, "选项", f"{path}.questions[{j}].options", errors, None)
            bad = [o for o in q.satisfied if o not in q.options]
            if bad:
                errors.append(
                    TemplateError(
                        f"{path}.questions[{j}].satisfied",
                        f"选项 {'、'.join(bad)} 不在本题的 options 中",
                    )
                )
        rule = inst.rule
        by_code = {q.code: q for q in inst.questions}
        missing = [c for c in rule.questions if c not in by_code]
        if missing:
            errors.append(
                TemplateError(f"{path}.rule.questions", f"题目 {'、'.join(missing)} 未定义")
            )
        counted = [by_code[c] for c in rule.questions if c in by_code] or list(inst.questions)
        if rule.kind == "report_only":
            if rule.threshold is not None:
                errors.append(
                    TemplateError(f"{path}.rule.threshold", "只报告结果的测评不设阈值，请删去")
                )
        elif rule.threshold is None:
            errors.append(TemplateError(f"{path}.rule.threshold", '缺少必填字段（如 "2/3"）'))
        if rule.kind == "satisfied_share_at_least":
            unsaid = [q.code for q in counted if not q.satisfied]
            if unsaid:
                errors.append(
                    TemplateError(
                        f"{path}.rule",
                        f"满意率规则计入的题目 {'、'.join(unsaid)} 须写明 satisfied（哪些选项算满意）",
                    )
                )
        if rule.kind == "remedial_when_share_above":
            if not rule.options:
                errors.append(
                    TemplateError(
                        f"{path}.rule.options",
                        "“超过比例则补课”规则须列出计入的选项（如 一般化、走过场）",
                    )
                )
            bad = [o for o in rule.options if not any(o in q.options for q in counted)]
            if bad:
                errors.append(
                    TemplateError(
                        f"{path}.rule.options", f"选项 {'、'.join(bad)} 不在计入题目的 options 中"
                    )
                )
        elif rule.options:
            errors.append(
                TemplateError(
                    f"{path}.rule.options", "只有 remedial_when_share_above 规则使用 options"
                )
            )
        if inst.on_fail is not None:
            if inst.on_fail.action == "rewrite_document" and inst.on_fail.document_kind is None:
                errors.append(
                    TemplateError(f"{path}.on_fail.document_kind", "重写文书须写明 document_kind")
                )
            _check_ref(
                ctx,
                "document_kind",
                inst.on_fail.document_kind,
                f"{path}.on_fail.document_kind",
                errors,
            )
        if inst.audience is not None and inst.subject != "member":
            errors.append(
                TemplateError(
                    f"{path}.audience", "只有测评对象为党员（subject: member）时才设 audience"
                )
            )


def _check_phases(
    ctx: _Context,
    requirements: dict[tuple[int, int, int], tuple[Requirement, Strict | None]],
    errors: list[TemplateError],
) -> None:
    phases = ctx.phases
    _duplicates({i: p.code for i, p in phases.items()}, "阶段编码", "phases", errors)
    orders = [p.order for p in phases.values()]
    # Order is checked only when every phase parsed; otherwise a broken phase shifts the numbers.
    if len(phases) == ctx.phases_listed and orders != list(range(1, len(orders) + 1)):
        errors.append(
            TemplateError("phases", f"阶段应按顺序排列，order 依次为 1、2、3 …，实际为 {orders}")
        )
    kinds = [p.kind for p in phases.values()]
    if "consolidation" in kinds and "phase" in kinds[kinds.index("consolidation") :]:
        errors.append(TemplateError("phases", "巩固阶段（kind: consolidation）应排在各阶段之后"))

    step_codes: list[str] = []
    step_paths: list[str] = []
    for i, phase in phases.items():
        for k, step in enumerate(phase.steps):
            step_codes.append(step.code)
            step_paths.append(f"phases[{i}].steps[{k}]")
        own = {
            m: ctx.measures[(i, m)] for m in range(len(phase.measures)) if (i, m) in ctx.measures
        }
        _duplicates(
            {m: x.code for m, x in own.items()}, "措施编码", f"phases[{i}].measures", errors
        )
        for m, measure in own.items():
            for k, step in enumerate(measure.steps):
                step_codes.append(step.code)
                step_paths.append(f"phases[{i}].measures[{m}].steps[{k}]")
        _check_ref(
            ctx,
            "document_kind",
            phase.transition.summary_document,
            f"phases[{i}].transition.summary_document",
            errors,
        )
        _check_ref(
            ctx,
            "meeting_kind",
            phase.transition.meeting_kind,
            f"phases[{i}].transition.meeting_kind",
            errors,
        )
    seen: dict[str, str] = {}
    for code, path in zip(step_codes, step_paths, strict=True):
        if code in seen:
            errors.append(TemplateError(f"{path}.code", f"环节编码“{code}”与 {seen[code]} 重复"))
        seen.setdefault(code, path)

    req_seen: dict[str, str] = {}
    for (i, m, j), (req, params) in sorted(requirements.items()):
        if m < 0:
            path = f"phases[{i}].requirements[{j}]"
            owner = phases.get(i)
            where = "本阶段"
        else:
            path = f"phases[{i}].measures[{m}].requirements[{j}]"
            owner = ctx.measures.get((i, m))
            where = "本措施"
        if req.code in req_seen:
            errors.append(
                TemplateError(f"{path}.code", f"要求编码“{req.code}”与 {req_seen[req.code]} 重复")
            )
        req_seen.setdefault(req.code, path)
        if owner is not None and req.step is not None:
            steps = {s.code: s.name for s in owner.steps}
            if req.step not in steps:
                listed = "、".join(f"{c}（{n}）" for c, n in steps.items()) or "（无）"
                errors.append(
                    TemplateError(
                        f"{path}.step",
                        f"环节“{req.step}”不是{where}的环节；{where}的环节有：{listed}",
                    )
                )
        overlap = set(req.applies_to.exclude_categories) & set(req.applies_to.exemptable_categories)
        if overlap:
            errors.append(
                TemplateError(
                    f"{path}.applies_to",
                    f"类别 {'、'.join(sorted(overlap))} 不能既不计入又可登记免除",
                )
            )
        spec = REQUIREMENT_KINDS.get(req.kind)
        if spec is not None and req.scope not in spec.scopes:
            errors.append(
                TemplateError(
                    f"{path}.scope",
                    f"要求类型 {req.kind} 的 scope 只能取 {'、'.join(spec.scopes)}，实际为 '{req.scope}'",
                )
            )
        if params is None:
            continue
        for name in _REFERENCES:
            if hasattr(params, name):
                _check_ref(ctx, name, getattr(params, name), f"{path}.params.{name}", errors)
        for name in ("except_kinds", "counted_kinds"):
            for k, value in enumerate(getattr(params, name, None) or []):
                _check_ref(ctx, "session_kind", value, f"{path}.params.{name}[{k}]", errors)
        if req.kind == "survey_threshold":
            inst = ctx.instrument_by_code.get(params.instrument)
            if inst is not None and inst.rule.kind == "report_only":
                errors.append(
                    TemplateError(
                        f"{path}.kind",
                        f"测评“{inst.code}”只报告结果、没有阈值，请用 survey_held",
                    )
                )
        if req.kind == "review_rounds_min" and params.min_rounds is not None:
            doc = ctx.doc_by_code.get(params.document_kind)
            if doc is not None and doc.min_review_rounds != params.min_rounds:
                errors.append(
                    TemplateError(
                        f"{path}.params.min_rounds",
                        f"与文书种类“{doc.code}”的 min_review_rounds（{doc.min_review_rounds}）"
                        f"不一致，实际为 {params.min_rounds}：删去本参数或改为一致",
                    )
                )


# --- helpers for the issues that consume templates --------------------------------------------


def survey_rule_passes(rule: dict, *, counted: int, total: int) -> bool:
    """Decide one question's tally under a template rule (the dumped ``rule`` dict).

    ``counted`` is the number of answers among the question's ``satisfied`` options for
    ``satisfied_share_at_least``, or among ``rule.options`` for ``remedial_when_share_above``.
    Exact arithmetic: with threshold 2/3, 20 of 30 passes; with 1/2, 15 of 30 is not "more
    than half" and needs no remedial work.
    """
    if total <= 0:
        raise ValueError("total must be positive")
    if rule["kind"] == "report_only":
        return True
    share = Fraction(counted, total)
    threshold = parse_fraction(rule["threshold"])
    if rule["kind"] == "satisfied_share_at_least":
        return share >= threshold
    return share <= threshold
