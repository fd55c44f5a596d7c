"""The study tallies (学习动员): party lectures by unit heads, meetings, study sessions, hours
and attendances, documents (study notes, plans …), knowledge tests and their takers, good
deeds and practical activities."""

from __future__ import annotations

from django.db.models import Q, Sum

from dudao.campaigns.report_tallies import TallyParam
from dudao.records.models import (
    Activity,
    ActivityKind,
    Attendance,
    KnowledgeTest,
    Meeting,
    SpeakerRole,
    StudySession,
    TestResult,
)
from dudao.reviews.models import Document, DocumentStatus

from ..registry import Column, Context, Source, register_tally
from ._common import KINDS, SESSION_KINDS, STUDY, _choices, _in

# --- study (学习动员) ---------------------------------------------------------------------------


def _lectures(params, ctx: Context) -> list[Source]:
    roles = params.get("speaker_roles") or [SpeakerRole.UNIT_HEAD]
    kinds = params.get("kinds") or ["party_lecture"]
    cols = (
        Column("日期", "date"),
        Column("主讲人", "speaker"),
        Column("主讲人身份", "speaker_role"),
    )
    return [
        Source(
            StudySession,
            Q(speaker_role__in=roles, kind__in=kinds),
            columns=(*cols, Column("主题", "topic"), Column("学习形式", "kind")),
            title="以学习记录登记",
        ),
        Source(
            Meeting,
            Q(speaker_role__in=roles, kind__in=kinds),
            columns=(*cols, Column("会议名称", "title"), Column("会议类型", "kind")),
            title="以会议记录登记",
        ),
    ]


register_tally(
    "party_lectures",
    label="单位主要负责人讲党课",
    section=STUDY,
    unit_of_measure="次",
    params={"speaker_roles": _choices(SpeakerRole), "kinds": KINDS},
    sources=_lectures,
)


def _meetings(params, ctx: Context) -> list[Source]:
    kinds = params.get("kinds")
    return [
        Source(
            Meeting,
            Q(_in("kind", kinds)),
            columns=(
                Column("日期", "date"),
                Column("会议名称", "title"),
                Column("会议类型", "kind"),
                Column("参会人数", "attendees"),
            ),
            title="会议记录",
        ),
        Source(
            StudySession,
            Q(kind__in=kinds or []),
            columns=(Column("日期", "date"), Column("主题", "topic"), Column("学习形式", "kind")),
            title="以学习记录登记",
        ),
    ]


register_tally(
    "meetings",
    label="会议（座谈会等）",
    section=STUDY,
    unit_of_measure="次",
    params={"kinds": KINDS},
    sources=_meetings,
)

_SESSION_COLUMNS = (
    Column("日期", "date"),
    Column("主题", "topic"),
    Column("学习形式", "kind"),
    Column("学时", "hours"),
)

register_tally(
    "study_sessions",
    label="学习活动",
    section=STUDY,
    unit_of_measure="次",
    params={"kinds": SESSION_KINDS},
    sources=lambda params, ctx: [
        Source(
            StudySession,
            Q(_in("kind", params.get("kinds"))),
            columns=_SESSION_COLUMNS,
        )
    ],
)

_ATTENDANCE_COLUMNS = (
    Column("日期", "session__date"),
    Column("学习主题", "session__topic"),
    Column("党员", "person__name"),
    Column("计入学时", "hours"),
)

register_tally(
    "study_person_hours",
    label="参学党员累计学时",
    section=STUDY,
    unit_of_measure="学时",
    params={"kinds": SESSION_KINDS},
    sources=lambda params, ctx: [
        Source(
            Attendance,
            Q(_in("kind", params.get("kinds"))),
            date="session__date",
            value=Sum("hours"),
            columns=_ATTENDANCE_COLUMNS,
        )
    ],
)

register_tally(
    "attendances",
    label="参学人次",
    section=STUDY,
    unit_of_measure="人次",
    params={"kinds": SESSION_KINDS},
    sources=lambda params, ctx: [
        Source(
            Attendance,
            Q(_in("kind", params.get("kinds"))),
            date="session__date",
            columns=_ATTENDANCE_COLUMNS,
        )
    ],
)


def _documents(params, ctx: Context) -> list[Source]:
    return [
        Source(
            Document,
            Q(_in("kind", params.get("kinds")), _in("status", params.get("statuses"))),
            date="last_submitted_at__date",
            columns=(
                Column("标题", "title"),
                Column("文书类型", "kind"),
                Column("本人", "author__name"),
                Column("状态", "status"),
            ),
        )
    ]


register_tally(
    "documents",
    label="文书（学习笔记、方案等）",
    section=STUDY,
    unit_of_measure="份",
    params={"kinds": TallyParam(refers="document_kind"), "statuses": _choices(DocumentStatus)},
    sources=_documents,
)

register_tally(
    "tests",
    label="知识检测",
    section=STUDY,
    unit_of_measure="次",
    sources=lambda params, ctx: [
        Source(
            KnowledgeTest,
            Q(),
            columns=(Column("日期", "date"), Column("名称", "title")),
        )
    ],
)

register_tally(
    "test_takers",
    label="参加检测人次",
    section=STUDY,
    unit_of_measure="人次",
    sources=lambda params, ctx: [
        Source(
            TestResult,
            Q(score__isnull=False),
            unit="test__participation",
            phase="test__phase",
            date="test__date",
            columns=(
                Column("检测", "test__title"),
                Column("党员", "person__name"),
                Column("成绩", "score"),
            ),
        )
    ],
)

register_tally(
    "activities",
    label="好人好事与实践活动",
    section=STUDY,
    unit_of_measure="件",
    params={"kinds": _choices(ActivityKind)},
    sources=lambda params, ctx: [
        Source(
            Activity,
            Q(_in("kind", params.get("kinds"))),
            value=Sum("count"),
            columns=(
                Column("日期", "date"),
                Column("类别", "kind"),
                Column("内容", "description"),
                Column("件数", "count"),
            ),
        )
    ],
)
