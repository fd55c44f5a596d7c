"""Supervision groups and their rosters (leader, members): created, edited, guarded against
concurrent edits by a signature of what the page showed."""

from __future__ import annotations

from django.db import transaction

from dudao.core.audit import record_event
from dudao.core.errors import ConflictError, DomainError
from dudao.orgs.actions import grant_role, revoke_role
from dudao.orgs.independence import find_conflicts
from dudao.orgs.models import Organisation, Role, RoleAssignment

from ..models import (
    Batch,
    Campaign,
    SupervisionGroup,
)


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


def _check_group_members_not_from(*, unit: Organisation, group: SupervisionGroup) -> None:
    """Nobody supervises his own unit (checked from the unit's side): no member of the group
    may be a person of the unit, nor its head or liaison (the rule: dudao/orgs/independence.py)."""
    clash = next(
        (c for c in find_conflicts(assignments=[(unit.pk, group.pk)]) if c.group == group.pk),
        None,
    )
    if clash is not None:
        raise DomainError(
            f"{group.name}的成员{clash.user_label}属于“{unit.name}”，不能督导本单位：请换一个督导组。"
        )


def group_roster(group: SupervisionGroup) -> list[RoleAssignment]:
    return list(
        RoleAssignment.objects.filter(group=group)
        .select_related("user__person")
        .order_by("-role", "user__username")
    )


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


def _wanted_signature(name: str, batch: Batch | None, leader, members: list) -> str:
    """The group_signature a group would have after update_group with these values."""
    roster = [(Role.GROUP_LEADER.value, leader.username)] if leader is not None else []
    roster += [(Role.GROUP_MEMBER.value, m.username) for m in members]
    return f"{name}|{batch.pk if batch else None}|" + ",".join(
        f"{r}:{u}" for r, u in sorted(set(roster))
    )


@transaction.atomic
def create_group_with_roster(
    *,
    actor,
    campaign: Campaign,
    code: str,
    name: str,
    batch: Batch | None = None,
    leader=None,
    members: list | None = None,
    reason: str = "",
) -> tuple[SupervisionGroup, bool]:
    """A new group with its leader and members, all or nothing. Returns ``(group, created)``.

    The same form submitted twice returns the group the first submission made; a different
    group under a code already in use is refused.
    """
    members = list(members or [])
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise DomainError("请填写督导组编号和名称。")
    if batch is not None and batch.campaign_id != campaign.pk:
        raise DomainError("批次不属于本活动。")
    # Lock the campaign so that two submissions of one code run one after the other.
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    existing = SupervisionGroup.objects.filter(campaign=campaign, code=code).first()
    if existing is not None:
        if group_signature(existing) == _wanted_signature(name, batch, leader, members):
            return existing, False
        raise DomainError(f"督导组编号“{code}”已被“{existing.name}”使用，请换一个编号。")
    group = create_group(actor=actor, campaign=campaign, code=code, name=name, batch=batch)
    update_group(
        actor=actor,
        group=group,
        name=name,
        batch=batch,
        leader=leader,
        members=members,
        reason=reason or "新建督导组",
    )
    return group, True


@transaction.atomic
def edit_group(
    *,
    actor,
    group: SupervisionGroup,
    name: str,
    batch: Batch | None,
    leader,
    members: list,
    expected_signature: str,
    reason: str = "",
) -> SupervisionGroup:
    """update_group from the edit page: stale pages are refused, and taking anyone off the group
    (a leader replaced, a member removed) needs a reason, because revoking a role is recorded
    with its why."""

    locked = SupervisionGroup.objects.select_for_update().get(pk=group.pk)
    if group_signature(locked) != expected_signature:
        if group_signature(locked) == _wanted_signature(name, batch, leader, members):
            return locked  # the same edit submitted twice: already done
        raise ConflictError(
            "该督导组刚被其他人修改过，您的修改没有保存。请查看最新内容后重新修改。"
        )
    if not name.strip():
        raise DomainError("督导组名称不能为空。")
    if batch is not None and batch.campaign_id != locked.campaign_id:
        raise DomainError("批次不属于本活动。")
    keep = {(Role.GROUP_LEADER.value, leader.pk)} if leader is not None else set()
    keep |= {(Role.GROUP_MEMBER.value, m.pk) for m in members}
    removed = [
        ra
        for ra in RoleAssignment.objects.filter(group=locked).select_related("user")
        if (ra.role, ra.user_id) not in keep
    ]
    if removed and not reason.strip():
        who = "、".join(ra.user.get_full_name() or ra.user.username for ra in removed)
        raise DomainError(f"将{who}调离（或改任）须填写调整理由。")
    return update_group(
        actor=actor,
        group=locked,
        name=name.strip(),
        batch=batch,
        leader=leader,
        members=members,
        expected_signature=expected_signature,
        reason=reason.strip(),
    )
