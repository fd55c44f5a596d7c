"""The record kinds, one definition each (see ``registry``). A definition says how the data of
a create or an edit is checked (``clean``: the action's data → model fields), what else a save
changes (``relate``: attendance, branches, participants), and how the kind is listed, exported
and imported. Rules a kind's fields obey are written here once; the generic actions apply them.
"""

from __future__ import annotations

from dudao.core.errors import DomainError

from . import checks, forms, kinds, selectors
from .attendance import apply_attendance, attendance_plan
from .checks import check_members, hours_value, member, plain, required
from .exemptions import propose_exemption, withdraw_exemption
from .import_cells import (
    bool_cell,
    choices_cell,
    date_cell,
    integer_cell,
    meeting_cell,
    people_cell,
    person_cell,
    speaker_role_cell,
    template_kind_cell,
    text_cell,
)
from .models import (
    Activity,
    ActivityKind,
    Attendance,
    Criticism,
    Exemption,
    ExemptionReason,
    FindingSource,
    KnowledgeTest,
    Meeting,
    ProblemFound,
    SpeakerRole,
    StudySession,
    Talk,
    TalkForm,
)
from .registry import Column, ImportColumn, RecordKind, register

# --- column readers ---------------------------------------------------------------------------


def _name(person) -> str:
    return person.name if person is not None else ""


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


# --- study sessions and attendance ----------------------------------------------------------


def _session_clean(participation, d, _record):
    names = kinds.session_kinds(participation.campaign)
    kind, date = d.get("kind"), d.get("date")
    if kind not in names:
        shown = "、".join(names.values()) or "（模板未规定学习形式）"
        raise DomainError(f"学习形式“{kind}”不在本活动模板中，可选：{shown}。")
    if date is None:
        raise DomainError("请填写学习日期。")
    role = d.get("speaker_role") or ""
    if role and role not in SpeakerRole.values:
        raise DomainError("主讲人身份不在可选范围内，请重新选择。")
    start, end = d.get("start_time"), d.get("end_time")
    if start and end and end <= start:
        raise DomainError("结束时间应晚于开始时间。")
    return {
        "kind": kind,
        "date": date,
        "hours": hours_value(d.get("hours"), "学时"),
        "topic": required(d.get("topic"), "学习主题")[:200],
        "speaker": (d.get("speaker") or "").strip()[:100],
        "speaker_role": role,
        "start_time": start,
        "end_time": end,
        "off_hours": kinds.is_off_hours(date, start, end),
        "branch": checks.branch_of_unit(participation, d.get("branch")),
        "note": d.get("note") or "",
    }


def _session_relate(session, data, before):
    """Attendance rows follow the session's phase and kind; members credited the full session
    get the new hours, and nobody keeps more hours than the session now has."""
    rows = Attendance.objects.filter(session=session)
    if before is not None:
        rows.update(phase=session.phase, kind=session.kind)
        if session.hours != before["hours"]:
            rows.filter(hours=before["hours"]).update(hours=session.hours)
            rows.filter(hours__gt=session.hours).update(hours=session.hours)
    if data.get("attendance") is not None:
        plan = attendance_plan(session, data["attendance"], data.get("hours_by_person"))
        change = apply_attendance(session, plan)
        return {"attendance": len(plan)} if before is None else change
    if before is not None and before["branch"] != session.branch and session.branch is not None:
        # Attendees outside the new branch would make the branch's record wrong.
        people = rows.values_list("person_id", flat=True)
        check_members(session.participation, people, branch=session.branch)
    return {}


def _attendance_count(session) -> int:
    """Annotated on the list (one query for all); counted on a single record's page."""
    n = getattr(session, "n_attendance", None)
    return session.attendances.count() if n is None else n


def _session_detail(request, ctx, session):
    return {
        "attendance": session.attendances.select_related("person__branch").order_by(
            "person__branch__path", "person__code"
        )
    }


def _sessions(participation, phase, rights):
    return selectors.sessions(participation, phase, branch_ids=_branch_scope(rights))


def _branch_scope(rights):
    return None if rights.read_all else rights.branch_ids


def _one_branch(value):
    return {value.pk} if value is not None else None


