"""What the tallies share: the report sections, the template parameters for meeting and session
kinds, the unit and phase columns, and two small helpers."""

from __future__ import annotations

from django.db.models import Q

from dudao.campaigns.report_tallies import TallyParam

from ..registry import Column

STUDY, EXAMINE, RECTIFY, SURVEY, PROCESS = "学习教育", "查摆批评", "整改落实", "测评", "转段"
OPINIONS, SUPERVISE, ARCHIVE = "征求意见", "督导工作", "活动档案"

KINDS = TallyParam(refers="meeting_kind")  # meeting or session kinds of the template
SESSION_KINDS = TallyParam(refers="session_kind")
UNIT = Column("单位", "participation__unit_name")
PHASE = Column("阶段", "phase")


def _choices(choices) -> TallyParam:
    return TallyParam(choices={c.value: c.label for c in choices})


def _in(field: str, values: list[str] | None) -> Q:
    return Q(**{f"{field}__in": values}) if values else Q()
