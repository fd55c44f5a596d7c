"""Every write to the organisation tree, people and roles. Each action is one transaction with
its audit event."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction

from dudao.core.audit import record_event
from dudao.core.errors import DomainError

from .independence import find_conflicts
from .models import GROUP_ROLES, PATH_WIDTH, Organisation, OrgKind, Person, Role, RoleAssignment

User = get_user_model()

UNIT_LEVEL_KINDS = {OrgKind.PARTY_COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH}
BRANCH_KINDS = {OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.PARTY_COMMITTEE}


# Apps above orgs that keep a copy of an organisation's name (campaigns: each participation's
# ``unit_name``) register a function here in their AppConfig.ready(); ``rename_organisation``
# calls each inside its own transaction, so the copies never disagree with the tree. orgs sits
# below campaigns and may not import it (docs/architecture.md).
NAME_COPY_UPDATERS: list[Callable[[Organisation, str], None]] = []


def register_name_copy(updater: Callable[[Organisation, str], None]) -> None:
    if updater not in NAME_COPY_UPDATERS:
        NAME_COPY_UPDATERS.append(updater)


def org_path(parent: Organisation | None, org_id: int) -> str:
    prefix = parent.path if parent is not None else ""
    return f"{prefix}{org_id:0{PATH_WIDTH}d}/"


def derive_unit(kind: str, parent: Organisation | None, own_id: int | None) -> int | None:
    """The participating unit a node belongs to: itself if a unit, else its parent's unit."""
    if kind == OrgKind.UNIT:
        return own_id
    return parent.unit_id if parent is not None else None


@transaction.atomic
def create_organisation(
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    parent: Organisation | None = None,
    audit: bool = True,
) -> Organisation:
    if Organisation.objects.filter(code=code).exists():
        raise DomainError(f"组织编码“{code}”已存在，请换一个编码或修改已有组织。")
    if kind in UNIT_LEVEL_KINDS and (parent is None or parent.unit_id is None):
        raise DomainError(f"“{name}”是{OrgKind(kind).label}，其上级必须是某个单位或单位下属组织。")
    org = Organisation.objects.create(code=code, name=name, kind=kind, parent=parent, path="-")
    org.path = org_path(parent, org.pk)
    org.depth = 0 if parent is None else parent.depth + 1
    org.unit_id = derive_unit(kind, parent, org.pk)
    org.save(update_fields=["path", "depth", "unit"])
    if audit:
        record_event(
            actor=actor,
            action="org.create",
            target=org,
            organisation_id=org.unit_id,
            data={
                "code": code,
                "name": name,
                "kind": kind,
                "parent": parent.code if parent else None,
            },
        )
    return org


@transaction.atomic
def rename_organisation(*, actor, organisation: Organisation, name: str) -> Organisation:
    old = organisation.name
    if old == name:
        return organisation
    organisation.name = name
    organisation.save(update_fields=["name"])
    for update_copy in NAME_COPY_UPDATERS:
        update_copy(organisation, name)
    record_event(
        actor=actor,
        action="org.rename",
        target=organisation,
        organisation_id=organisation.unit_id,
        data={"from": old, "to": name},
    )
    return organisation


@transaction.atomic
def create_person(
    *, actor, code: str, name: str, branch: Organisation, audit: bool = True, **fields
) -> Person:
    if branch.kind not in BRANCH_KINDS:
        raise DomainError(f"“{branch.name}”不是党组织（支部/总支/党委），不能作为所在支部。")
    if Person.objects.filter(code=code).exists():
        raise DomainError(f"人员编号“{code}”已存在。")
    person = Person.objects.create(
        code=code, name=name, branch=branch, unit_id=branch.unit_id, **fields
    )
    if audit:
        record_event(
            actor=actor,
            action="person.create",
            target=person,
            organisation_id=person.unit_id,
            data={
                "code": code,
                "name": name,
                "branch": branch.code,
                **{k: str(v) for k, v in fields.items() if k != "user"},
            },
        )
    return person