SESSIONS = register(
    RecordKind(
        slug="sessions",
        code="session",
        label="学习记录",
        noun="学习",
        model=StudySession,
        form_class=forms.SessionForm,
        clean=_session_clean,
        relate=_session_relate,
        describe=lambda s: f"{s.date:%Y-%m-%d} {s.topic}",
        queryset=_sessions,
        columns=[
            Column("日期", lambda s, _l: s.date),
            Column("开始", lambda s, _l: s.start_time.strftime("%H:%M") if s.start_time else ""),
            Column("结束", lambda s, _l: s.end_time.strftime("%H:%M") if s.end_time else ""),
            Column("学习形式", lambda s, lab: lab.session_kinds.get(s.kind, s.kind)),
            Column("学时", lambda s, _l: float(s.hours)),
            Column("主题", lambda s, _l: s.topic),
            Column("主讲人", lambda s, _l: s.speaker),
            Column("范围", lambda s, _l: s.branch.name if s.branch else "全单位"),
            Column("非工作时间", lambda s, _l: _yes(s.off_hours)),
            Column("参加人数", lambda s, _l: _attendance_count(s)),
        ],
        natural_key=("date", "kind", "topic"),
        writer_branches=lambda d: _one_branch(d.get("branch")),
        record_branches=lambda s: {s.branch_id} if s.branch_id else None,
        refs={"branch": "branch"},
        read_need="sessions",
        write_need="write_sessions",
        requirement_kinds=(
            "study_hours_per_member",
            "session_kind_days",
            "session_min_hours",
            "sessions_outside_working_hours",
            "meeting_held",
        ),
        form_template="records/session_form.html",
        detail_template="records/session_detail.html",
        detail_hook=_session_detail,
        snapshot=lambda s: {
            "attendance": [
                [pk, str(h)] for pk, h in s.attendances.values_list("person_id", "hours")
            ]
        },
    )
)


# --- meetings -------------------------------------------------------------------------------


def _meeting_clean(participation, d, _record):
    names = kinds.meeting_kinds(participation.campaign)
    kind, date = d.get("kind"), d.get("date")
    if kind not in names:
        shown = "、".join(names.values()) or "（模板未规定会议类型）"
        raise DomainError(f"会议类型“{kind}”不在本活动模板中，可选：{shown}。")
    if date is None:
        raise DomainError("请填写会议日期。")
    role = d.get("speaker_role") or ""
    if role and role not in SpeakerRole.values:
        raise DomainError("主讲人身份不在可选范围内，请重新选择。")
    speaker_person = member(participation, d.get("speaker_person"))
    speaker = (d.get("speaker") or "").strip() or _name(speaker_person)
    for b in d.get("branches") or []:
        checks.branch_of_unit(participation, b)
    return {
        "kind": kind,
        "date": date,
        "title": required(d.get("title"), "会议名称")[:200],
        "speaker": speaker[:100],
        "speaker_role": role,
        "speaker_person": speaker_person,
        "attendees": checks.integer(d.get("attendees") or 0, "参会人数"),
        "attended_by_group": bool(d.get("attended_by_group")),
        "note": d.get("note") or "",
    }


def _set_many(attr: str):
    """A relate hook that makes a many-to-many field exactly the data's list."""

    def relate(record, data, before):
        if attr not in data and before is not None:
            return {}
        new = {o.pk for o in data.get(attr) or []}
        old = set() if before is None else set(getattr(record, attr).values_list("pk", flat=True))
        if new == old:
            return {}
        getattr(record, attr).set(list(new))
        return {attr: [sorted(old), sorted(new)]}

    return relate


def _meeting_branches(record):
    return set(record.branches.values_list("pk", flat=True)) or None


