"""The tallies of the record-keeping apps that exist today, one declaration each.

Categories and their seeds: seed 002's report figures (party lectures by unit heads, forums,
self-found problems, mutual criticisms), seed 003's unit tally (sessions, person-attendances,
discussions, study notes, good deeds, test takers), seed 001's rectification classes,
regulations and special actions, surveys run and passed, remedial orders (DOMAIN.md §3.9).
Seed 002 also reports opinions collected, classified and fed back (218 of each), the groups'
visits and 一把手约谈, and the 107 archives kept for 107 units. Parameters narrow a tally to
kinds, sources, classes … named in the template.
"""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from dudao.archive.selectors import complete_only
from dudao.campaigns.models import Participation
from dudao.campaigns.report_tallies import TallyParam
from dudao.opinions.models import Channel, GiverKind, Opinion
from dudao.records.models import (
    Activity,
    ActivityKind,
    Attendance,
    Criticism,
    FindingSource,
    KnowledgeTest,
    Meeting,
    ProblemFound,
    SpeakerRole,
    StudySession,
    Talk,
    TestResult,
)
from dudao.rectification import rules as rect_rules
from dudao.rectification.models import ActionKind, Item, RectClass, Regulation, SpecialAction
from dudao.rectification.selectors import light_q
from dudao.reviews.models import Document, DocumentStatus
from dudao.supervision.models import Interview, Visit, VisitKind
from dudao.surveys.models import RoundStatus, SurveyRound
from dudao.surveys.selectors import outcomes_for_rounds
from dudao.transitions.models import ApplicationStatus, RemedialOrder, TransitionApplication

from .registry import Column, Context, Source, register_tally

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

# --- examination (查摆问题、开展批评) -----------------------------------------------------------

register_tally(
    "problems_found",
    label="查摆问题",
    section=EXAMINE,
    unit_of_measure="条",
    params={"sources": _choices(FindingSource)},
    sources=lambda params, ctx: [
        Source(
            ProblemFound,
            Q(_in("source", params.get("sources"))),
            date="created_at__date",
            columns=(
                Column("查摆人", "person__name"),
                Column("来源", "source"),
                Column("问题", "text"),
            ),
        )
    ],
)

register_tally(
    "criticisms",
    label="相互批评意见",
    section=EXAMINE,
    unit_of_measure="条",
    sources=lambda params, ctx: [
        Source(
            Criticism,
            Q(),
            date="created_at__date",
            columns=(
                Column("提出人", "critic__name"),
                Column("被批评人", "target__name"),
                Column("批评意见", "text"),
            ),
        )
    ],
)

_TALK_COLUMNS = (
    Column("日期", "date"),
    Column("轮次", "round_number"),
    Column("形式", "form"),
    Column("谈话人", "initiator__name"),
)

register_tally(
    "talks",
    label="谈心谈话",
    section=EXAMINE,
    unit_of_measure="次",
    sources=lambda params, ctx: [Source(Talk, Q(), columns=_TALK_COLUMNS)],
)

register_tally(
    "talk_rounds",
    label="谈心谈话轮次（各单位之和）",
    section=EXAMINE,
    unit_of_measure="轮",
    sources=lambda params, ctx: [
        Source(
            Talk,
            Q(),
            value=Count("round_number", distinct=True),
            columns=_TALK_COLUMNS,
        )
    ],
)

# --- rectification (整改落实、建章立制) --------------------------------------------------------

LIGHT_CHOICES = TallyParam(choices=dict(rect_rules.LIGHT_LABELS))


def _items(params, ctx: Context) -> list[Source]:
    q = _in("rect_class", params.get("classes"))
    lights = params.get("lights")
    if lights:
        conditions = light_q(ctx.template, ctx.today)
        either = Q(pk__in=[])
        for light in lights:
            for cond in conditions[light].values():
                either |= cond
        q &= either
    return [
        Source(
            Item,
            Q(q),
            phase=None,
            date="created_at__date",
            columns=(
                Column("序号", "number"),
                Column("问题", "problem"),
                Column("整改类别", "rect_class"),
                Column("完成时限", "deadline"),
                Column("状态", "status"),
            ),
        )
    ]


register_tally(
    "rectification_items",
    label="整改事项",
    section=RECTIFY,
    unit_of_measure="项",
    params={"classes": _choices(RectClass), "lights": LIGHT_CHOICES},
    sources=_items,
)

register_tally(
    "regulations",
    label="建章立制",
    section=RECTIFY,
    unit_of_measure="项",
    sources=lambda params, ctx: [
        Source(
            Regulation,
            Q(),
            phase=None,
            date="adopted_on",
            columns=(
                Column("制度名称", "title"),
                Column("制定日期", "adopted_on"),
                Column("制定机关", "adopted_by"),
            ),
        )
    ],
)

register_tally(
    "special_actions",
    label="专项行动（问责、化解积案、为民办实事）",
    section=RECTIFY,
    unit_of_measure="项",
    params={"kinds": _choices(ActionKind)},
    sources=lambda params, ctx: [
        Source(
            SpecialAction,
            Q(_in("kind", params.get("kinds"))),
            phase=None,
            date="held_on",
            columns=(
                Column("日期", "held_on"),
                Column("类别", "kind"),
                Column("名称", "title"),
                Column("涉及人数", "people"),
            ),
        )
    ],
)

# --- surveys and transitions ------------------------------------------------------------------

_ROUND_COLUMNS = (
    Column("测评", "instrument"),
    Column("轮次", "round_number"),
    Column("结束时间", "closed_at"),
)


def _closed_rounds(params) -> Q:
    return Q(status=RoundStatus.CLOSED) & _in("instrument", params.get("instruments"))


