"""Requirement kinds: one parameter model per kind, and the registry REQUIREMENT_KINDS."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import (
    Field,
)

from .base import SCOPES, SPEAKER_ROLES, CodeText, FractionText, Number, Strict, Text

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
