"""The template itself: names, batches, checklists, document kinds, survey instruments,
requirements, phases and the header."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    create_model,
    model_validator,
)

from ..terms import TERM_SPECS
from .base import (
    AUDIENCES,
    EXEMPTION_REASONS,
    RESPONDENTS,
    REVIEWERS,
    SUBMITTERS,
    Category,
    Coded,
    CodeText,
    DateValue,
    FractionText,
    Scope,
    Strict,
    Text,
)
from .sections import (
    ArchiveSpec,
    EvaluationSpec,
    OpinionsSpec,
    RectificationSpec,
    ReportsSpec,
    SupervisionSpec,
)

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
