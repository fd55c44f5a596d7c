"""Record pages. Thin: fetch through ``records.access`` (404 outside the user's rights) → form →
action → message. Forms work without JavaScript; scripts only add conveniences."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.campaigns.terms import terms_of
from dudao.core.errors import DomainError
from dudao.core.xlsx import stream_workbook
from dudao.imports.excel import XLSX_MIME, FileRejected
from dudao.orgs.models import Organisation, Person

from . import actions, importing, kinds, selectors
from .access import NOT_FOUND, Rights, get_record_or_404, get_rights
from .forms import (
    ActivityForm,
    CriticismForm,
    ExemptionForm,
    ImportForm,
    MeetingForm,
    ProblemForm,
    ReasonForm,
    SessionForm,
    TalkRecordForm,
    TestForm,
    new_token,
)
from .models import (
    ActivityKind,
    Exemption,
    ExemptionReason,
    KnowledgeTest,
    Meeting,
    SpeakerRole,
    StudySession,
)

# --- helpers ----------------------------------------------------------------------------------


def _phase(request, rights: Rights) -> str:
    """The phase a page shows: ?phase= among the phases begun so far, else the current one."""
    wanted = request.GET.get("phase") or request.POST.get("phase")
    codes = [p["code"] for p in kinds.open_phases(rights.participation)]
    if wanted in codes:
        return wanted
    return rights.participation.current_phase or (codes[0] if codes else "")


def _base(request, rights: Rights, phase: str, section: str, **extra) -> dict:
    p = rights.participation
    return {
        "p": p,
        "rights": rights,
        "phase": phase,
        "phase_name": kinds.phase_name(p.campaign, phase),
        "phases": kinds.open_phases(p),
        "section": section,
        "phase_query": f"?phase={quote(phase)}",
        **extra,
    }


def _xlsx_response(title: str, filename: str, header: list[str], rows) -> StreamingHttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(stream_workbook(title, header, rows), content_type=XLSX_MIME)
    name = f"{filename}-{stamp}.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"records-{stamp}.xlsx\"; filename*=UTF-8''{quote(name)}"
    )
    return response


def _bytes_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_MIME)
    response["Content-Disposition"] = (
        f"attachment; filename=\"template.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def _form_error(form, exc: DomainError) -> None:
    form.add_error(None, exc.message)


def _people(rights: Rights):
    return list(selectors.members(rights.participation))


def _pick(people: list[Person], pk) -> Person | None:
    if pk in (None, ""):
        return None
    for person in people:
        if person.pk == int(pk):
            return person
    raise Http404(NOT_FOUND)


def _unit_branches(rights: Rights) -> list[Organisation]:
    if rights.write_all or rights.read_all:
        return list(
            Organisation.objects.filter(
                unit_id=rights.participation.unit_id, kind__in=["branch", "general_branch"]
            ).order_by("path")
        )
    return rights.branches


def _back(rights: Rights, name: str, phase: str):
    return redirect(f"/records/{rights.participation.pk}/{name}/?phase={quote(phase)}")


# --- hub, member hours, own records -----------------------------------------------------------


@login_required
def hub(request, participation_id):
    rights = get_rights(request.user, participation_id, "sessions")
    phase = _phase(request, rights)
    tally = selectors.tally(rights.participation, phase)
    return render(request, "records/hub.html", _base(request, rights, phase, "hub", t=tally))


@login_required
def member_hours(request, participation_id):
    rights = get_rights(request.user, participation_id, "read")
    phase = _phase(request, rights)
    rows = selectors.member_hours(rights.participation, phase)
    notes = selectors.study_note_counts(rights.participation, phase)
    for r in rows:
        r.notes = notes.get(r.person.pk, 0)
    return render(request, "records/hours.html", _base(request, rights, phase, "hours", rows=rows))


@login_required
def member_hours_export(request, participation_id):
    rights = get_rights(request.user, participation_id, "read")
    phase = _phase(request, rights)
    notes = selectors.study_note_counts(rights.participation, phase)
    rows = (
        (
            r.person.code,
            r.person.name,
            r.person.branch.name,
            r.person.get_category_display(),
            float(r.hours),
            r.sessions,
            notes.get(r.person.pk, 0),
        )
        for r in selectors.member_hours(rights.participation, phase)
    )
    return _xlsx_response(
        "党员学时",
        f"党员学时-{rights.participation.unit_name}",
        ["人员编号", "姓名", "支部", "类别", "本阶段学时", "参加学习场次", "学习心得篇数"],
        rows,
    )


@login_required
def own(request, participation_id):
    rights = get_rights(request.user, participation_id, "own")
    if rights.person is None:
        raise Http404(NOT_FOUND)
    attendance, results, totals = selectors.own_records(rights.participation, rights.person)
    phase = _phase(request, rights)
    names = {p["code"]: p["name"] for p in kinds.phases(rights.participation.campaign)}
    return render(
        request,
        "records/own.html",
        _base(
            request,
            rights,
            phase,
            "own",
            person=rights.person,
            attendance=attendance,
            results=results,
            totals=[(names.get(k, k), v) for k, v in totals.items()],
            kind_names=kinds.session_kinds(rights.participation.campaign),
        ),
    )


# --- sessions ---------------------------------------------------------------------------------


def _session_scope(rights: Rights):
    return None if rights.read_all else rights.branch_ids


@login_required
def session_list(request, participation_id):
    rights = get_rights(request.user, participation_id, "sessions")
    phase = _phase(request, rights)
    items = selectors.sessions(rights.participation, phase, branch_ids=_session_scope(rights))
    return render(
        request,
        "records/sessions.html",
        _base(
            request,
            rights,
            phase,
            "sessions",
            items=items,
            kind_names=kinds.session_kinds(rights.participation.campaign),
        ),
    )


@login_required
def session_export(request, participation_id):
    rights = get_rights(request.user, participation_id, "sessions")
    phase = _phase(request, rights)
    names = kinds.session_kinds(rights.participation.campaign)
    items = selectors.sessions(rights.participation, phase, branch_ids=_session_scope(rights))
    rows = (
        (
            s.date,
            s.start_time.strftime("%H:%M") if s.start_time else "",
            s.end_time.strftime("%H:%M") if s.end_time else "",
            names.get(s.kind, s.kind),
            float(s.hours),
            s.topic,
            s.speaker,
            s.branch.name if s.branch else "全单位",
            "是" if s.off_hours else "否",
            s.n_attendance,
        )
        for s in items
    )
    return _xlsx_response(
        "学习记录",
        f"学习记录-{rights.participation.unit_name}",
        [
            "日期",
            "开始",
            "结束",
            "学习形式",
            "学时",
            "主题",
            "主讲人",
            "范围",
            "非工作时间",
            "参加人数",
        ],
        rows,
    )


def _tick_state(request, people, session: StudySession | None):
    """(ticked person ids, {person id: hours text}) from the posted form, else the session."""
    if request.method == "POST":
        tick = request.POST.get("tick")
        if tick == "all":
            ticked = {p.pk for p in people}
        elif tick == "none":
            ticked = set()
        else:
            ticked = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        hours = {p.pk: request.POST.get(f"hours_{p.pk}", "").strip() for p in people}
        return ticked, hours
    if session is None:
        return set(), {}
    current = dict(session.attendances.values_list("person_id", "hours"))
    return set(current), {pk: (str(h) if h != session.hours else "") for pk, h in current.items()}


def _session_form(request, rights: Rights, session: StudySession | None):
    phase = _phase(request, rights)
    branches = _unit_branches(rights) if rights.write_all else rights.branches
    initial = {"phase": phase, "token": new_token()}
    if session is not None:
        initial = {
            "phase": session.phase,
            "kind": session.kind,
            "date": session.date,
            "start_time": session.start_time,
            "end_time": session.end_time,
            "hours": session.hours,
            "topic": session.topic,
            "speaker": session.speaker,
            "speaker_role": session.speaker_role,
            "branch": session.branch_id or "",
            "note": session.note,
            "version": session.version,
        }
    elif not rights.write_all and branches:
        initial["branch"] = branches[0].pk
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        participation=rights.participation,
        branches=branches,
        unit_wide=rights.write_all,
    )
    return form, branches


def _attendance_people(rights: Rights, branch_id):
    people = selectors.members(rights.participation)
    if branch_id:
        branch = Organisation.objects.filter(pk=branch_id).first()
        if branch is not None:
            people = people.filter(branch__path__startswith=branch.path)
    return list(people)


def _save_session(request, rights: Rights, session: StudySession | None):
    form, branches = _session_form(request, rights, session)
    branch_value = form["branch"].value() or None
    people = _attendance_people(rights, branch_value)
    ticked, hours = _tick_state(request, people, session)
    if request.method == "POST" and not request.POST.get("tick") and form.is_valid():
        d = form.cleaned_data
        branch = next((b for b in branches if str(b.pk) == str(d["branch"])), None)
        fields = {
            "kind": d["kind"],
            "date": d["date"],
            "hours": d["hours"],
            "topic": d["topic"],
            "speaker": d["speaker"],
            "speaker_role": d["speaker_role"],
            "start_time": d["start_time"],
            "end_time": d["end_time"],
            "branch": branch,
            "note": d["note"],
            "phase": d["phase"],
            "hours_by_person": {pk: h for pk, h in hours.items() if h and pk in ticked},
        }
        try:
            if session is None:
                saved = actions.record_session(
                    actor=request.user,
                    participation=rights.participation,
                    attendance=sorted(ticked),
                    token=d["token"],
                    **fields,
                )
                messages.success(request, f"已保存学习记录“{saved.topic}”，参加 {len(ticked)} 人。")
            else:
                saved = actions.edit_session(
                    actor=request.user,
                    session=session,
                    expected_version=d["version"],
                    attendance=sorted(ticked),
                    **fields,
                )
                messages.success(request, f"已修改学习记录“{saved.topic}”。")
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return _back(rights, "sessions", saved.phase)
    phase = (session.phase if session else None) or _phase(request, rights)
    session_hours = None
    try:
        session_hours = Decimal(str(form["hours"].value()))
    except Exception:  # noqa: BLE001 - an unparsable value shows the placeholder only
        session_hours = None
    return render(
        request,
        "records/session_form.html",
        _base(
            request,
            rights,
            phase,
            "sessions",
            form=form,
            session=session,
            rows=[(m, m.pk in ticked, hours.get(m.pk, "")) for m in people],
            ticked=len(ticked),
            session_hours=session_hours,
            reason_form=ReasonForm(initial={"version": session.version}) if session else None,
        ),
    )


@login_required
def session_new(request, participation_id):
    rights = get_rights(request.user, participation_id, "write_sessions")
    return _save_session(request, rights, None)


@login_required
def session_edit(request, participation_id, session_id):
    rights = get_rights(request.user, participation_id, "sessions")
    session = get_record_or_404(rights, StudySession, session_id)
    if not rights.write_sessions or not rights.may_write_branch(session.branch_id):
        return _session_view(request, rights, session)
    return _save_session(request, rights, session)


def _session_view(request, rights: Rights, session: StudySession):
    if request.method == "POST":
        raise Http404(NOT_FOUND)
    attendance = session.attendances.select_related("person__branch").order_by(
        "person__branch__path", "person__code"
    )
    return render(
        request,
        "records/session_detail.html",
        _base(
            request,
            rights,
            session.phase,
            "sessions",
            session=session,
            attendance=attendance,
            kind_name=kinds.session_kinds(rights.participation.campaign).get(
                session.kind, session.kind
            ),
        ),
    )


@login_required
@require_POST
def session_delete(request, participation_id, session_id):
    rights = get_rights(request.user, participation_id, "write_sessions")
    session = get_record_or_404(rights, StudySession, session_id, write_branch=True)
    if not rights.may_write_branch(session.branch_id):
        raise Http404(NOT_FOUND)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "删除学习记录须写明理由。")
        return redirect(f"/records/{rights.participation.pk}/sessions/{session.pk}/")
    try:
        actions.delete_session(
            actor=request.user,
            session=session,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"/records/{rights.participation.pk}/sessions/{session.pk}/")
    messages.success(request, f"已删除学习记录“{session.topic}”。")
    return _back(rights, "sessions", session.phase)


# --- meetings ---------------------------------------------------------------------------------


@login_required
def meeting_list(request, participation_id):
    rights = get_rights(request.user, participation_id, "sessions")
    phase = _phase(request, rights)
    items = selectors.meetings(rights.participation, phase, branch_ids=_session_scope(rights))
    return render(
        request,
        "records/meetings.html",
        _base(
            request,
            rights,
            phase,
            "meetings",
            items=items,
            kind_names=kinds.meeting_kinds(rights.participation.campaign),
        ),
    )


@login_required
def meeting_export(request, participation_id):
    rights = get_rights(request.user, participation_id, "sessions")
    phase = _phase(request, rights)
    names = kinds.meeting_kinds(rights.participation.campaign)
    roles = dict(SpeakerRole.choices)
    rows = (
        (
            m.date,
            names.get(m.kind, m.kind),
            m.title,
            m.speaker,
            roles.get(m.speaker_role, ""),
            "、".join(b.name for b in m.branches.all()) or "全单位",
            m.attendees,
            "是" if m.attended_by_group else "否",
            m.note,
        )
        for m in selectors.meetings(rights.participation, phase, branch_ids=_session_scope(rights))
    )
    return _xlsx_response(
        "会议记录",
        f"会议记录-{rights.participation.unit_name}",
        [
            "日期",
            "会议类型",
            "会议名称",
            "主讲人",
            "主讲人身份",
            "参加支部",
            "参会人数",
            f"{terms_of(rights.participation)['group']}到会",
            "会议情况",
        ],
        rows,
    )


def _save_meeting(request, rights: Rights, meeting: Meeting | None):
    phase = _phase(request, rights)
    branches = _unit_branches(rights) if rights.write_all else rights.branches
    people = _people(rights)
    initial = {"phase": phase, "token": new_token()}
    if meeting is not None:
        initial = {
            "phase": meeting.phase,
            "kind": meeting.kind,
            "date": meeting.date,
            "title": meeting.title,
            "speaker": meeting.speaker,
            "speaker_role": meeting.speaker_role,
            "speaker_person": meeting.speaker_person_id or "",
            "branches": [b.pk for b in meeting.branches.all()],
            "attendees": meeting.attendees,
            "attended_by_group": meeting.attended_by_group,
            "note": meeting.note,
            "version": meeting.version,
        }
    form = MeetingForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        participation=rights.participation,
        branches=branches,
        people=people,
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        fields = {
            "kind": d["kind"],
            "date": d["date"],
            "title": d["title"],
            "speaker": d["speaker"],
            "speaker_role": d["speaker_role"],
            "speaker_person": _pick(people, d["speaker_person"]),
            "branches": [b for b in branches if b.pk in set(d["branches"])],
            "attendees": d["attendees"] or 0,
            "attended_by_group": d["attended_by_group"],
            "note": d["note"],
            "phase": d["phase"],
        }
        try:
            if meeting is None:
                saved = actions.record_meeting(
                    actor=request.user,
                    participation=rights.participation,
                    token=d["token"],
                    **fields,
                )
            else:
                saved = actions.edit_meeting(
                    actor=request.user, meeting=meeting, expected_version=d["version"], **fields
                )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"已保存会议记录“{saved.title}”。")
            return _back(rights, "meetings", saved.phase)
    return render(
        request,
        "records/record_form.html",
        _base(
            request,
            rights,
            meeting.phase if meeting else phase,
            "meetings",
            form=form,
            title=f"修改会议记录：{meeting.title}" if meeting else "登记会议",
        ),
    )


@login_required
def meeting_new(request, participation_id):
    rights = get_rights(request.user, participation_id, "write_sessions")
    return _save_meeting(request, rights, None)


@login_required
def meeting_edit(request, participation_id, meeting_id):
    rights = get_rights(request.user, participation_id, "write_sessions")
    meeting = get_record_or_404(rights, Meeting, meeting_id, write_branch=not rights.write_all)
    return _save_meeting(request, rights, meeting)


# --- knowledge tests --------------------------------------------------------------------------


@login_required
def test_list(request, participation_id):
    rights = get_rights(request.user, participation_id, "read")
    phase = _phase(request, rights)
    items = selectors.tests(rights.participation, phase)
    return render(
        request, "records/tests.html", _base(request, rights, phase, "tests", items=items)
    )


@login_required
def test_new(request, participation_id):
    rights = get_rights(request.user, participation_id, "write")
    phase = _phase(request, rights)
    form = TestForm(
        request.POST if request.method == "POST" else None,
        initial={"phase": phase, "token": new_token()},
        participation=rights.participation,
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            test = actions.record_test(
                actor=request.user,
                participation=rights.participation,
                date=d["date"],
                title=d["title"],
                full_score=d["full_score"],
                pass_score=d["pass_score"],
                phase=d["phase"],
                token=d["token"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"已登记“{test.title}”，请录入成绩。")
            return redirect(f"/records/{rights.participation.pk}/tests/{test.pk}/")
    return render(
        request,
        "records/record_form.html",
        _base(request, rights, phase, "tests", form=form, title="登记知识检测"),
    )


@login_required
def test_scores(request, participation_id, test_id):
    """The score grid: every member with a score or an absence reason."""
    rights = get_rights(request.user, participation_id, "read")
    test = get_record_or_404(rights, KnowledgeTest, test_id)
    people = _people(rights)
    current = {r.person_id: r for r in test.results.all()}
    error = ""
    if request.method == "POST":
        if not rights.write_all:
            raise Http404(NOT_FOUND)
        results = [
            (
                p.pk,
                request.POST.get(f"score_{p.pk}", "").strip(),
                request.POST.get(f"reason_{p.pk}", "").strip(),
            )
            for p in people
        ]
        try:
            actions.enter_test_results(
                actor=request.user,
                test=test,
                results=results,
                expected_version=request.POST.get("version") or None,
            )
        except DomainError as exc:
            error = exc.message
            posted = {pk: (s, r) for pk, s, r in results}
        else:
            messages.success(request, "成绩已保存。")
            return redirect(f"/records/{rights.participation.pk}/tests/{test.pk}/")
    else:
        posted = {
            pk: ("" if r.score is None else f"{r.score.normalize():f}", r.absence_reason)
            for pk, r in current.items()
        }
    rows = [(p, *posted.get(p.pk, ("", ""))) for p in people]
    scored = sum(1 for r in current.values() if r.score is not None)
    return render(
        request,
        "records/test_scores.html",
        _base(
            request,
            rights,
            test.phase,
            "tests",
            test=test,
            rows=rows,
            error=error,
            scored=scored,
            absent=len(current) - scored,
        ),
    )


@login_required
def test_export(request, participation_id, test_id):
    rights = get_rights(request.user, participation_id, "read")
    test = get_record_or_404(rights, KnowledgeTest, test_id)
    current = {r.person_id: r for r in test.results.all()}
    rows = []
    for p in selectors.members(rights.participation):
        r = current.get(p.pk)
        rows.append(
            (
                p.code,
                p.name,
                p.branch.name,
                float(r.score) if r and r.score is not None else None,
                r.absence_reason if r else "",
            )
        )
    return _xlsx_response(
        "检测成绩",
        f"检测成绩-{test.title}",
        ["人员编号", "姓名", "支部", "成绩", "缺考原因"],
        rows,
    )


@login_required
def test_list_export(request, participation_id):
    rights = get_rights(request.user, participation_id, "read")
    phase = _phase(request, rights)
    rows = (
        (t.date, t.title, t.full_score, t.pass_score, t.n_scored, t.n_absent)
        for t in selectors.tests(rights.participation, phase)
    )
    return _xlsx_response(
        "知识检测",
        f"知识检测-{rights.participation.unit_name}",
        ["日期", "名称", "满分", "及格分", "参加人数", "缺考人数"],
        rows,
    )


# --- simple records: activities, talks, problems, criticisms ---------------------------------


def _simple_new(request, rights, section, form_class, title, save, **form_kwargs):
    phase = _phase(request, rights)
    form = form_class(
        request.POST if request.method == "POST" else None,
        initial={"phase": phase, "token": new_token()},
        participation=rights.participation,
        **form_kwargs,
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = save(form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "已保存。")
            return _back(rights, section, record.phase)
    return render(
        request,
        "records/record_form.html",
        _base(request, rights, phase, section, form=form, title=title),
    )


@login_required
def activity_list(request, participation_id):
    rights = get_rights(request.user, participation_id, "read")
    phase = _phase(request, rights)
    items = selectors.activities(rights.participation, phase)
    return render(
        request,
        "records/activities.html",
        _base(request, rights, phase, "activities", items=items),
    )


@login_required
def activity_export(request, participation_id):
    rights = get_rights(request.user, participation_id, "read")
    phase = _phase(request, rights)
    labels = dict(ActivityKind.choices)
    rows = (
        (
            a.date,
            labels.get(a.kind, a.kind),
            a.count,
            a.person.name if a.person else "",
            a.description,
        )
        for a in selectors.activities(rights.participation, phase)
    )
    return _xlsx_response(
        "好人好事与活动",
        f"好人好事与活动-{rights.participation.unit_name}",
        ["日期", "类别", "件数", "当事党员", "事迹或活动内容"],
        rows,
    )


@login_required
def activity_new(request, participation_id):
    rights = get_rights(request.user, participation_id, "write")
    people = _people(rights)

    def save(d):
        return actions.record_activity(
            actor=request.user,
            participation=rights.participation,
            kind=d["kind"],
            date=d["date"],
            description=d["description"],
            count=d["count"],
            person=_pick(people, d["person"]),
            phase=d["phase"],
            token=d["token"],
        )

    return _simple_new(
        request, rights, "activities", ActivityForm, "登记好人好事与活动", save, people=people
    )


@login_required
def exemption_list(request, participation_id):
    rights = get_rights(request.user, participation_id, "read")
    phase = _phase(request, rights)
    items = list(selectors.exemptions(rights.participation, phase))
    names = {r["code"]: r["name"] for r in kinds.requirements(rights.participation.campaign, phase)}
    for e in items:
        e.requirement_name = names.get(e.requirement, e.requirement)
    return render(
        request,
        "records/exemptions.html",
        _base(
            request,
            rights,
            phase,
            "exemptions",
            items=items,
            can_exempt=bool(kinds.exemptable(rights.participation.campaign, phase)),
        ),
    )


@login_required
def exemption_export(request, participation_id):
    rights = get_rights(request.user, participation_id, "read")
    phase = _phase(request, rights)
    names = {r["code"]: r["name"] for r in kinds.requirements(rights.participation.campaign, phase)}
    labels = dict(ExemptionReason.choices)
    rows = (
        (
            e.person.code,
            e.person.name,
            names.get(e.requirement, e.requirement),
            labels.get(e.reason, e.reason),
            e.explanation,
            timezone.localtime(e.created_at).strftime("%Y-%m-%d"),
            "已撤销" if e.withdrawn_at else "有效",
            e.withdraw_reason,
        )
        for e in selectors.exemptions(rights.participation, phase)
    )
    return _xlsx_response(
        "免于要求登记",
        f"免于要求登记-{rights.participation.unit_name}",
        ["人员编号", "姓名", "免于的要求", "原因类别", "情况说明", "登记日期", "状态", "撤销原因"],
        rows,
    )


@login_required
def exemption_new(request, participation_id):
    rights = get_rights(request.user, participation_id, "write")
    people = _people(rights)
    phase = _phase(request, rights)

    def save(d):
        return actions.record_exemption(
            actor=request.user,
            participation=rights.participation,
            person=_pick(people, d["person"]),
            requirement=d["requirement"],
            reason=d["reason"],
            explanation=d["explanation"],
            phase=d["phase"],
        )

    return _simple_new(
        request,
        rights,
        "exemptions",
        ExemptionForm,
        "登记免于要求",
        save,
        people=people,
        phase=phase,
    )


@login_required
@require_POST
def exemption_withdraw(request, participation_id, exemption_id):
    rights = get_rights(request.user, participation_id, "write")
    exemption = Exemption.objects.filter(
        pk=exemption_id if str(exemption_id).isdigit() else 0, participation=rights.participation
    ).first()
    if exemption is None:
        raise Http404(NOT_FOUND)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "撤销免于要求须写明理由。")
    else:
        try:
            actions.withdraw_exemption(
                actor=request.user, exemption=exemption, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已撤销{exemption.person.name}的免于要求登记。")
    return _back(rights, "exemptions", exemption.phase)


@login_required
def talk_list(request, participation_id):
    rights = get_rights(request.user, participation_id, "read")
    phase = _phase(request, rights)
    return render(
        request,
        "records/talks.html",
        _base(
            request,
            rights,
            phase,
            "talks",
            items=selectors.talks(rights.participation, phase),
            problems=selectors.problems(rights.participation, phase),
            criticisms=selectors.criticisms(rights.participation, phase),
        ),
    )


@login_required
def talk_export(request, participation_id):
    rights = get_rights(request.user, participation_id, "read")
    phase = _phase(request, rights)
    rows = (
        (
            t.round_number,
            t.date,
            t.get_form_display(),
            t.initiator.name,
            "、".join(p.name for p in t.participants.all()),
            t.summary,
        )
        for t in selectors.talks(rights.participation, phase)
    )
    return _xlsx_response(
        "谈心谈话",
        f"谈心谈话-{rights.participation.unit_name}",
        ["轮次", "日期", "形式", "谈话人", "谈话对象", "谈话要点"],
        rows,
    )


@login_required
def problem_export(request, participation_id):
    rights = get_rights(request.user, participation_id, "read")
    phase = _phase(request, rights)
    rows = (
        (p.person.name if p.person else "领导班子", p.get_source_display(), p.text)
        for p in selectors.problems(rights.participation, phase)
    )
    return _xlsx_response(
        "查摆问题",
        f"查摆问题-{rights.participation.unit_name}",
        ["查摆人", "来源", "问题"],
        rows,
    )


@login_required
def criticism_export(request, participation_id):
    rights = get_rights(request.user, participation_id, "read")
    phase = _phase(request, rights)
    rows = (
        (c.critic.name, c.target.name, str(c.meeting) if c.meeting else "", c.text)
        for c in selectors.criticisms(rights.participation, phase)
    )
    return _xlsx_response(
        "批评意见",
        f"批评意见-{rights.participation.unit_name}",
        ["提出人", "被批评人", "会议", "批评意见"],
        rows,
    )


@login_required
def talk_new(request, participation_id):
    rights = get_rights(request.user, participation_id, "write")
    people = _people(rights)

    def save(d):
        return actions.record_talk(
            actor=request.user,
            participation=rights.participation,
            round_number=d["round_number"],
            date=d["date"],
            form=d["form"],
            initiator=_pick(people, d["initiator"]),
            participants=[_pick(people, pk) for pk in d["participants"]],
            summary=d["summary"],
            phase=d["phase"],
            token=d["token"],
        )

    return _simple_new(
        request, rights, "talks", TalkRecordForm, "登记谈心谈话", save, people=people
    )


@login_required
def problem_new(request, participation_id):
    rights = get_rights(request.user, participation_id, "write")
    people = _people(rights)

    def save(d):
        return actions.record_problem(
            actor=request.user,
            participation=rights.participation,
            text=d["text"],
            source=d["source"],
            person=_pick(people, d["person"]),
            phase=d["phase"],
            token=d["token"],
        )

    return _simple_new(request, rights, "talks", ProblemForm, "登记查摆问题", save, people=people)


@login_required
def criticism_new(request, participation_id):
    rights = get_rights(request.user, participation_id, "write")
    people = _people(rights)
    meetings = list(Meeting.objects.filter(participation=rights.participation).order_by("-date"))

    def save(d):
        return actions.record_criticism(
            actor=request.user,
            participation=rights.participation,
            critic=_pick(people, d["critic"]),
            target=_pick(people, d["target"]),
            text=d["text"],
            meeting=next((m for m in meetings if m.pk == d["meeting"]), None),
            phase=d["phase"],
            token=d["token"],
        )

    return _simple_new(
        request,
        rights,
        "talks",
        CriticismForm,
        "登记批评意见",
        save,
        people=people,
        meetings=meetings,
    )


# --- Excel import -----------------------------------------------------------------------------


def _import_page(request, rights, *, section, title, template_url, run, back):
    phase = _phase(request, rights)
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = run(upload.read(), form.cleaned_data["only_valid"], phase)
        except (FileRejected, DomainError) as exc:
            form.add_error("file", importing.reject_message(exc))
        else:
            if outcome.imported:
                messages.success(request, f"导入完成：{outcome.summary}。")
                if not outcome.problems:
                    return redirect(back)
    return render(
        request,
        "records/import.html",
        _base(
            request,
            rights,
            phase,
            section,
            form=form,
            outcome=outcome,
            title=title,
            template_url=template_url,
        ),
    )


@login_required
def attendance_import(request, participation_id):
    rights = get_rights(request.user, participation_id, "write")
    pid = rights.participation.pk

    def run(data, only_valid, phase):
        return importing.import_attendance(
            actor=request.user,
            participation=rights.participation,
            data=data,
            phase=phase,
            only_valid=only_valid,
        )

    return _import_page(
        request,
        rights,
        section="sessions",
        title="导入学习记录和出勤",
        template_url=f"/records/{pid}/import/attendance/template.xlsx",
        run=run,
        back=f"/records/{pid}/sessions/?phase={quote(_phase(request, rights))}",
    )


@login_required
def attendance_template(request, participation_id):
    rights = get_rights(request.user, participation_id, "write")
    return _bytes_response(
        importing.attendance_template(rights.participation), "学习记录和出勤导入模板.xlsx"
    )


@login_required
def scores_import(request, participation_id, test_id):
    rights = get_rights(request.user, participation_id, "write")
    test = get_record_or_404(rights, KnowledgeTest, test_id)
    pid = rights.participation.pk

    def run(data, only_valid, phase):
        return importing.import_scores(
            actor=request.user, test=test, data=data, only_valid=only_valid
        )

    return _import_page(
        request,
        rights,
        section="tests",
        title=f"导入成绩：{test.title}",
        template_url=f"/records/{pid}/tests/{test.pk}/template.xlsx",
        run=run,
        back=f"/records/{pid}/tests/{test.pk}/",
    )


@login_required
def scores_template(request, participation_id, test_id):
    rights = get_rights(request.user, participation_id, "write")
    test = get_record_or_404(rights, KnowledgeTest, test_id)
    return _bytes_response(importing.scores_template(test), f"成绩导入模板-{test.title}.xlsx")


# --- study notes (documents of kind study_note in the reviews app) ---------------------------


@login_required
def notes(request, participation_id):
    rights = get_rights(request.user, participation_id, "read")
    phase = _phase(request, rights)
    from dudao.reviews.models import Document, DocumentStatus, DocumentVersion

    docs = list(
        Document.objects.filter(
            participation=rights.participation, phase=phase, kind=selectors.STUDY_NOTE
        )
        .exclude(status=DocumentStatus.DRAFT)
        .select_related("author")
        .order_by("author_id", "-last_submitted_at")
    )
    latest = {}
    for v in DocumentVersion.objects.filter(document__in=docs).order_by("document_id", "number"):
        latest[v.document_id] = v
    by_author: dict[int, list] = {}
    for d in docs:
        d.latest = latest.get(d.pk)
        by_author.setdefault(d.author_id, []).append(d)
    rows = [(m, by_author.get(m.pk, [])) for m in selectors.members(rights.participation)]
    return render(
        request,
        "records/notes.html",
        _base(
            request,
            rights,
            phase,
            "notes",
            rows=rows,
            total=len(docs),
            writers=sum(1 for _m, d in rows if d),
        ),
    )


@login_required
def note_new(request, participation_id):
    """The unit enters a note on a member's behalf; a member enters his own."""
    from .forms import StudyNoteForm

    rights = get_rights(request.user, participation_id, "own")
    if not rights.write_all and rights.person is None:
        raise Http404(NOT_FOUND)
    people = _people(rights) if rights.write_all else [rights.person]
    form = StudyNoteForm(
        request.POST or None,
        request.FILES or None,
        people=people,
        initial={"author": request.GET.get("author") or people[0].pk if people else None},
    )
    if request.method == "POST" and form.is_valid():
        from dudao.reviews.actions import submit_document

        d = form.cleaned_data
        try:
            doc = submit_document(
                actor=request.user,
                participation=rights.participation,
                kind=selectors.STUDY_NOTE,
                author=_pick(people, d["author"]),
                title=d["title"],
                text=d["text"],
                upload=d["upload"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"已提交“{doc.title}”。")
            if rights.read_all:
                return _back(rights, "notes", doc.phase)
            return redirect(f"/records/{rights.participation.pk}/me/")
    return render(
        request,
        "records/note_form.html",
        _base(
            request,
            rights,
            rights.participation.current_phase,
            "notes" if rights.read_all else "own",
            form=form,
        ),
    )
