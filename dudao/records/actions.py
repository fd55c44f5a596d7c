"""Every write to a unit's records (DOMAIN.md §3.2, §3.4, §3.5).

Each action takes keyword-only arguments and an explicit ``actor``, runs in one transaction and
writes its audit event in it. Rules kept here:

* a record goes into the participation's current phase unless ``phase`` names an earlier one
  (a later phase has not begun);
* every person named must be a member of the unit (``Person.unit == participation.unit``);
  a branch session's attendees must be members of that branch;
* an edit names the ``expected_version`` it started from and is refused with
  :class:`ConflictError` when someone else saved in between;
* a create with a form's one-time ``token`` returns the record already made with it, so a
  double submit makes one record;
* only the unit (and a branch secretary for his branch's sessions and meetings) writes — the
  supervision group checks records, it does not keep them (seed 000/004 "指导不包办").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from dudao.campaigns.models import Participation
from dudao.core.audit import record_event
from dudao.core.errors import ConflictError, DomainError
from dudao.orgs.models import Organisation, Person

from . import kinds
from .access import check_writer
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
    TestResult,
)

ONE_DECIMAL = Decimal("0.1")


# --- shared checks ----------------------------------------------------------------------------


def _audit(actor, action: str, record, participation: Participation, *, reason="", data=None):
    record_event(
        actor=actor,
        action=action,
        target=record,
        campaign_id=participation.campaign_id,
        organisation_id=participation.unit_id,
        reason=reason,
        data=data or {},
    )


def resolve_phase(participation: Participation, phase: str | None) -> str:
    """The phase a record goes into: the current one, or an earlier one the caller names."""
    current = participation.current_phase
    if not phase or phase == current:
        if not current:
            raise DomainError("本单位尚未进入任何阶段，不能录入记录。")
        return current
    codes = kinds.phase_codes(participation.campaign)
    if phase not in codes:
        raise DomainError(f"活动模板中没有“{phase}”这个阶段，请从列表中选择阶段。")
    if current in codes and codes.index(phase) > codes.index(current):
        name = kinds.phase_name(participation.campaign, phase)
        raise DomainError(f"“{name}”阶段尚未开始，只能录入当前阶段或此前阶段的记录。")
    return phase


def _hours(value, what: str, *, maximum: Decimal = Decimal(24)) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(ONE_DECIMAL)
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(f"{what}应为数字（如 2 或 2.5），实际为“{value}”。") from None
    if hours <= 0 or hours > maximum:
        raise DomainError(f"{what}应大于 0 且不超过 {maximum} 小时，实际为 {hours}。")
    return hours


def _required(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(f"请填写{what}。")
    return value


def _branch_of_unit(participation: Participation, branch: Organisation | None):
    if branch is not None and branch.unit_id != participation.unit_id:
        raise DomainError(f"“{branch.name}”不是本单位的党组织，请重新选择支部。")
    return branch


def check_members(
    participation: Participation,
    person_ids: Iterable[int],
    *,
    branch: Organisation | None = None,
) -> dict[int, Person]:
    """The named people, each a member of the unit (and of ``branch`` when given); refused
    with every outsider's name otherwise."""
    ids = {int(i) for i in person_ids}
    if not ids:
        return {}
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids).select_related("branch")}
    missing = sorted(ids - people.keys())
    if missing:
        raise DomainError(f"人员不存在（编号 {', '.join(map(str, missing))}），请刷新页面后重选。")
    outsiders = [p for p in people.values() if p.unit_id != participation.unit_id]
    if outsiders:
        names = "、".join(sorted(p.name for p in outsiders))
        raise DomainError(
            f"{names} 不是{participation.unit_name}的党员，不能记入本单位的记录，请去掉后再保存。"
        )
    if branch is not None:
        others = [p for p in people.values() if not p.branch.path.startswith(branch.path)]
        if others:
            names = "、".join(sorted(p.name for p in others))
            raise DomainError(
                f"{names} 不是{branch.name}的党员，支部的学习记录只能登记本支部党员，"
                f"请去掉后再保存，或改为全单位的学习记录。"
            )
    return people


