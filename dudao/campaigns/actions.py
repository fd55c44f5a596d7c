"""Every write to campaign set-up: campaigns from templates, batches, groups, enrolment."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from dudao.core.audit import record_event
from dudao.core.errors import DomainError
from dudao.orgs.models import Organisation, Person, Role, RoleAssignment

from .models import Batch, Campaign, CampaignTemplate, Participation, SupervisionGroup


@transaction.atomic
def create_campaign(
    *,
    actor,
    template: CampaignTemplate,
    root: Organisation,
    name: str = "",
    short_name: str = "",
    start_date: dt.date,
    end_date: dt.date | None = None,
    with_template_batches: bool = True,
) -> Campaign:
    """A campaign from a template; its names default to the template's official names (seed 004)."""
    names = template.data.get("names", {})
    campaign = Campaign.objects.create(
        name=name or names.get("full", template.name),
        short_name=short_name or names.get("short", ""),
        template=template,
        root=root,
        start_date=start_date,
        end_date=end_date,
    )
    record_event(
        actor=actor,
        action="campaign.create",
        target=campaign,
        campaign_id=campaign.pk,
        data={
            "template": f"{template.code}@{template.version}",
            "root": root.code,
            "start": start_date.isoformat(),
        },
    )
    if with_template_batches:
        for spec in template.data.get("batches", []):
            add_batch(
                actor=actor,
                campaign=campaign,
                number=spec["number"],
                name=spec["name"],
                scope=spec.get("scope", ""),
            )
    return campaign


