"""Writes of the simple registers (seed 001 四(二)(三)(四)(六); seed 000) and of the look-back
(回头看, seed 001). Same shape as ``actions``: keyword-only, explicit actor, one transaction,
one audit event."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import record_event
from dudao.core.errors import AccessDenied, ConflictError, DomainError

from .access import INSPECTOR, OFFICE, UNIT, item_permits, participation_caps
from .actions import _lock, _required, apply_to_close
from .models import (
    ActionKind,
    AreaProgress,
    AreaStatus,
    CheckStatus,
    Extension,
    ItemStatus,
    LookBackEntry,
    LookBackOutcome,
    Regulation,
    SpecialAction,
)


def _unit_only(actor, participation, doing: str) -> None:
    if UNIT not in participation_caps(actor, participation):
        raise AccessDenied(f"只有本单位可以{doing}。", code="forbidden")


def _event(actor, action, target, participation, *, reason="", data=None):
    record_event(
        actor=actor,
        action=action,
        target=target,
        campaign_id=participation.campaign_id,
        organisation_id=participation.unit_id,
        reason=reason,
        data=data or {},
    )


@transaction.atomic
def register_regulation(
    *,
    actor,
    participation,
    title: str,
    adopted_on: dt.date,
    adopted_by: str,
    kind: str = "",
    items=(),
) -> Regulation:
    _unit_only(actor, participation, "登记建章立制")
    reg = Regulation.objects.create(
        participation=participation,
        title=_required(title, "制度名称"),
        kind=(kind or "").strip(),
        adopted_on=adopted_on,
        adopted_by=_required(adopted_by, "制定机关"),
        created_by=actor,
    )
    items = [i for i in items if i.participation_id == participation.pk]
    if items:
        reg.items.set(items)
    _event(
        actor,
        "rectification.register_regulation",
        reg,
        participation,
        data={"items": [i.pk for i in items]},
    )
    return reg


@transaction.atomic
def check_regulation(
    *, actor, regulation: Regulation, in_force: bool, note: str = ""
) -> Regulation:
    """A roving inspection group (or the office) marks a regulation in force or not (seed 000:
    "建立长效机制的工作进行检查督促"); "not in force" needs a note."""
    reg = (
        Regulation.objects.select_for_update()
        .select_related("participation__unit")
        .get(pk=regulation.pk)
    )
    if not participation_caps(actor, reg.participation) & {INSPECTOR, OFFICE}:
        raise AccessDenied("只有巡回检查组或活动办公室可以检查制度落实情况。", code="forbidden")
    note = (note or "").strip()
    if not in_force and not note:
        raise DomainError("认定未落实须写明检查意见。", code="reason_required")
    reg.check_status = CheckStatus.IN_FORCE if in_force else CheckStatus.NOT_IN_FORCE
    reg.check_note = note
    reg.checked_by = actor
    reg.checked_at = timezone.now()
    reg.save(update_fields=["check_status", "check_note", "checked_by", "checked_at"])
    _event(
        actor,
        "rectification.check_regulation",
        reg,
        reg.participation,
        reason=note,
        data={"status": reg.check_status},
    )
    return reg


@transaction.atomic
def record_special_action(
    *,
    actor,
    participation,
    kind: str,
    title: str,
    held_on: dt.date,
    people: int = 0,
    outcome: str = "",
    resolved: bool = False,
) -> SpecialAction:
    _unit_only(actor, participation, "登记专项行动")
    if kind not in ActionKind.values:
        raise DomainError("类别不正确。", code="invalid")
    if people < 0:
        raise DomainError("人数不能为负数。", code="invalid")
    action = SpecialAction.objects.create(
        participation=participation,
        kind=kind,
        title=_required(title, "名称"),
        held_on=held_on,
        people=people,
        outcome=(outcome or "").strip(),
        resolved=resolved,
        created_by=actor,
    )
    _event(actor, "rectification.record_special_action", action, participation, data={"kind": kind})
    return action


@transaction.atomic
def look_back_item(
    *, actor, item, outcome: str, note: str, new_deadline: dt.date | None = None
) -> LookBackEntry:
    """回头看 of one unsolved or explained item: solved (it goes to the close application, with
    evidence as ever), explained again (the new explanation replaces the shown one; the old is
    in the entry and the audit trail), or extended (an extension for the group to decide)."""
    locked = _lock(item)
    item_permits(actor, locked).require("look_back")
    note = _required(note, "回头看说明")
    if outcome not in LookBackOutcome.values:
        raise DomainError("回头看结果不正确。", code="invalid")
    before = locked.status
    if outcome != LookBackOutcome.EXPLAINED and locked.status == ItemStatus.EXPLAINED:
        locked.status = ItemStatus.OPEN
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated_at"])
    entry = LookBackEntry.objects.create(item=locked, outcome=outcome, note=note, decided_by=actor)
    if outcome == LookBackOutcome.SOLVED:
        apply_to_close(actor=actor, item=locked, evidence=note)
    elif outcome == LookBackOutcome.EXPLAINED:
        locked.explanation = note
        locked.status = ItemStatus.EXPLAINED
        locked.version += 1
        locked.save(update_fields=["explanation", "status", "version", "updated_at"])
    else:
        if new_deadline is None or new_deadline <= locked.deadline:
            raise DomainError("延期整改须给出晚于现在时限的新时限。", code="invalid")
        if locked.extensions.filter(status="pending").exists():
            raise DomainError("已有延期申请待审批。", code="invalid")
        Extension.objects.create(
            item=locked,
            reason=note,
            old_deadline=locked.deadline,
            new_deadline=new_deadline,
            requested_by=actor,
        )
    _event(
        actor,
        "rectification.look_back",
        locked,
        locked.participation,
        reason=note,
        data={"outcome": outcome, "before": before},
    )
    return entry


@transaction.atomic
def set_area_status(
    *, actor, participation, area: str, status: str, note: str = "", version: int | None = None
) -> AreaProgress:
    """The unit reports where it stands on one named area of special rectification (专项整治).
    ``version`` is the one the form was drawn from: a report made meanwhile by someone else is
    not overwritten. Done needs the account of what was done (the evidence of the report)."""
    from .rules import special_areas

    _unit_only(actor, participation, "填报专项整治进展")
    areas = {a["code"]: a["name"] for a in special_areas(participation.campaign.template)}
    if area not in areas:
        raise DomainError("本活动没有这一专项整治项目。", code="invalid")
    if status not in AreaStatus.values:
        raise DomainError("请选择整治进展。", code="invalid")
    note = (note or "").strip()
    if status == AreaStatus.DONE and not note:
        raise DomainError("标为“已完成”时请写明整治情况。", code="invalid")
    row = (
        AreaProgress.objects.select_for_update()
        .filter(participation=participation, area=area)
        .first()
    )
    if row is None:
        if version not in (None, 0):
            raise ConflictError("这一项已被他人修改，请刷新后再填报。", code="conflict")
        row = AreaProgress(participation=participation, area=area, version=0)
    elif version is not None and version != row.version:
        raise ConflictError(
            f"这一项已被他人修改（现为“{row.get_status_display()}”），请刷新后再填报。",
            code="conflict",
        )
    before = row.status if row.pk else None
    row.status, row.note, row.updated_by = status, note, actor
    row.version += 1
    row.save()
    _event(
        actor,
        "rectification.area_status",
        row,
        participation,
        data={"area": area, "area_name": areas[area], "from": before, "to": status},
    )
    return row
