"""Checks every record action shares: the phase a record goes into and whether it is still
open, members of the unit, hours, stale edits and one-time form tokens, and the audit event.

Frozen evidence (issue 10.1): a phase the unit has left (its transition was approved, so the
participation's current phase is later in the template's order) and every phase of a
participation that ended are read-only. Changing such a record is a correction
(``actions.correct_record``), never an edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from dudao.campaigns.models import CampaignStatus, Participation
from dudao.core.audit import record_event
from dudao.core.errors import ConflictError, DomainError
from dudao.orgs.models import Organisation, Person

from . import kinds

ONE_DECIMAL = Decimal("0.1")


class FrozenError(DomainError):
    """The record belongs to a phase whose evidence is frozen."""


def audit(actor, action: str, record, participation: Participation, *, reason="", data=None):
    record_event(
        actor=actor,
        action=action,
        target=record,
        campaign_id=participation.campaign_id,
        organisation_id=participation.unit_id,
        reason=reason,
        data=data or {},
    )


def has_ended(participation: Participation) -> bool:
    """The unit finished the campaign (its last transition was approved) or the campaign is
    over. The end row lives with the transitions (reverse accessor, no import of that app)."""
    if participation.campaign.status == CampaignStatus.FINISHED:
        return True
    return hasattr(participation, "transition_end")


def frozen_reason(participation: Participation, phase: str) -> str:
    """Why records of ``phase`` can no longer be changed, in Chinese; "" while they can."""
    campaign = participation.campaign
    name = kinds.phase_name(campaign, phase)
    if has_ended(participation):
        return (
            f"{participation.unit_name}的集中教育已经结束，“{name}”阶段的记录已封存，"
            "不能再修改、删除或补录；确需更正的，请由单位主要负责人或联络员写明理由提交更正。"
        )
    codes = kinds.phase_codes(campaign)
    current = participation.current_phase
    if phase in codes and current in codes and codes.index(phase) < codes.index(current):
        return (
            f"“{name}”阶段的转段已经批准，该阶段的记录是批准的依据，已封存，"
            "不能再修改、删除或补录；确需更正的，请由单位主要负责人或联络员写明理由提交更正。"
        )
    return ""


def check_open(participation: Participation, phase: str) -> None:
    reason = frozen_reason(participation, phase)
    if reason:
        raise FrozenError(reason, code="frozen")


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


def hours_value(value, what: str, *, maximum: Decimal = Decimal(24)) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(ONE_DECIMAL)
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(f"{what}应为数字（如 2 或 2.5），实际为“{value}”。") from None
    if hours <= 0 or hours > maximum:
        raise DomainError(f"{what}应大于 0 且不超过 {maximum} 小时，实际为 {hours}。")
    return hours


def integer(value, what: str, *, minimum: int = 0) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError(f"{what}应为整数。") from None
    if number < minimum:
        raise DomainError(f"{what}不能小于 {minimum}。")
    return number


def required(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(f"请填写{what}。")
    return value


def choice(value: str, choices, what: str) -> str:
    if value not in choices:
        raise DomainError(f"请选择{what}。")
    return value


def branch_of_unit(participation: Participation, branch: Organisation | None):
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


def member(participation: Participation, person: Person | None) -> Person | None:
    if person is not None:
        check_members(participation, [person.pk])
    return person


def check_version(record, expected_version: int | None) -> None:
    """Refuse a stale edit: the form carried the version it started from."""
    if expected_version in (None, "") or int(expected_version) == record.version:
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


def saved_by(record, actor) -> None:
    record.version = F("version") + 1
    record.updated_by = actor if actor is not None and actor.is_authenticated else None


def existing(model, participation: Participation, token: str):
    if not token:
        return None
    return model.objects.filter(participation=participation, submit_token=token).first()


def create_once(model, participation: Participation, token: str, **fields):
    """Create with the form's token; when the same form was submitted twice at once, the
    second insert meets the unique constraint and answers the first one's record."""
    try:
        with transaction.atomic():
            return model.objects.create(
                participation=participation, submit_token=token or "", **fields
            ), True
    except IntegrityError:
        found = existing(model, participation, token)
        if found is None:
            raise
        return found, False


def lock(record):
    """The record again, locked for this transaction (``of=self``: PostgreSQL refuses FOR
    UPDATE on the nullable side of the outer join select_related("updated_by") adds)."""
    return (
        type(record)
        .objects.select_for_update(of=("self",))
        .select_related("updated_by", "participation__campaign__template")
        .get(pk=record.pk)
    )


def plain(value):
    """A value as the audit trail and the correction row keep it."""
    if isinstance(value, Organisation | Person):
        return value.pk
    if isinstance(value, list | tuple | set):
        return sorted(plain(v) for v in value)
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def local_date(moment):
    return timezone.localdate(moment)