@transaction.atomic
def add_batch(
    *,
    actor,
    campaign: Campaign,
    number: int,
    name: str,
    scope: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> Batch:
    if Batch.objects.filter(campaign=campaign, number=number).exists():
        raise DomainError(f"第{number}批已存在。")
    batch = Batch.objects.create(
        campaign=campaign,
        number=number,
        name=name,
        scope=scope,
        start_date=start_date,
        end_date=end_date,
    )
    record_event(
        actor=actor,
        action="batch.create",
        target=batch,
        campaign_id=campaign.pk,
        data={"number": number, "name": name},
    )
    return batch


@transaction.atomic
def create_group(
    *, actor, campaign: Campaign, code: str, name: str, batch: Batch | None = None
) -> SupervisionGroup:
    if SupervisionGroup.objects.filter(campaign=campaign, code=code).exists():
        raise DomainError(f"督导组编号“{code}”已存在。")
    group = SupervisionGroup.objects.create(campaign=campaign, code=code, name=name, batch=batch)
    record_event(
        actor=actor,
        action="group.create",
        target=group,
        campaign_id=campaign.pk,
        data={"code": code, "name": name},
    )
    return group


def first_phase_code(campaign: Campaign) -> str:
    phases = campaign.template.phases
    return phases[0]["code"] if phases else ""


@transaction.atomic
def enrol_unit(
    *,
    actor,
    campaign: Campaign,
    batch: Batch,
    unit: Organisation,
    group: SupervisionGroup | None = None,
    reports_directly: bool = False,
) -> Participation:
    """Put a unit into a batch (idempotent for the same batch and group)."""
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
        return assign_unit_to_group(actor=actor, participation=existing, group=group)
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


def _check_group_members_not_from(*, unit: Organisation, group: SupervisionGroup) -> None:
    """Nobody supervises his own unit (checked from the unit's side): no member of the group
    may be a person of the unit, nor its head or liaison."""
    staff = RoleAssignment.objects.filter(
        group=group, role__in=[Role.GROUP_LEADER, Role.GROUP_MEMBER]
    )
    clash = (
        Person.objects.filter(unit=unit, user__in=staff.values("user")).first()
        or RoleAssignment.objects.filter(
            organisation=unit,
            role__in=[Role.UNIT_HEAD, Role.UNIT_LIAISON],
            user__in=staff.values("user"),
        )
        .select_related("user")
        .first()
    )
    if clash is not None:
        name = (
            clash.name
            if isinstance(clash, Person)
            else (clash.user.get_full_name() or clash.user.username)
        )
        raise DomainError(
            f"{group.name}的成员{name}属于“{unit.name}”，不能督导本单位：请换一个督导组。"
        )


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


def group_roster(group: SupervisionGroup) -> list[RoleAssignment]:
    return list(
        RoleAssignment.objects.filter(group=group)
        .select_related("user__person")
        .order_by("-role", "user__username")
    )


@transaction.atomic
def update_batch(
    *,
    actor,
    batch: Batch,
    name: str,
    scope: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> Batch:
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    new = {"name": name, "scope": scope, "start_date": start_date, "end_date": end_date}
    old = {k: getattr(batch, k) for k in new}
    if old == new:
        return batch
    if start_date and end_date and end_date < start_date:
        raise DomainError("结束日期不能早于开始日期。")
    for k, v in new.items():
        setattr(batch, k, v)
    batch.save(update_fields=list(new))
    record_event(
        actor=actor,
        action="batch.update",
        target=batch,
        campaign_id=batch.campaign_id,
        data={
            "from": {k: str(v) for k, v in old.items()},
            "to": {k: str(v) for k, v in new.items()},
        },
    )
    return batch


def group_signature(group: SupervisionGroup) -> str:
    """What an editor saw: name, batch and roster. A save with another signature is a conflict."""
    roster = sorted(
        RoleAssignment.objects.filter(group=group).values_list("role", "user__username")
    )
    return f"{group.name}|{group.batch_id}|" + ",".join(f"{r}:{u}" for r, u in roster)


@transaction.atomic
def update_group(
    *,
    actor,
    group: SupervisionGroup,
    name: str,
    batch: Batch | None,
    leader,
    members: list,
    expected_signature: str | None = None,
    reason: str = "",
) -> SupervisionGroup:
    """Set a group's name, batch, leader and members. Refuses if someone changed it meanwhile."""
    from dudao.core.errors import ConflictError
    from dudao.orgs.actions import grant_role, revoke_role

    group = SupervisionGroup.objects.select_for_update().get(pk=group.pk)
    if expected_signature is not None and group_signature(group) != expected_signature:
        raise ConflictError(
            "该督导组刚被其他人修改过，您的修改没有保存。请查看最新内容后重新修改。"
        )
    if leader is not None and leader in members:
        raise DomainError("组长不必再列为组员。")
    if (group.name, group.batch_id) != (name, batch.pk if batch else None):
        old = {"name": group.name, "batch": group.batch_id}
        group.name, group.batch = name, batch
        group.save(update_fields=["name", "batch"])
        record_event(
            actor=actor,
            action="group.update",
            target=group,
            campaign_id=group.campaign_id,
            reason=reason,
            data={"from": old, "to": {"name": name, "batch": group.batch_id}},
        )
    wanted = {(Role.GROUP_LEADER, leader.pk)} if leader is not None else set()
    wanted |= {(Role.GROUP_MEMBER, m.pk) for m in members}
    current = {
        (ra.role, ra.user_id): ra
        for ra in RoleAssignment.objects.filter(group=group).select_related("user")
    }
    for key, ra in current.items():
        if key not in wanted:
            revoke_role(actor=actor, assignment=ra, reason=reason or "调整督导组成员")
    users = {u.pk: u for u in ([leader] if leader else []) + list(members)}
    for role, user_id in sorted(wanted - set(current), key=lambda k: k[0] != Role.GROUP_LEADER):
        grant_role(actor=actor, user=users[user_id], role=role, group=group, reason=reason)
    return group


@transaction.atomic
def create_inspection_group(
    *, actor, campaign: Campaign, code: str, name: str, departments: list[Organisation]
):
    from .models import InspectionGroup

    if InspectionGroup.objects.filter(campaign=campaign, code=code).exists():
        raise DomainError(f"巡回检查组编号“{code}”已存在。")
    for d in departments:
        if not d.path.startswith(campaign.root.path):
            raise DomainError(f"“{d.name}”不在本活动的组织范围内。")
    ig = InspectionGroup.objects.create(campaign=campaign, code=code, name=name)
    ig.departments.set(departments)
    record_event(
        actor=actor,
        action="inspection_group.create",
        target=ig,
        campaign_id=campaign.pk,
        data={"code": code, "name": name, "departments": [d.code for d in departments]},
    )
    return ig
