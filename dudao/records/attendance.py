"""A session's attendance: who was there and the hours each is credited (less than the
session's when he left early). Used by the session kind's save and by ``set_attendance``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from .checks import check_members, hours_value
from .models import Attendance, StudySession


def attendance_plan(
    session: StudySession,
    person_ids: Iterable[int],
    hours_by_person: Mapping[int, object] | None,
) -> dict[int, Decimal]:
    """{person id: hours credited}: the session's hours unless a member left early."""
    people = check_members(session.participation, person_ids, branch=session.branch)
    overrides = {int(k): v for k, v in (hours_by_person or {}).items() if v not in (None, "")}
    return {
        pk: hours_value(overrides[pk], f"{p.name}的计入学时", maximum=session.hours)
        if pk in overrides
        else session.hours
        for pk, p in people.items()
    }


def apply_attendance(session: StudySession, plan: dict[int, Decimal]) -> dict:
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
