"""Every write to a unit's records (DOMAIN.md §3.2, §3.4, §3.5), for every kind of the registry.

Each action takes keyword-only arguments and an explicit ``actor``, runs in one transaction and
writes its audit event in it. The rules (``checks``, ``rules``):

* a record goes into the participation's current phase; a phase the unit has left is frozen
  (its transition approved, or the participation ended): no create, edit or delete there, only
  ``correct_record`` with a reason, kept as a ``RecordCorrection``;
* every person named must be a member of the unit; a branch session's attendees must be
  members of that branch (the kinds' ``clean`` in ``definitions``);
* an edit names the ``expected_version`` it started from and is refused with
  ``ConflictError`` when someone else saved in between;
* a create with a form's one-time ``token`` returns the record already made with it, so a
  double submit makes one record;
* only the unit (and a branch secretary for his branch's sessions and meetings) writes — the
  supervision group checks records, it does not keep them (seed 000/004 "指导不包办").

The ``record_<kind>`` / ``edit_<kind>`` functions are the named entry points other apps and
the demo call; each hands its keyword arguments to the generic action as the kind's data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.db import transaction

from dudao.campaigns.models import Participation
from dudao.core.errors import DomainError

from . import checks, rules
from .access import check_writer
from .attendance import apply_attendance, attendance_plan
from .checks import (
    ConflictError,
    audit,
    check_members,
    check_open,
    check_version,
    plain,
    resolve_phase,
)
from .exemptions import (
    confirm_exemption,
    propose_exemption,
    refuse_exemption,
    withdraw_exemption,
)
from .models import (
    CorrectionOperation,
    Exemption,
    KnowledgeTest,
    RecordCorrection,
    StudySession,
    TestResult,
)
from .registry import RecordKind, get_kind

__all__ = [
    "ConflictError",
    "check_members",
    "confirm_exemption",
    "correct_record",
    "create_record",
    "delete_record",
    "edit_record",
    "refuse_exemption",
    "resolve_phase",
    "withdraw_exemption",
]

ONE_DECIMAL = Decimal("0.1")


def _kind(kind) -> RecordKind:
    return kind if isinstance(kind, RecordKind) else get_kind(kind)


def record_data(kind, record) -> dict:
    """The data a kind's ``clean`` reads, as the record holds it now (the edit form's initial
    values and the starting point of a re-import's edit)."""
    kind = _kind(kind)
    data = {}
    for name in kind.form_class.base_fields:
        if name in ("phase", "token", "version"):
            continue
        value = getattr(record, name, None)
        if hasattr(value, "all"):
            value = list(value.all())
        data[name] = value
    return data


def _changed(record, fields: dict) -> dict:
    return {
        k: [plain(getattr(record, k)), plain(v)]
        for k, v in fields.items()
        if plain(getattr(record, k)) != plain(v)
    }


def _snapshot(kind: RecordKind, record) -> dict:
    data = {k: plain(v) for k, v in record_data(kind, record).items()}
    data["phase"] = record.phase
    if kind.snapshot is not None:
        data.update(kind.snapshot(record))
    return data


@transaction.atomic
def create_record(
    kind, *, actor, participation: Participation, data: dict, phase=None, token: str = ""
):
    """Create one record of ``kind`` from its data (the keys its form has; people, branches
    and meetings as objects)."""
    kind = _kind(kind)
    if kind.create is not None:
        return kind.create(
            actor=actor, participation=participation, data=data, phase=phase, token=token
        )
    check_writer(actor, participation, branch_ids=kind.writer_branches(data))
    found = checks.existing(kind.model, participation, token)
    if found is not None:
        return found
    phase = resolve_phase(participation, phase)
    check_open(participation, phase)
    fields = kind.clean(participation, data, None)
    record, created = checks.create_once(
        kind.model,
        participation,
        token,
        phase=phase,
        created_by=actor,
        updated_by=actor,
        **fields,
    )
    if not created:
        return record
    related = kind.relate(record, data, None) if kind.relate else {}
    event = {"phase": phase, **{k: plain(v) for k, v in fields.items()}}
    event.update(related)
    audit(actor, f"{kind.audit_prefix}.create", record, participation, data=event)
    return record


def _apply(kind: RecordKind, record, *, actor, data: dict, phase: str) -> tuple[dict, dict]:
    """Set the record's fields from ``data`` (the caller locked it); (changes, related)."""
    participation = record.participation
    check_writer(actor, participation, branch_ids=kind.writer_branches(data))
    fields = kind.clean(participation, data, record)
    fields["phase"] = phase
    changes = _changed(record, fields)
    before = {k: getattr(record, k) for k in fields}
    for k, v in fields.items():
        setattr(record, k, v)
    related = kind.relate(record, data, before) if kind.relate else {}
    if changes or related:
        checks.saved_by(record, actor)
        record.save()
    return changes, related


@transaction.atomic
def edit_record(kind, *, actor, record, expected_version, data: dict, phase=None):
    """Change a record of an open phase. Saving what it already holds changes nothing (no new
    version, no audit event)."""
    kind = _kind(kind)
    record = checks.lock(record)
    rules.require(rules.record_permits(actor, kind, record), "edit", record)
    check_version(record, expected_version)
    new_phase = resolve_phase(record.participation, phase or record.phase)
    check_open(record.participation, new_phase)
    changes, related = _apply(kind, record, actor=actor, data=data, phase=new_phase)
    if not changes and not related:
        return record
    audit(
        actor,
        f"{kind.audit_prefix}.edit",
        record,
        record.participation,
        data={"changes": changes, "related": related},
    )
    record.refresh_from_db()
    return record


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(f"{what}须写明理由（如“重复录入”“日期录错，已重新录入”）。")
    return reason[:300]