@transaction.atomic
def create_account(
    *,
    actor,
    username: str,
    full_name: str,
    password: str | None = None,
    person: Person | None = None,
    is_superuser: bool = False,
):
    if User.objects.filter(username=username).exists():
        raise DomainError(f"账号“{username}”已存在。")
    user = User(
        username=username,
        first_name=full_name[:150],
        is_staff=is_superuser,
        is_superuser=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    if person is not None:
        if person.user_id is not None:
            raise DomainError(f"{person.name} 已有登录账号。")
        person.user = user
        person.save(update_fields=["user"])
    record_event(
        actor=actor,
        action="account.create",
        target=user,
        organisation_id=person.unit_id if person else None,
        data={
            "username": username,
            "person": person.code if person else None,
            "superuser": is_superuser,
        },
    )
    return user


def own_unit_ids(user) -> set[int]:
    """The units a user belongs to: his person's unit, and units he heads or is liaison of."""
    ids = set(
        Person.objects.filter(user=user, unit__isnull=False).values_list("unit_id", flat=True)
    )
    ids |= set(
        RoleAssignment.objects.filter(
            user=user, role__in=[Role.UNIT_HEAD, Role.UNIT_LIAISON]
        ).values_list("organisation_id", flat=True)
    )
    return ids


def check_not_supervising_own_unit(*, user, group) -> None:
    """Nobody supervises his own unit: a group member's unit may not be one of the group's
    (the rule itself: dudao/orgs/independence.py)."""
    clash = next(
        (
            c
            for c in find_conflicts(extra_staff=[(user.pk, group.pk)])
            if c.user == user.pk and c.group == group.pk
        ),
        None,
    )
    if clash is not None:
        raise DomainError(
            f"{clash.user_label} 是“{clash.unit_name}”的人员，"
            f"不能督导本单位：请把该单位分给其他督导组，或换一位组员。"
        )


def check_not_heading_a_supervised_unit(*, user, unit) -> None:
    """A group's staff may not become head or liaison of a unit the group supervises."""
    clash = next(
        (c for c in find_conflicts(extra_own=[(user.pk, unit.pk)]) if c.unit_id == unit.pk), None
    )
    if clash is not None:
        raise DomainError(
            f"{clash.user_label} 是“{clash.group_name}”的成员，而“{clash.unit_name}”由该组督导，"
            "不能督导本单位：请先调整督导组成员或该单位的督导组。"
        )


@transaction.atomic
def grant_role(
    *,
    actor,
    user,
    role: str,
    campaign=None,
    organisation=None,
    group=None,
    inspection_group=None,
    reason: str = "",
) -> RoleAssignment:
    """Give a role; idempotent (granting an existing role returns it and writes nothing)."""
    role = Role(role)
    if role in GROUP_ROLES:
        if group is None:
            raise DomainError("督导组角色必须指定督导组。")
        check_not_supervising_own_unit(user=user, group=group)
        campaign = None
    if role in {Role.UNIT_HEAD, Role.UNIT_LIAISON} and (
        organisation is None or not organisation.is_unit
    ):
        raise DomainError("单位主要负责人和联络员必须指定一个单位。")
    if role in {Role.UNIT_HEAD, Role.UNIT_LIAISON}:
        check_not_heading_a_supervised_unit(user=user, unit=organisation)
    if role == Role.BRANCH_SECRETARY and (
        organisation is None or organisation.kind not in BRANCH_KINDS
    ):
        raise DomainError("支部书记必须指定一个党支部（或总支、党委）。")
    if role in {Role.OFFICE, Role.LEADING_GROUP} and campaign is None:
        raise DomainError("活动办公室和领导小组角色必须指定活动。")
    if role == Role.INSPECTOR and inspection_group is None:
        raise DomainError("巡回检查组成员必须指定巡回检查组。")
    existing = RoleAssignment.objects.filter(
        user=user,
        role=role,
        campaign=campaign,
        organisation=organisation,
        group=group,
        inspection_group=inspection_group,
    ).first()
    if existing:
        return existing
    if role == Role.GROUP_LEADER and RoleAssignment.objects.filter(group=group, role=role).exists():
        raise DomainError(f"“{group.name}”已有组长：请先撤销原组长，再指定新组长。")
    assignment = RoleAssignment.objects.create(
        user=user,
        role=role,
        campaign=campaign,
        organisation=organisation,
        group=group,
        inspection_group=inspection_group,
    )
    campaign_id = (
        campaign.pk
        if campaign
        else (
            group.campaign_id
            if group
            else (inspection_group.campaign_id if inspection_group else None)
        )
    )
    record_event(
        actor=actor,
        action="role.grant",
        target=assignment,
        campaign_id=campaign_id,
        organisation_id=organisation.unit_id if organisation else None,
        reason=reason,
        data={
            "user": user.username,
            "role": role.value,
            "organisation": organisation.code if organisation else None,
            "group": group.code if group else None,
        },
    )
    return assignment


@transaction.atomic
def revoke_role(*, actor, assignment: RoleAssignment, reason: str) -> None:
    if not reason.strip():
        raise DomainError("撤销角色须填写理由。")
    data = {"user": assignment.user.username, "role": assignment.role}
    record_event(actor=actor, action="role.revoke", target=assignment, reason=reason, data=data)
    assignment.delete()


@transaction.atomic
def set_first_password(*, actor, user, password: str) -> None:
    """Set the first password of an account that had none, through its one-time link.

    The row is locked and re-checked, so two submissions of the same link set it once.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.has_usable_password():
        raise DomainError("此账号已设置过密码，首次登录链接已失效。")
    locked.set_password(password)
    locked.save(update_fields=["password"])
    record_event(
        actor=actor,
        action="auth.first_password",
        target=locked,
        target_label=f"首次设置密码：{locked.username}",
        data={"username": locked.username},
    )


def record_password_reset(*, user) -> None:
    """Audit a password set through the reset link sent by mail (Django's view saves it)."""
    record_event(
        actor=user,
        action="auth.password_reset",
        target=user,
        target_label=f"通过邮件重设密码：{user.username}",
        data={"username": user.username},
    )


def first_login_accounts(campaign):
    """Active accounts without a usable password that belong to the campaign: people of its
    units, and holders of its roles (office, groups, units)."""
    from django.db.models import Q

    unit_ids = campaign.participations.values("unit_id")
    return (
        User.objects.filter(is_active=True, password__startswith="!")
        .filter(
            Q(person__unit_id__in=unit_ids)
            | Q(role_assignments__campaign=campaign)
            | Q(role_assignments__group__campaign=campaign)
            | Q(role_assignments__organisation__unit_id__in=unit_ids)
        )
        .distinct()
        .select_related("person", "person__unit")
        .order_by("username")
    )