# Row locks name ``of=("self",)``: PostgreSQL refuses FOR UPDATE on the nullable side of the
# outer joins that select_related("updated_by") adds.


def _check_version(record, expected_version: int | None) -> None:
    """Refuse a stale edit: the form carried the version it started from."""
    if expected_version is None or int(expected_version) == record.version:
        return
    who = "其他人"
    if getattr(record, "updated_by", None) is not None:
        user = record.updated_by
        who = (user.get_full_name() or user.username).strip()
    when = timezone.localtime(record.updated_at).strftime("%m月%d日 %H:%M")
    raise ConflictError(
        f"这条记录已被{who}于{when}修改（您打开时是第 {expected_version} 版，现在是第 "
        f"{record.version} 版）。为免覆盖他人的修改，本次未保存。请重新载入页面，核对后再修改。",
        code="stale",
    )


def _saved_by(record, actor) -> None:
    record.version = F("version") + 1
    record.updated_by = actor if actor is not None and actor.is_authenticated else None


def _existing(model, participation: Participation, token: str):
    if not token:
        return None
    return model.objects.filter(participation=participation, submit_token=token).first()


def _create_once(model, participation: Participation, token: str, **fields):
    """Create with the form's token; when the same form was submitted twice at once, the
    second insert meets the unique constraint and answers the first one's record."""
    try:
        with transaction.atomic():
            return model.objects.create(
                participation=participation, submit_token=token or "", **fields
            ), True
    except IntegrityError:
        existing = _existing(model, participation, token)
        if existing is None:
            raise
        return existing, False


def _reload(record):
    record.refresh_from_db()
    return record


# --- study sessions ---------------------------------------------------------------------------


def _session_fields(
    participation: Participation,
    *,
    kind: str,
    date: dt.date,
    hours,
    topic: str,
    speaker: str,
    speaker_role: str,
    start_time,
    end_time,
    branch,
    note: str,
) -> dict:
    session_kinds = kinds.session_kinds(participation.campaign)
    if kind not in session_kinds:
        shown = "、".join(session_kinds.values()) or "（模板未规定学习形式）"
        raise DomainError(f"学习形式“{kind}”不在本活动模板中，可选：{shown}。")
    if date is None:
        raise DomainError("请填写学习日期。")
    if speaker_role and speaker_role not in SpeakerRole.values:
        raise DomainError("主讲人身份不在可选范围内，请重新选择。")
    if start_time and end_time and end_time <= start_time:
        raise DomainError("结束时间应晚于开始时间。")
    return {
        "kind": kind,
        "date": date,
        "hours": _hours(hours, "学时"),
        "topic": _required(topic, "学习主题")[:200],
        "speaker": (speaker or "").strip()[:100],
        "speaker_role": speaker_role or "",
        "start_time": start_time,
        "end_time": end_time,
        "off_hours": kinds.is_off_hours(date, start_time, end_time),
        "branch": _branch_of_unit(participation, branch),
        "note": note or "",
    }


def _attendance_plan(
    session: StudySession,
    person_ids: Iterable[int],
    hours_by_person: Mapping[int, object] | None,
) -> dict[int, Decimal]:
    """{person id: hours credited}: the session's hours unless a member left early."""
    people = check_members(session.participation, person_ids, branch=session.branch)
    overrides = {int(k): v for k, v in (hours_by_person or {}).items() if v not in (None, "")}
    plan = {}
    for pk, person in people.items():
        if pk in overrides:
            plan[pk] = _hours(overrides[pk], f"{person.name}的计入学时", maximum=session.hours)
        else:
            plan[pk] = session.hours
    return plan