MEETINGS = register(
    RecordKind(
        slug="meetings",
        code="meeting",
        label="会议记录",
        noun="会议",
        model=Meeting,
        form_class=forms.MeetingForm,
        clean=_meeting_clean,
        relate=_set_many("branches"),
        describe=lambda m: f"{m.date:%Y-%m-%d} {m.title}",
        queryset=lambda p, phase, rights: selectors.meetings(
            p, phase, branch_ids=_branch_scope(rights)
        ),
        columns=[
            Column("日期", lambda m, _l: m.date),
            Column("会议类型", lambda m, lab: lab.meeting_kinds.get(m.kind, m.kind)),
            Column("会议名称", lambda m, _l: m.title),
            Column("主讲人", lambda m, _l: m.speaker),
            Column("主讲人身份", lambda m, _l: m.get_speaker_role_display()),
            Column(
                "参加支部", lambda m, _l: "、".join(b.name for b in m.branches.all()) or "全单位"
            ),
            Column("参会人数", lambda m, _l: m.attendees),
            Column("督导组到会", lambda m, _l: _yes(m.attended_by_group)),
            Column("会议情况", lambda m, _l: m.note, wide=True),
        ],
        import_columns=[
            ImportColumn("日期", "date", date_cell, required=True),
            ImportColumn("会议类型", "kind", template_kind_cell("meeting_kinds", "会议类型"), True),
            ImportColumn("会议名称", "title", text_cell, required=True),
            ImportColumn("主讲人", "speaker", text_cell),
            ImportColumn("主讲人身份", "speaker_role", speaker_role_cell),
            ImportColumn("参会人数", "attendees", integer_cell),
            ImportColumn("督导组到会", "attended_by_group", bool_cell, hint="填“是”或“否”"),
            ImportColumn("会议情况", "note", text_cell),
        ],
        natural_key=("date", "kind", "title"),
        writer_branches=lambda d: {b.pk for b in d.get("branches") or []} or None,
        record_branches=_meeting_branches,
        refs={"speaker_person": "person", "branches": "branches"},
        read_need="sessions",
        write_need="write_sessions",
        requirement_kinds=("meeting_held",),
    )
)


# --- knowledge tests ------------------------------------------------------------------------


def _test_clean(_participation, d, _record):
    if d.get("date") is None:
        raise DomainError("请填写检测日期。")
    full = checks.integer(d.get("full_score", 100), "满分", minimum=1)
    passing = checks.integer(d.get("pass_score", 60), "及格分")
    if full > 1000 or passing > full:
        raise DomainError("满分应大于 0，及格分应在 0 与满分之间。")
    return {
        "date": d["date"],
        "title": required(d.get("title"), "检测名称")[:200],
        "full_score": full,
        "pass_score": passing,
    }


def _counted(test, attr: str, **where) -> int:
    n = getattr(test, attr, None)
    return test.results.filter(**where).count() if n is None else n


TESTS = register(
    RecordKind(
        slug="tests",
        code="test",
        label="知识检测",
        noun="知识检测",
        model=KnowledgeTest,
        form_class=forms.TestForm,
        clean=_test_clean,
        describe=lambda t: t.title,
        queryset=lambda p, phase, _r: selectors.tests(p, phase),
        columns=[
            Column("日期", lambda t, _l: t.date),
            Column("名称", lambda t, _l: t.title),
            Column("满分", lambda t, _l: t.full_score),
            Column("及格分", lambda t, _l: t.pass_score),
            Column("参加人数", lambda t, _l: _counted(t, "n_scored", score__isnull=False)),
            Column("缺考人数", lambda t, _l: _counted(t, "n_absent", score__isnull=True)),
        ],
        import_columns=[
            ImportColumn("日期", "date", date_cell, required=True),
            ImportColumn("名称", "title", text_cell, required=True),
            ImportColumn("满分", "full_score", integer_cell),
            ImportColumn("及格分", "pass_score", integer_cell),
        ],
        natural_key=("date", "title"),
        requirement_kinds=("test_participation",),
        detail_url=lambda t: f"/records/{t.participation_id}/tests/{t.pk}/",
        snapshot=lambda t: {
            "results": [
                [pk, plain(score), reason]
                for pk, score, reason in t.results.values_list(
                    "person_id", "score", "absence_reason"
                )
            ]
        },
    )
)


# --- activities and good deeds --------------------------------------------------------------


def _activity_clean(participation, d, _record):
    if d.get("kind") not in ActivityKind.values:
        raise DomainError("请选择活动类别（好人好事、主题实践活动、为民办实事或其他活动）。")
    if d.get("date") is None:
        raise DomainError("请填写日期。")
    return {
        "kind": d["kind"],
        "date": d["date"],
        "description": required(d.get("description"), "事迹或活动内容"),
        "count": checks.integer(d.get("count", 1), "件数", minimum=1),
        "person": member(participation, d.get("person")),
    }