@transaction.atomic
def delete_record(kind, *, actor, record, reason: str, expected_version=None) -> None:
    """Delete a record of an open phase; the reason and what was deleted stay in the audit
    trail (留有痕迹)."""
    kind = _kind(kind)
    reason = _reason(reason, f"删除{kind.label}")
    if kind.remove is not None:
        kind.remove(actor=actor, record=record, reason=reason)
        return
    record = checks.lock(record)
    rules.require(rules.record_permits(actor, kind, record), "delete", record)
    check_version(record, expected_version)
    audit(
        actor,
        f"{kind.audit_prefix}.delete",
        record,
        record.participation,
        reason=reason,
        data=_snapshot(kind, record),
    )
    record.delete()


@transaction.atomic
def correct_record(
    kind,
    *,
    actor,
    record,
    reason: str,
    data: dict | None = None,
    delete: bool = False,
    expected_version=None,
) -> RecordCorrection | None:
    """Correct a record of a frozen phase (issue 10.1): change it (``data``) or delete it
    (``delete``), with a required reason, by the unit's head or liaison. The record keeps its
    phase; the correction row and the audit event say what changed and why, so the approval it
    rested on can be flagged "批准后改动". Nothing changed: no correction, answers None."""
    kind = _kind(kind)
    reason = _reason(reason, f"更正已封存的{kind.label}")
    record = checks.lock(record)
    participation = record.participation
    rules.require(rules.record_permits(actor, kind, record), "correct", record)
    check_version(record, expected_version)
    label = kind.describe(record)[:200]
    if delete:
        operation, changes = CorrectionOperation.DELETE, _snapshot(kind, record)
    else:
        operation = CorrectionOperation.EDIT
        changes, related = _apply(kind, record, actor=actor, data=data or {}, phase=record.phase)
        if related:
            changes["related"] = related
        if not changes:
            return None
    correction = RecordCorrection.objects.create(
        participation=participation,
        phase=record.phase,
        kind=kind.slug,
        record_id=record.pk,
        record_label=label,
        operation=operation,
        reason=reason,
        changes=changes,
        created_by=actor,
    )
    audit(
        actor,
        "records.correction",
        record,
        participation,
        reason=reason,
        data={"kind": kind.slug, "operation": operation, "phase": record.phase, "changes": changes},
    )
    if delete:
        record.delete()
    return correction


# --- named entry points (pages, imports, other apps and the demo call these) ----------------


def _creator(slug: str):
    def create(*, actor, participation, phase=None, token="", **data):
        return create_record(
            slug, actor=actor, participation=participation, data=data, phase=phase, token=token
        )

    create.__name__ = f"record_{slug}"
    create.__doc__ = f"Create a record of kind {slug!r}: the keyword arguments are its data."
    return create


def _editor(slug: str, name: str):
    def edit(*, actor, expected_version, phase=None, **data):
        record = data.pop(name)
        return edit_record(
            slug,
            actor=actor,
            record=record,
            expected_version=expected_version,
            data=data,
            phase=phase,
        )

    edit.__doc__ = f"Edit a record of kind {slug!r} passed as ``{name}``; the rest is its data."
    return edit


# ``attendance`` (person ids) and ``hours_by_person`` ride along in a session's data; an edit
# without ``attendance`` keeps the attendance as it is.
record_session = _creator("sessions")
edit_session = _editor("sessions", "session")
record_meeting = _creator("meetings")
edit_meeting = _editor("meetings", "meeting")
record_test = _creator("tests")
record_activity = _creator("activities")
record_talk = _creator("talks")
record_problem = _creator("problems")
record_criticism = _creator("criticisms")


def delete_session(*, actor, session, reason, expected_version=None) -> None:
    delete_record(
        "sessions", actor=actor, record=session, reason=reason, expected_version=expected_version
    )


def record_exemption(*, actor, participation, phase=None, **data) -> Exemption:
    """The unit proposes an exemption; it counts once its supervision group confirms it."""
    return propose_exemption(actor=actor, participation=participation, phase=phase, **data)


# --- attendance and scores (the parts of a session and a test entered as a grid) ------------


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
    session = checks.lock(session)
    rules.require(rules.record_permits(actor, get_kind("sessions"), session), "edit", session)
    check_version(session, expected_version)
    change = apply_attendance(session, attendance_plan(session, person_ids, hours_by_person))
    if not change:
        return session
    checks.saved_by(session, actor)
    session.save(update_fields=["version", "updated_by", "updated_at"])
    audit(actor, "records.attendance.set", session, session.participation, data=change)
    session.refresh_from_db()
    return session


def _score(value, test: KnowledgeTest, person) -> Decimal | None:
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
    test = checks.lock(test)
    participation = test.participation
    rules.require(rules.record_permits(actor, get_kind("tests"), test), "edit", test)
    check_version(test, expected_version)
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
    checks.saved_by(test, actor)
    test.save(update_fields=["version", "updated_by", "updated_at"])
    audit(actor, "records.test.results", test, participation, data=counts)
    test.refresh_from_db()
    return test