def _apply_attendance(session: StudySession, plan: dict[int, Decimal]) -> dict:
    """Make the session's attendance exactly ``plan``; returns what changed (empty: nothing)."""
    current = {a.person_id: a for a in session.attendances.all()}
    removed = [pk for pk in current if pk not in plan]
    added = [pk for pk in plan if pk not in current]
    changed = [pk for pk in plan if pk in current and current[pk].hours != plan[pk]]
    if removed:
        Attendance.objects.filter(session=session, person_id__in=removed).delete()
    Attendance.objects.bulk_create(
        [
            Attendance(
                session=session,
                person_id=pk,
                participation_id=session.participation_id,
                phase=session.phase,
                kind=session.kind,
                hours=plan[pk],
            )
            for pk in added
        ]
    )
    for pk in changed:
        Attendance.objects.filter(pk=current[pk].pk).update(hours=plan[pk])
    if not (removed or added or changed):
        return {}
    return {"added": len(added), "removed": len(removed), "changed": len(changed)}


@transaction.atomic
def record_session(
    *,
    actor,
    participation: Participation,
    kind: str,
    date: dt.date,
    hours,
    topic: str,
    speaker: str = "",
    speaker_role: str = "",
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    branch: Organisation | None = None,
    note: str = "",
    phase: str | None = None,
    attendance: Iterable[int] = (),
    hours_by_person: Mapping[int, object] | None = None,
    token: str = "",
) -> StudySession:
    """A study session with its attendance (person ids; optional per-person hours)."""
    check_writer(actor, participation, branch_ids={branch.pk} if branch else None)
    existing = _existing(StudySession, participation, token)
    if existing is not None:
        return existing
    fields = _session_fields(
        participation,
        kind=kind,
        date=date,
        hours=hours,
        topic=topic,
        speaker=speaker,
        speaker_role=speaker_role,
        start_time=start_time,
        end_time=end_time,
        branch=branch,
        note=note,
    )
    session, created = _create_once(
        StudySession,
        participation,
        token,
        phase=resolve_phase(participation, phase),
        created_by=actor,
        updated_by=actor,
        **fields,
    )
    if not created:
        return session
    plan = _attendance_plan(session, attendance, hours_by_person)
    _apply_attendance(session, plan)
    _audit(
        actor,
        "records.session.create",
        session,
        participation,
        data={
            "phase": session.phase,
            "kind": kind,
            "date": date.isoformat(),
            "hours": str(session.hours),
            "attendance": len(plan),
        },
    )
    return session


@transaction.atomic
def edit_session(
    *,
    actor,
    session: StudySession,
    expected_version: int | None,
    kind: str,
    date: dt.date,
    hours,
    topic: str,
    speaker: str = "",
    speaker_role: str = "",
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    branch: Organisation | None = None,
    note: str = "",
    phase: str | None = None,
    attendance: Iterable[int] | None = None,
    hours_by_person: Mapping[int, object] | None = None,
) -> StudySession:
    """Change a session (and, when ``attendance`` is given, its attendance). Attendance rows
    follow the session's phase and kind; members credited the full session get the new hours,
    and nobody keeps more hours than the session now has."""
    session = (
        StudySession.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(pk=session.pk)
    )
    participation = session.participation
    old_branch = {session.branch_id} if session.branch_id else None
    check_writer(actor, participation, branch_ids=old_branch)
    check_writer(actor, participation, branch_ids={branch.pk} if branch else None)
    _check_version(session, expected_version)
    fields = _session_fields(
        participation,
        kind=kind,
        date=date,
        hours=hours,
        topic=topic,
        speaker=speaker,
        speaker_role=speaker_role,
        start_time=start_time,
        end_time=end_time,
        branch=branch,
        note=note,
    )
    fields["phase"] = resolve_phase(participation, phase or session.phase)
    before = {k: getattr(session, k) for k in fields}
    changes = {
        k: [str(before[k]), str(v)]
        for k, v in fields.items()
        if (before[k].pk if isinstance(before[k], Organisation) else before[k])
        != (v.pk if isinstance(v, Organisation) else v)
    }
    old_hours = session.hours
    for k, v in fields.items():
        setattr(session, k, v)
    rows = Attendance.objects.filter(session=session)
    rows.update(phase=session.phase, kind=session.kind, participation_id=participation.pk)
    if session.hours != old_hours:
        rows.filter(hours=old_hours).update(hours=session.hours)
        rows.filter(hours__gt=session.hours).update(hours=session.hours)
    attendance_change = {}
    if attendance is not None:
        plan = _attendance_plan(session, attendance, hours_by_person)
        attendance_change = _apply_attendance(session, plan)
    elif "branch" in changes and session.branch is not None:
        # Attendees outside the new branch would make the branch's record wrong.
        check_members(participation, rows.values_list("person_id", flat=True), branch=branch)
    if not changes and not attendance_change:
        return session
    _saved_by(session, actor)
    session.save()
    _audit(
        actor,
        "records.session.edit",
        session,
        participation,
        data={"changes": changes, "attendance": attendance_change},
    )
    return _reload(session)