ACTIVITIES = register(
    RecordKind(
        slug="activities",
        code="activity",
        label="好人好事与活动",
        noun="好人好事与活动",
        model=Activity,
        form_class=forms.ActivityForm,
        clean=_activity_clean,
        describe=lambda a: a.description[:30],
        queryset=lambda p, phase, _r: selectors.activities(p, phase),
        columns=[
            Column("日期", lambda a, _l: a.date),
            Column("类别", lambda a, _l: a.get_kind_display()),
            Column("件数", lambda a, _l: a.count),
            Column("当事党员", lambda a, _l: _name(a.person)),
            Column("事迹或活动内容", lambda a, _l: a.description, wide=True),
        ],
        import_columns=[
            ImportColumn("日期", "date", date_cell, required=True),
            ImportColumn("类别", "kind", choices_cell(ActivityKind.choices, "类别"), True),
            ImportColumn("件数", "count", integer_cell),
            ImportColumn("当事党员", "person", person_cell, hint="人员编号或姓名"),
            ImportColumn("事迹或活动内容", "description", text_cell, required=True),
        ],
        natural_key=("date", "kind", "description"),
        refs={"person": "person"},
    )
)


# --- talks, problems found, criticisms ------------------------------------------------------


def _talk_clean(participation, d, _record):
    participants = list(d.get("participants") or [])
    initiator, form = d.get("initiator"), d.get("form")
    if form not in TalkForm.values:
        raise DomainError("请选择谈话形式（一对一、一对多、多对多）。")
    if initiator is None:
        raise DomainError("请选择谈话人。")
    if not participants:
        raise DomainError("请至少选择一名谈话对象。")
    if initiator in participants:
        raise DomainError(f"谈话人{initiator.name}不能同时是谈话对象。")
    if form == TalkForm.ONE_TO_ONE and len(participants) != 1:
        raise DomainError("“一对一”谈话只能有一名谈话对象；多人请选“一对多”。")
    check_members(participation, [initiator.pk, *(p.pk for p in participants)])
    if d.get("date") is None:
        raise DomainError("请填写谈话日期。")
    return {
        "round_number": checks.integer(d.get("round_number"), "轮次", minimum=1),
        "date": d["date"],
        "form": form,
        "initiator": initiator,
        "summary": d.get("summary") or "",
    }


TALKS = register(
    RecordKind(
        slug="talks",
        code="talk",
        label="谈心谈话",
        noun="谈心谈话",
        model=Talk,
        form_class=forms.TalkRecordForm,
        clean=_talk_clean,
        relate=_set_many("participants"),
        describe=lambda t: f"第{t.round_number}轮 {t.date:%Y-%m-%d}",
        queryset=lambda p, phase, _r: selectors.talks(p, phase),
        columns=[
            Column("轮次", lambda t, _l: t.round_number),
            Column("日期", lambda t, _l: t.date),
            Column("形式", lambda t, _l: t.get_form_display()),
            Column("谈话人", lambda t, _l: t.initiator.name),
            Column("谈话对象", lambda t, _l: "、".join(p.name for p in t.participants.all())),
            Column("谈话要点", lambda t, _l: t.summary, wide=True),
        ],
        import_columns=[
            ImportColumn("轮次", "round_number", integer_cell, required=True),
            ImportColumn("日期", "date", date_cell, required=True),
            ImportColumn("形式", "form", choices_cell(TalkForm.choices, "形式"), required=True),
            ImportColumn("谈话人", "initiator", person_cell, True, hint="人员编号或姓名"),
            ImportColumn("谈话对象", "participants", people_cell, True, hint="多人用“、”分隔"),
            ImportColumn("谈话要点", "summary", text_cell),
        ],
        natural_key=("round_number", "date", "initiator"),
        refs={"initiator": "person", "participants": "people"},
        requirement_kinds=("talk_rounds",),
    )
)


def _problem_clean(participation, d, _record):
    source = d.get("source") or FindingSource.SELF
    if source not in FindingSource.values:
        raise DomainError("请选择问题来源。")
    return {
        "text": required(d.get("text"), "查摆出的问题"),
        "source": source,
        "person": member(participation, d.get("person")),
    }


PROBLEMS = register(
    RecordKind(
        slug="problems",
        code="problem",
        label="查摆问题",
        noun="查摆问题",
        model=ProblemFound,
        form_class=forms.ProblemForm,
        clean=_problem_clean,
        describe=lambda x: x.text[:30],
        queryset=lambda p, phase, _r: selectors.problems(p, phase),
        columns=[
            Column("查摆人", lambda x, _l: _name(x.person) or "领导班子"),
            Column("来源", lambda x, _l: x.get_source_display()),
            Column("问题", lambda x, _l: x.text, wide=True),
        ],
        import_columns=[
            ImportColumn("查摆人", "person", person_cell, hint="人员编号或姓名；空为领导班子"),
            ImportColumn("来源", "source", choices_cell(FindingSource.choices, "来源")),
            ImportColumn("问题", "text", text_cell, required=True),
        ],
        natural_key=("person", "source", "text"),
        refs={"person": "person"},
        requirement_kinds=("self_found_problems",),
    )
)


