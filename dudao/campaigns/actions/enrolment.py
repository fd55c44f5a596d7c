"""Participating units: enrolled (one by one or in bulk), moved between groups, withdrawn."""

from __future__ import annotations

from django.db import transaction

from dudao.core.audit import record_event
from dudao.core.errors import ConflictError, DomainError
from dudao.orgs.models import Organisation

from ..models import (
    Batch,
    Campaign,
    Participation,
    SupervisionGroup,
)
from .campaign import first_phase_code
from .groups import _check_group_members_not_from


@transaction.atomic
def enrol_unit(
    *,
    actor,
    campaign: Campaign,
    batch: Batch,
    unit: Organisation,
    group: SupervisionGroup | None = None,
    reports_directly: bool = False,
    reason: str = "",
) -> Participation:
    """Put a unit into a batch (idempotent for the same batch and group). For a unit already
    enrolled, a different group is a reassignment, recorded with the reason."""
    if not unit.is_unit:
        raise DomainError(f"“{unit.name}”不是单位，不能作为参加单位。")
    if batch.campaign_id != campaign.pk or (group is not None and group.campaign_id != campaign.pk):
        raise DomainError("批次或督导组不属于本活动。")
    if not unit.path.startswith(campaign.root.path):
        raise DomainError(f"“{unit.name}”不在本活动的组织范围内。")
    existing = (
        Participation.objects.select_for_update().filter(campaign=campaign, unit=unit).first()
    )
    if existing is not None:
        if existing.batch_id == batch.pk and existing.group_id == (group.pk if group else None):
            return existing
        if existing.batch_id != batch.pk:
            raise DomainError(f"“{unit.name}”已在{existing.batch.name}，一个单位只能参加一个批次。")
        return assign_unit_to_group(actor=actor, participation=existing, group=group, reason=reason)
    if group is not None:
        _check_group_members_not_from(unit=unit, group=group)
    participation = Participation.objects.create(
        campaign=campaign,
        batch=batch,
        unit=unit,
        group=group,
        unit_name=unit.name,
        current_phase=first_phase_code(campaign),
        reports_directly=reports_directly,
    )
    record_event(
        actor=actor,
        action="participation.enrol",
        target=participation,
        campaign_id=campaign.pk,
        organisation_id=unit.pk,
        data={"batch": batch.number, "group": group.code if group else None},
    )
    return participation


@transaction.atomic
def assign_unit_to_group(
    *, actor, participation: Participation, group: SupervisionGroup | None, reason: str = ""
) -> Participation:
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    old = participation.group
    if (old.pk if old else None) == (group.pk if group else None):
        return participation
    if group is not None:
        if group.campaign_id != participation.campaign_id:
            raise DomainError("督导组不属于本活动。")
        _check_group_members_not_from(unit=participation.unit, group=group)
    participation.group = group
    participation.save(update_fields=["group"])
    record_event(
        actor=actor,
        action="participation.assign_group",
        target=participation,
        campaign_id=participation.campaign_id,
        organisation_id=participation.unit_id,
        reason=reason,
        data={"from": old.code if old else None, "to": group.code if group else None},
    )
    return participation


@transaction.atomic
def enrol_units(
    *,
    actor,
    campaign: Campaign,
    batch: Batch,
    units: list[Organisation],
    group: SupervisionGroup | None = None,
) -> tuple[list[Participation], int, list[str]]:
    """Enrol several units at once; each unit succeeds or fails on its own.

    Returns ``(enrolled, unchanged, problems)``: a unit already in this batch with this group is
    unchanged (a double submission), a unit already enrolled otherwise is refused here — moving
    it to another group needs a reason, on its own row.
    """
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    current = {
        p.unit_id: p
        for p in Participation.objects.filter(campaign=campaign, unit__in=units).select_related(
            "batch", "group"
        )
    }
    enrolled, unchanged, problems = [], 0, []
    for unit in units:
        p = current.get(unit.pk)
        if p is not None:
            if p.batch_id == batch.pk and p.group_id == (group.pk if group else None):
                unchanged += 1
            else:
                problems.append(
                    f"“{unit.name}”已在{p.batch.name}（{p.group.name if p.group else '未分配督导组'}），"
                    "未作改动；调整督导组请在已参加单位中填写理由后保存。"
                )
            continue
        try:
            with transaction.atomic():
                enrolled.append(
                    enrol_unit(actor=actor, campaign=campaign, batch=batch, unit=unit, group=group)
                )
        except DomainError as exc:
            problems.append(exc.message)
    return enrolled, unchanged, problems


_ANY = object()


@transaction.atomic
def change_unit_group(
    *,
    actor,
    participation: Participation,
    group: SupervisionGroup | None,
    reason: str = "",
    expected_group_id=_ANY,
) -> Participation:
    """assign_unit_to_group from the set-up page: moving a unit away from a group it already has
    needs a reason, and a page drawn before someone else moved the unit is refused."""

    p = (
        Participation.objects.select_for_update(of=("self",))
        .select_related("group")
        .get(pk=participation.pk)
    )
    wanted = group.pk if group else None
    if p.group_id == wanted:
        return p  # nothing to do: also what a double submission finds
    if expected_group_id is not _ANY and p.group_id != expected_group_id:
        raise ConflictError(
            f"“{p.unit_name}”的督导组刚被其他人调整为"
            f"“{p.group.name if p.group else '未分配'}”，您的修改没有保存。请刷新后重新选择。"
        )
    if p.group_id is not None and not reason.strip():
        raise DomainError(f"调整“{p.unit_name}”的督导组（现为{p.group.name}）须填写理由。")
    return assign_unit_to_group(actor=actor, participation=p, group=group, reason=reason.strip())


@transaction.atomic
def withdraw_unit(*, actor, participation: Participation, reason: str) -> None:
    """Take a unit out of the campaign (enrolled by mistake). Only before it has moved past the
    first phase: after that its records are part of the archive (seed 002: 留有痕迹)."""
    if not reason.strip():
        raise DomainError("撤出参加单位须填写理由。")
    p = (
        Participation.objects.select_for_update(of=("self",))
        .select_related("campaign__template", "batch", "group", "unit")
        .filter(pk=participation.pk)
        .first()
    )
    if p is None:
        return  # already withdrawn: a repeated submission changes nothing
    first = first_phase_code(p.campaign)
    if p.current_phase and p.current_phase != first:
        raise DomainError(
            f"“{p.unit_name}”已进入{p.campaign.template.phase_name(p.current_phase)}阶段，"
            "不能撤出；如需调整督导组，请改为调整督导组。"
        )
    record_event(
        actor=actor,
        action="participation.withdraw",
        target=p,
        campaign_id=p.campaign_id,
        organisation_id=p.unit_id,
        reason=reason.strip(),
        data={
            "unit": p.unit.code,
            "batch": p.batch.number,
            "group": p.group.code if p.group else None,
        },
    )
    p.delete()