@transaction.atomic
def set_attendance(
    *,
    actor,
    session: StudySession,
    person_ids: Iterable[int],
    hours_by_person: Mapping[int, object] | None = None,
    expected_version: int | None = None,
) -> StudySession:
    """Make the attendance exactly these members. Setting the same list again changes nothing
    (no new version, no audit event)."""
    session = (
        StudySession.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(pk=session.pk)
    )
    check_writer(
        actor, session.participation, branch_ids={session.branch_id} if session.branch_id else None
    )
    _check_version(session, expected_version)
    plan = _attendance_plan(session, person_ids, hours_by_person)
    change = _apply_attendance(session, plan)
    if not change:
        return session
    _saved_by(session, actor)
    session.save(update_fields=["version", "updated_by", "updated_at"])
    _audit(actor, "records.attendance.set", session, session.participation, data=change)
    return _reload(session)


@transaction.atomic
def delete_session(
    *, actor, session: StudySession, reason: str, expected_version: int | None = None
) -> None:
    """Delete a session and its attendance; the reason and what was deleted stay in the audit
    trail (留有痕迹)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("删除学习记录须写明理由（如“重复录入”“日期录错，已重新录入”）。")
    session = (
        StudySession.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(pk=session.pk)
    )
    participation = session.participation
    check_writer(
        actor, participation, branch_ids={session.branch_id} if session.branch_id else None
    )
    _check_version(session, expected_version)
    attendees = list(session.attendances.values_list("person_id", "hours"))
    data = {
        "phase": session.phase,
        "kind": session.kind,
        "date": session.date.isoformat(),
        "topic": session.topic,
        "hours": str(session.hours),
        "attendance": [[pk, str(h)] for pk, h in attendees],
    }
    _audit(actor, "records.session.delete", session, participation, reason=reason, data=data)
    session.delete()


# --- meetings ---------------------------------------------------------------------------------


def _meeting_fields(
    participation,
    *,
    kind,
    date,
    title,
    speaker,
    speaker_role,
    speaker_person,
    attendees,
    attended_by_group,
    note,
) -> dict:
    meeting_kinds = kinds.meeting_kinds(participation.campaign)
    if kind not in meeting_kinds:
        shown = "、".join(meeting_kinds.values()) or "（模板未规定会议类型）"
        raise DomainError(f"会议类型“{kind}”不在本活动模板中，可选：{shown}。")
    if date is None:
        raise DomainError("请填写会议日期。")
    if speaker_role and speaker_role not in SpeakerRole.values:
        raise DomainError("主讲人身份不在可选范围内，请重新选择。")
    if speaker_person is not None:
        check_members(participation, [speaker_person.pk])
    try:
        attendees = int(attendees or 0)
    except (TypeError, ValueError):
        raise DomainError("参会人数应为整数。") from None
    if attendees < 0:
        raise DomainError("参会人数不能为负数。")
    speaker = (speaker or "").strip() or (speaker_person.name if speaker_person else "")
    return {
        "kind": kind,
        "date": date,
        "title": _required(title, "会议名称")[:200],
        "speaker": speaker[:100],
        "speaker_role": speaker_role or "",
        "speaker_person": speaker_person,
        "attendees": attendees,
        "attended_by_group": bool(attended_by_group),
        "note": note or "",
    }


def _meeting_branches(participation, branches) -> list[Organisation]:
    branches = list(branches or [])
    for b in branches:
        _branch_of_unit(participation, b)
    return branches


@transaction.atomic
def record_meeting(
    *,
    actor,
    participation: Participation,
    kind: str,
    date: dt.date,
    title: str,
    speaker: str = "",
    speaker_role: str = "",
    speaker_person: Person | None = None,
    branches: Iterable[Organisation] = (),
    attendees: int = 0,
    attended_by_group: bool = False,
    note: str = "",
    phase: str | None = None,
    token: str = "",
) -> Meeting:
    branches = _meeting_branches(participation, branches)
    check_writer(actor, participation, branch_ids={b.pk for b in branches} or None)
    existing = _existing(Meeting, participation, token)
    if existing is not None:
        return existing
    fields = _meeting_fields(
        participation,
        kind=kind,
        date=date,
        title=title,
        speaker=speaker,
        speaker_role=speaker_role,
        speaker_person=speaker_person,
        attendees=attendees,
        attended_by_group=attended_by_group,
        note=note,
    )
    meeting, created = _create_once(
        Meeting,
        participation,
        token,
        phase=resolve_phase(participation, phase),
        created_by=actor,
        updated_by=actor,
        **fields,
    )
    if not created:
        return meeting
    meeting.branches.set(branches)
    _audit(
        actor,
        "records.meeting.create",
        meeting,
        participation,
        data={"phase": meeting.phase, "kind": kind, "date": date.isoformat(), "title": title},
    )
    return meeting


@transaction.atomic
def edit_meeting(
    *,
    actor,
    meeting: Meeting,
    expected_version: int | None,
    kind: str,
    date: dt.date,
    title: str,
    speaker: str = "",
    speaker_role: str = "",
    speaker_person: Person | None = None,
    branches: Iterable[Organisation] = (),
    attendees: int = 0,
    attended_by_group: bool = False,
    note: str = "",
    phase: str | None = None,
) -> Meeting:
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(pk=meeting.pk)
    )
    participation = meeting.participation
    old = set(meeting.branches.values_list("pk", flat=True))
    check_writer(actor, participation, branch_ids=old or None)
    branches = _meeting_branches(participation, branches)
    check_writer(actor, participation, branch_ids={b.pk for b in branches} or None)
    _check_version(meeting, expected_version)
    fields = _meeting_fields(
        participation,
        kind=kind,
        date=date,
        title=title,
        speaker=speaker,
        speaker_role=speaker_role,
        speaker_person=speaker_person,
        attendees=attendees,
        attended_by_group=attended_by_group,
        note=note,
    )
    fields["phase"] = resolve_phase(participation, phase or meeting.phase)
    changes = {
        k: [str(getattr(meeting, k)), str(v)] for k, v in fields.items() if getattr(meeting, k) != v
    }
    new_branches = {b.pk for b in branches}
    if new_branches != old:
        changes["branches"] = [sorted(old), sorted(new_branches)]
    if not changes:
        return meeting
    for k, v in fields.items():
        setattr(meeting, k, v)
    _saved_by(meeting, actor)
    meeting.save()
    meeting.branches.set(branches)
    _audit(actor, "records.meeting.edit", meeting, participation, data={"changes": changes})
    return _reload(meeting)


# --- knowledge tests --------------------------------------------------------------------------


@transaction.atomic
def record_test(
    *,
    actor,
    participation: Participation,
    date: dt.date,
    title: str,
    full_score: int = 100,
    pass_score: int = 60,
    phase: str | None = None,
    token: str = "",
) -> KnowledgeTest:
    check_writer(actor, participation)
    existing = _existing(KnowledgeTest, participation, token)
    if existing is not None:
        return existing
    if date is None:
        raise DomainError("请填写检测日期。")
    if not (0 < int(full_score) <= 1000) or not (0 <= int(pass_score) <= int(full_score)):
        raise DomainError("满分应大于 0，及格分应在 0 与满分之间。")
    test, created = _create_once(
        KnowledgeTest,
        participation,
        token,
        phase=resolve_phase(participation, phase),
        date=date,
        title=_required(title, "检测名称")[:200],
        full_score=int(full_score),
        pass_score=int(pass_score),
        created_by=actor,
        updated_by=actor,
    )
    if created:
        _audit(
            actor,
            "records.test.create",
            test,
            participation,
            data={"phase": test.phase, "date": date.isoformat(), "title": test.title},
        )
    return test


def _score(value, test: KnowledgeTest, person: Person) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        score = Decimal(str(value)).quantize(ONE_DECIMAL)
    except (InvalidOperation, ValueError):
        raise DomainError(f"{person.name}的成绩应为数字，实际为“{value}”。") from None
    if score < 0 or score > test.full_score:
        raise DomainError(f"{person.name}的成绩应在 0 到 {test.full_score} 之间，实际为 {score}。")
    return score


@transaction.atomic
def enter_test_results(
    *,
    actor,
    test: KnowledgeTest,
    results: Iterable[tuple[int, object, str]],
    expected_version: int | None = None,
) -> KnowledgeTest:
    """``results``: (person id, score or None, absence reason) per member. A score, or an
    absence with its reason — not both; neither clears the member's entry. Members not named
    keep what they have; entering the same results again changes nothing."""
    test = (
        KnowledgeTest.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(pk=test.pk)
    )
    participation = test.participation
    check_writer(actor, participation)
    _check_version(test, expected_version)
    results = [(int(pk), score, (reason or "").strip()) for pk, score, reason in results]
    people = check_members(participation, [pk for pk, _s, _r in results])
    current = {r.person_id: r for r in test.results.all()}
    errors, counts = [], {"added": 0, "changed": 0, "cleared": 0}
    for pk, raw, reason in results:
        person = people[pk]
        try:
            score = _score(raw, test, person)
        except DomainError as exc:
            errors.append(exc.message)
            continue
        if score is not None and reason:
            errors.append(f"{person.name}既有成绩又有缺考原因，请只填其一。")
            continue
        old = current.get(pk)
        if score is None and not reason:
            if old is not None:
                old.delete()
                counts["cleared"] += 1
            continue
        if old is None:
            TestResult.objects.create(
                test=test, person_id=pk, score=score, absence_reason=reason[:200]
            )
            counts["added"] += 1
        elif old.score != score or old.absence_reason != reason[:200]:
            old.score, old.absence_reason = score, reason[:200]
            old.save(update_fields=["score", "absence_reason"])
            counts["changed"] += 1
    if errors:
        raise DomainError("成绩未保存：" + "；".join(errors))
    if not any(counts.values()):
        return test
    _saved_by(test, actor)
    test.save(update_fields=["version", "updated_by", "updated_at"])
    _audit(actor, "records.test.results", test, participation, data=counts)
    return _reload(test)


# --- activities, exemptions, talks, problems, criticisms ------------------------------------


@transaction.atomic
def record_activity(
    *,
    actor,
    participation: Participation,
    kind: str,
    date: dt.date,
    description: str,
    count: int = 1,
    person: Person | None = None,
    phase: str | None = None,
    token: str = "",
) -> Activity:
    check_writer(actor, participation)
    existing = _existing(Activity, participation, token)
    if existing is not None:
        return existing
    if kind not in ActivityKind.values:
        raise DomainError("请选择活动类别（好人好事、主题实践活动、为民办实事或其他活动）。")
    if date is None:
        raise DomainError("请填写日期。")
    try:
        count = int(count)
    except (TypeError, ValueError):
        raise DomainError("件数应为整数。") from None
    if count < 1:
        raise DomainError("件数至少为 1。")
    if person is not None:
        check_members(participation, [person.pk])
    activity, created = _create_once(
        Activity,
        participation,
        token,
        phase=resolve_phase(participation, phase),
        kind=kind,
        date=date,
        description=_required(description, "事迹或活动内容"),
        count=count,
        person=person,
        created_by=actor,
        updated_by=actor,
    )
    if created:
        _audit(
            actor,
            "records.activity.create",
            activity,
            participation,
            data={"phase": activity.phase, "kind": kind, "count": count},
        )
    return activity


@transaction.atomic
def record_exemption(
    *,
    actor,
    participation: Participation,
    person: Person,
    requirement: str,
    reason: str,
    explanation: str,
    phase: str | None = None,
) -> Exemption:
    """Exempt a member from one requirement of a phase. Only requirements whose template lists
    the reason in ``applies_to.exemptable_categories`` can be exempted. Recording the same
    exemption twice keeps one (natural key: phase, person, requirement)."""
    check_writer(actor, participation)
    phase = resolve_phase(participation, phase)
    check_members(participation, [person.pk])
    explanation = _required(explanation, "情况说明（如“外出务工，在广州”）")
    if reason not in ExemptionReason.values:
        raise DomainError("请选择免于要求的原因类别。")
    campaign = participation.campaign
    phase_reqs = {r["code"]: r for r in kinds.requirements(campaign, phase)}
    phase_name = kinds.phase_name(campaign, phase)
    if requirement not in phase_reqs:
        raise DomainError(f"“{phase_name}”阶段没有编码为“{requirement}”的要求，请重新选择。")
    req = phase_reqs[requirement]
    allowed = (req.get("applies_to") or {}).get("exemptable_categories") or []
    label = ExemptionReason(reason).label
    if reason not in allowed:
        if not allowed:
            raise DomainError(f"“{req['name']}”按活动模板不能免于，任何党员都须达到。")
        shown = "、".join(ExemptionReason(r).label for r in allowed if r in ExemptionReason.values)
        raise DomainError(f"“{req['name']}”按活动模板只能因{shown}免于，不能因“{label}”免于。")
    existing = (
        Exemption.objects.select_for_update(of=("self",))
        .filter(
            participation=participation,
            phase=phase,
            person=person,
            requirement=requirement,
            withdrawn_at__isnull=True,
        )
        .first()
    )
    if existing is not None:
        if existing.reason == reason:
            return existing
        raise DomainError(
            f"{person.name}已因“{existing.get_reason_display()}”免于“{req['name']}”。"
            "如需改变原因，请先撤销原登记。"
        )
    exemption = Exemption.objects.create(
        participation=participation,
        phase=phase,
        person=person,
        requirement=requirement,
        reason=reason,
        explanation=explanation[:300],
        created_by=actor,
    )
    _audit(
        actor,
        "records.exemption.create",
        exemption,
        participation,
        reason=explanation,
        data={"phase": phase, "person": person.code, "requirement": requirement, "reason": reason},
    )
    return exemption


@transaction.atomic
def withdraw_exemption(*, actor, exemption: Exemption, reason: str) -> Exemption:
    """Withdraw an exemption; the row is kept (withdrawn_at) for the archive."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("撤销免于要求须写明理由（如“已返回单位，参加补学”）。")
    exemption = (
        Exemption.objects.select_for_update(of=("self",))
        .select_related("withdrawn_by", "participation", "person")
        .get(pk=exemption.pk)
    )
    check_writer(actor, exemption.participation)
    if exemption.withdrawn_at is not None:
        by = exemption.withdrawn_by
        who = (by.get_full_name() or by.username) if by else "其他人"
        raise ConflictError(
            f"这条登记已被{who}于{timezone.localtime(exemption.withdrawn_at):%m月%d日 %H:%M}"
            "撤销，无需再撤销。请重新载入页面。"
        )
    exemption.withdrawn_at = timezone.now()
    exemption.withdrawn_by = actor
    exemption.withdraw_reason = reason[:300]
    exemption.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    _audit(
        actor,
        "records.exemption.withdraw",
        exemption,
        exemption.participation,
        reason=reason,
        data={"person": exemption.person.code, "requirement": exemption.requirement},
    )
    return exemption