def _passed_only(qs, ctx: Context):
    # Rows, not model instances: a week of a city's closed rounds is tens of thousands.
    rounds = list(qs.values_list("pk", "instrument", "round_number", "status", named=True))
    outcomes = outcomes_for_rounds(rounds, ctx.template)
    return qs.filter(pk__in=[pk for pk, o in outcomes.items() if o.status == "passed"])


register_tally(
    "surveys_run",
    label="开展测评",
    section=SURVEY,
    unit_of_measure="次",
    params={"instruments": TallyParam(refers="instrument")},
    sources=lambda params, ctx: [
        Source(
            SurveyRound,
            Q(_closed_rounds(params)),
            phase=None,
            date="closed_at__date",
            columns=_ROUND_COLUMNS,
        )
    ],
)

register_tally(
    "surveys_passed",
    label="测评通过",
    section=SURVEY,
    unit_of_measure="次",
    params={"instruments": TallyParam(refers="instrument")},
    sources=lambda params, ctx: [
        Source(
            SurveyRound,
            Q(_closed_rounds(params)),
            phase=None,
            date="closed_at__date",
            columns=_ROUND_COLUMNS,
            refine=_passed_only,
        )
    ],
)

register_tally(
    "remedial_orders",
    label="责令补课",
    section=PROCESS,
    unit_of_measure="次",
    sources=lambda params, ctx: [
        Source(
            RemedialOrder,
            Q(),
            date="ordered_at__date",
            columns=(
                Column("责令时间", "ordered_at"),
                Column("理由", "reason"),
                Column("补课期限", "deadline"),
            ),
        )
    ],
)

register_tally(
    "transitions_approved",
    label="批准转段",
    section=PROCESS,
    unit_of_measure="次",
    sources=lambda params, ctx: [
        Source(
            TransitionApplication,
            Q(status=ApplicationStatus.APPROVED),
            phase="from_phase",
            date="office_decided_at__date",
            columns=(
                Column("所在阶段", "from_phase"),
                Column("申请时间", "submitted_at"),
                Column("批准时间", "office_decided_at"),
            ),
        )
    ],
)


# --- opinions (征求意见: collected, classified, fed back; seed 002's 218) ------------------------

_OPINION_COLUMNS = (
    Column("日期", "given_on"),
    Column("征求渠道", "channel"),
    Column("意见来源", "giver_kind"),
    Column("意见内容", "text"),
)
_OPINION_PARAMS = {"channels": _choices(Channel), "givers": _choices(GiverKind)}


def _opinions(where: Q):
    # A hidden opinion (abuse, shielded with a reason) is not one the unit collected; a merged
    # duplicate still is (the opinions app's summary counts the same way).
    def sources(params, ctx: Context) -> list[Source]:
        q = Q(hidden=False) & where
        q &= _in("channel", params.get("channels")) & _in("giver_kind", params.get("givers"))
        return [Source(Opinion, q, phase=None, date="given_on", columns=_OPINION_COLUMNS)]

    return sources


register_tally(
    "opinions_collected",
    label="征求意见建议",
    section=OPINIONS,
    unit_of_measure="条",
    params=_OPINION_PARAMS,
    sources=_opinions(Q()),
)

register_tally(
    "opinions_classified",
    label="意见建议已梳理归类",
    section=OPINIONS,
    unit_of_measure="条",
    params=_OPINION_PARAMS,
    sources=_opinions(Q(classified=True)),
)

register_tally(
    "opinions_fed_back",
    label="意见建议已反馈",
    section=OPINIONS,
    unit_of_measure="条",
    params=_OPINION_PARAMS,
    sources=_opinions(Q(feedback__isnull=False)),
)

# --- the supervision group's own work (visits, 一把手约谈) ---------------------------------------

register_tally(
    "visits",
    label="督导组调研走访",
    section=SUPERVISE,
    unit_of_measure="次",
    params={"kinds": _choices(VisitKind)},
    sources=lambda params, ctx: [
        Source(
            Visit,
            Q(_in("kind", params.get("kinds"))),
            phase=None,
            date="happened_on",
            columns=(
                Column("日期", "happened_on"),
                Column("方式", "kind"),
                Column("督导组", "group__name"),
                Column("接触人数", "people_count"),
            ),
        )
    ],
)

register_tally(
    "visit_people",
    label="督导组调研接触人数",
    section=SUPERVISE,
    unit_of_measure="人次",
    params={"kinds": _choices(VisitKind)},
    sources=lambda params, ctx: [
        Source(
            Visit,
            Q(_in("kind", params.get("kinds"))),
            phase=None,
            date="happened_on",
            value=Sum("people_count"),
            columns=(
                Column("日期", "happened_on"),
                Column("方式", "kind"),
                Column("接触人数", "people_count"),
            ),
        )
    ],
)

register_tally(
    "interviews",
    label="约谈单位主要负责人",
    section=SUPERVISE,
    unit_of_measure="次",
    sources=lambda params, ctx: [
        Source(
            Interview,
            Q(),
            phase=None,
            date="held_on",
            columns=(
                Column("约谈日期", "held_on"),
                Column("约谈对象", "interviewee"),
                Column("约谈原因", "reason"),
            ),
        )
    ],
)

# --- the archive (活动档案: seed 002's 107 archives for 107 units) -------------------------------


def _complete_only(qs, ctx: Context):
    return complete_only(qs, ctx.template)


register_tally(
    "archives_complete",
    label="活动档案齐全的单位",
    section=ARCHIVE,
    unit_of_measure="个",
    sources=lambda params, ctx: [
        Source(
            Participation,
            Q(),
            unit="",
            phase=None,
            date=None,
            columns=(Column("单位", "unit_name"), Column("当前阶段", "current_phase")),
            refine=_complete_only,
            title="档案清单各项齐全",
        )
    ],
)