def _criticism_clean(participation, d, _record):
    critic, target, meeting = d.get("critic"), d.get("target"), d.get("meeting")
    if critic is None or target is None:
        raise DomainError("请选择提出人和被批评人。")
    if critic.pk == target.pk:
        raise DomainError("提出人和被批评人不能是同一人（自我批评请记入查摆问题）。")
    check_members(participation, [critic.pk, target.pk])
    if meeting is not None and meeting.participation_id != participation.pk:
        raise DomainError("所选会议不是本单位的会议。")
    return {
        "critic": critic,
        "target": target,
        "text": required(d.get("text"), "批评意见"),
        "meeting": meeting,
    }


CRITICISMS = register(
    RecordKind(
        slug="criticisms",
        code="criticism",
        label="批评意见",
        noun="批评意见",
        model=Criticism,
        form_class=forms.CriticismForm,
        clean=_criticism_clean,
        describe=lambda c: f"{c.critic.name}→{c.target.name}：{c.text[:20]}",
        queryset=lambda p, phase, _r: selectors.criticisms(p, phase),
        columns=[
            Column("提出人", lambda c, _l: c.critic.name),
            Column("被批评人", lambda c, _l: c.target.name),
            Column("会议", lambda c, _l: str(c.meeting) if c.meeting else ""),
            Column("批评意见", lambda c, _l: c.text, wide=True),
        ],
        import_columns=[
            ImportColumn("提出人", "critic", person_cell, True, hint="人员编号或姓名"),
            ImportColumn("被批评人", "target", person_cell, True, hint="人员编号或姓名"),
            ImportColumn("会议", "meeting", meeting_cell, hint="本阶段会议的名称，可不填"),
            ImportColumn("批评意见", "text", text_cell, required=True),
        ],
        natural_key=("critic", "target", "text"),
        refs={"critic": "person", "target": "person", "meeting": "meeting"},
        date_of=lambda c: c.meeting.date if c.meeting else checks.local_date(c.created_at),
        requirement_kinds=("criticisms_per_person",),
    )
)


# --- exemptions (proposed by the unit, confirmed by its group: ``exemptions``) ---------------


def _exemptions(participation, phase, _rights):
    return selectors.exemptions(participation, phase)


EXEMPTIONS = register(
    RecordKind(
        slug="exemptions",
        code="exemption",
        label="免于要求登记",
        noun="免于要求",
        model=Exemption,
        form_class=forms.ExemptionForm,
        clean=lambda p, d, r: d,
        describe=lambda e: f"{e.person.name} 免于 {e.requirement}",
        queryset=_exemptions,
        columns=[
            Column("人员编号", lambda e, _l: e.person.code),
            Column("姓名", lambda e, _l: e.person.name),
            Column("免于的要求", lambda e, lab: lab.requirements.get(e.requirement, e.requirement)),
            Column("原因类别", lambda e, _l: e.get_reason_display()),
            Column("情况说明", lambda e, _l: e.explanation, wide=True),
            Column(
                "确认状态", lambda e, _l: "已撤销" if e.withdrawn_at else e.get_status_display()
            ),
            Column("确认意见", lambda e, _l: e.decision_reason),
            Column("撤销原因", lambda e, _l: e.withdraw_reason),
        ],
        import_columns=[
            ImportColumn("党员", "person", person_cell, True, hint="人员编号或姓名"),
            ImportColumn("免于的要求", "requirement", lambda v, lk: lk.requirement(v), True),
            ImportColumn(
                "原因类别", "reason", choices_cell(ExemptionReason.choices, "原因类别"), True
            ),
            ImportColumn("情况说明", "explanation", text_cell, required=True),
        ],
        natural_key=("person", "requirement"),
        refs={"person": "person"},
        date_of=lambda e: checks.local_date(e.created_at),
        list_template="records/exemptions.html",
        create=lambda *, data, **kw: propose_exemption(**kw, **data),
        remove=lambda *, record, **kw: withdraw_exemption(exemption=record, **kw),
        editable=False,
        requirement_kinds=("study_hours_per_member", "documents_per_member", "test_participation"),
    )
)