@transaction.atomic
def record_talk(
    *,
    actor,
    participation: Participation,
    round_number: int,
    date: dt.date,
    form: str,
    initiator: Person,
    participants: Iterable[Person],
    summary: str = "",
    phase: str | None = None,
    token: str = "",
) -> Talk:
    check_writer(actor, participation)
    existing = _existing(Talk, participation, token)
    if existing is not None:
        return existing
    participants = list(participants)
    if form not in TalkForm.values:
        raise DomainError("请选择谈话形式（一对一、一对多、多对多）。")
    if not participants:
        raise DomainError("请至少选择一名谈话对象。")
    if initiator in participants:
        raise DomainError(f"谈话人{initiator.name}不能同时是谈话对象。")
    if form == TalkForm.ONE_TO_ONE and len(participants) != 1:
        raise DomainError("“一对一”谈话只能有一名谈话对象；多人请选“一对多”。")
    check_members(participation, [initiator.pk, *(p.pk for p in participants)])
    try:
        round_number = int(round_number)
    except (TypeError, ValueError):
        raise DomainError("轮次应为整数。") from None
    if round_number < 1:
        raise DomainError("轮次从 1 开始。")
    if date is None:
        raise DomainError("请填写谈话日期。")
    talk, created = _create_once(
        Talk,
        participation,
        token,
        phase=resolve_phase(participation, phase),
        round_number=round_number,
        date=date,
        form=form,
        initiator=initiator,
        summary=summary or "",
        created_by=actor,
        updated_by=actor,
    )
    if created:
        talk.participants.set(participants)
        _audit(
            actor,
            "records.talk.create",
            talk,
            participation,
            data={"phase": talk.phase, "round": round_number, "participants": len(participants)},
        )
    return talk


@transaction.atomic
def record_problem(
    *,
    actor,
    participation: Participation,
    text: str,
    source: str = FindingSource.SELF,
    person: Person | None = None,
    phase: str | None = None,
    token: str = "",
) -> ProblemFound:
    check_writer(actor, participation)
    existing = _existing(ProblemFound, participation, token)
    if existing is not None:
        return existing
    if source not in FindingSource.values:
        raise DomainError("请选择问题来源。")
    if person is not None:
        check_members(participation, [person.pk])
    problem, created = _create_once(
        ProblemFound,
        participation,
        token,
        phase=resolve_phase(participation, phase),
        text=_required(text, "查摆出的问题"),
        source=source,
        person=person,
        created_by=actor,
        updated_by=actor,
    )
    if created:
        _audit(
            actor,
            "records.problem.create",
            problem,
            participation,
            data={"phase": problem.phase, "source": source},
        )
    return problem


@transaction.atomic
def record_criticism(
    *,
    actor,
    participation: Participation,
    critic: Person,
    target: Person,
    text: str,
    meeting: Meeting | None = None,
    phase: str | None = None,
    token: str = "",
) -> Criticism:
    check_writer(actor, participation)
    existing = _existing(Criticism, participation, token)
    if existing is not None:
        return existing
    if critic.pk == target.pk:
        raise DomainError("提出人和被批评人不能是同一人（自我批评请记入查摆问题）。")
    check_members(participation, [critic.pk, target.pk])
    if meeting is not None and meeting.participation_id != participation.pk:
        raise DomainError("所选会议不是本单位的会议。")
    criticism, created = _create_once(
        Criticism,
        participation,
        token,
        phase=resolve_phase(participation, phase),
        critic=critic,
        target=target,
        text=_required(text, "批评意见"),
        meeting=meeting,
        created_by=actor,
        updated_by=actor,
    )
    if created:
        _audit(
            actor,
            "records.criticism.create",
            criticism,
            participation,
            data={"phase": criticism.phase, "critic": critic.code, "target": target.code},
        )
    return criticism
