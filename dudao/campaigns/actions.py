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
                # A batch's window from the template (2019: June–August, September–November).
                start_date=_template_date(spec.get("start_date")),
                end_date=_template_date(spec.get("end_date")),
            )
    return campaign


def _template_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


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


# --- Set-up pages: composite, guarded and idempotent actions -------------------------------
# The pages call these; each is one transaction. A repeated submission returns what the first
# one made, and an edit made from a page someone else has changed since is refused
# (ConflictError), never silently overwritten.


def _chinese_date(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


def _check_dates(start_date: dt.date | None, end_date: dt.date | None) -> None:
    if start_date and end_date and end_date < start_date:
        raise DomainError(
            f"结束日期（{_chinese_date(end_date)}）不能早于开始日期（{_chinese_date(start_date)}）。"
        )


def _check_short_name(template: CampaignTemplate, short_name: str) -> None:
    """Seed 004: the official short name is data; the template lists the wrong ones."""
    names = template.data.get("names", {})
    if short_name and short_name in names.get("forbidden_short", []):
        raise DomainError(f"“{short_name}”不是规范简称，请用“{names.get('short', '')}”。")


@transaction.atomic
def create_campaign_from_template(
    *,
    actor,
    template: CampaignTemplate,
    root: Organisation,
    name: str = "",
    short_name: str = "",
    start_date: dt.date,
    end_date: dt.date | None = None,
) -> tuple[Campaign, bool]:
    """A campaign with its template's batches, its creator made its office, in one transaction.

    Returns ``(campaign, created)``. The same campaign (root, name, start date) submitted again by
    someone who is already its office returns the first one; anyone else is refused, so a double
    click never makes two campaigns.
    """
    from dudao.orgs.actions import grant_role

    # Serialises concurrent creations over one root, so the duplicate check below holds.
    Organisation.objects.select_for_update().filter(pk=root.pk).first()
    names = template.data.get("names", {})
    name = name.strip() or names.get("full", template.name)
    short_name = short_name.strip() or names.get("short", "")
    _check_short_name(template, short_name)
    _check_dates(start_date, end_date)
    existing = Campaign.objects.filter(root=root, name=name, start_date=start_date).first()
    if existing is not None:
        if (
            actor is not None
            and RoleAssignment.objects.filter(
                user=actor, role=Role.OFFICE, campaign=existing
            ).exists()
        ):
            return existing, False
        raise DomainError(
            f"“{root.name}”已有{_chinese_date(start_date)}开始的“{name}”，请勿重复创建；"
            "如需参与管理，请联系该活动的办公室授权。"
        )
    campaign = create_campaign(
        actor=actor,
        template=template,
        root=root,
        name=name,
        short_name=short_name,
        start_date=start_date,
        end_date=end_date,
    )
    if actor is not None:
        grant_role(actor=actor, user=actor, role=Role.OFFICE, campaign=campaign, reason="创建活动")
    return campaign, True


def campaign_signature(campaign: Campaign) -> str:
    """What an editor saw of a campaign's editable fields."""
    return f"{campaign.name}|{campaign.short_name}|{campaign.start_date}|{campaign.end_date}"


@transaction.atomic
def update_campaign(
    *,
    actor,
    campaign: Campaign,
    name: str,
    short_name: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    expected_signature: str | None = None,
    reason: str = "",
) -> Campaign:
    from dudao.core.errors import ConflictError

    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("template")
        .get(pk=campaign.pk)
    )
    if expected_signature is not None and campaign_signature(campaign) != expected_signature:
        raise ConflictError(
            "活动信息刚被其他人修改过，您的修改没有保存。请查看最新内容后重新修改。"
        )
    if not name.strip() or not short_name.strip():
        raise DomainError("活动名称和规范简称都不能为空。")
    _check_short_name(campaign.template, short_name)
    _check_dates(start_date, end_date)
    new = {"name": name, "short_name": short_name, "start_date": start_date, "end_date": end_date}
    old = {k: getattr(campaign, k) for k in new}
    if old == new:
        return campaign
    for k, v in new.items():
        setattr(campaign, k, v)
    campaign.save(update_fields=list(new))
    record_event(
        actor=actor,
        action="campaign.update",
        target=campaign,
        campaign_id=campaign.pk,
        reason=reason,
        data={
            "from": {k: str(v) for k, v in old.items() if v != new[k]},
            "to": {k: str(v) for k, v in new.items() if v != old[k]},
        },
    )
    return campaign


def batch_signature(batch: Batch) -> str:
    return f"{batch.name}|{batch.scope}|{batch.start_date}|{batch.end_date}"


@transaction.atomic
def edit_batch(
    *,
    actor,
    batch: Batch,
    name: str,
    scope: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    expected_signature: str | None = None,
) -> Batch:
    """update_batch, refused if the batch changed since the editor's page was drawn."""
    from dudao.core.errors import ConflictError

    locked = Batch.objects.select_for_update().get(pk=batch.pk)
    if expected_signature is not None and batch_signature(locked) != expected_signature:
        raise ConflictError(
            f"{locked.name}刚被其他人修改过，您的修改没有保存。请查看最新内容后重新修改。"
        )
    _check_dates(start_date, end_date)
    return update_batch(
        actor=actor,
        batch=locked,
        name=name,
        scope=scope,
        start_date=start_date,
        end_date=end_date,
    )


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
    from dudao.core.errors import ConflictError

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
    from dudao.core.errors import ConflictError

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


def inspection_signature(inspection_group) -> str:
    codes = sorted(inspection_group.departments.values_list("code", flat=True))
    return f"{inspection_group.name}|" + ",".join(codes)


@transaction.atomic
def assign_inspection_departments(
    *,
    actor,
    inspection_group,
    departments: list[Organisation],
    name: str | None = None,
    expected_signature: str | None = None,
    reason: str = "",
):
    """Set the departments a roving inspection group checks (seed 000), and optionally its name."""
    from dudao.core.errors import ConflictError

    from .models import InspectionGroup

    ig = (
        InspectionGroup.objects.select_for_update(of=("self",))
        .select_related("campaign__root")
        .get(pk=inspection_group.pk)
    )
    if expected_signature is not None and inspection_signature(ig) != expected_signature:
        raise ConflictError(
            f"{ig.name}刚被其他人修改过，您的修改没有保存。请查看最新内容后重新修改。"
        )
    root_path = ig.campaign.root.path
    for d in departments:
        if not d.path.startswith(root_path):
            raise DomainError(f"“{d.name}”不在本活动的组织范围内。")
    before = set(ig.departments.values_list("code", flat=True))
    after = {d.code for d in departments}
    old_name = ig.name
    if name is not None and name.strip() and name.strip() != ig.name:
        ig.name = name.strip()
        ig.save(update_fields=["name"])
    if before == after and old_name == ig.name:
        return ig
    ig.departments.set(departments)
    record_event(
        actor=actor,
        action="inspection_group.assign_departments",
        target=ig,
        campaign_id=ig.campaign_id,
        reason=reason,
        data={
            "added": sorted(after - before),
            "removed": sorted(before - after),
            **({"name": {"from": old_name, "to": ig.name}} if old_name != ig.name else {}),
        },
    )
    return ig


@transaction.atomic
def set_up_inspection_group(
    *, actor, campaign: Campaign, code: str, name: str, departments: list[Organisation]
):
    """create_inspection_group from the set-up page. Returns ``(group, created)``: the same form
    submitted twice returns the first group; another group under a used code is refused."""
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    existing = campaign.inspection_groups.filter(code=code.strip()).first()
    if existing is not None:
        wanted = f"{name.strip()}|" + ",".join(sorted(d.code for d in departments))
        if inspection_signature(existing) == wanted:
            return existing, False
        raise DomainError(f"巡回检查组编号“{code}”已被“{existing.name}”使用，请换一个编号。")
    ig = create_inspection_group(
        actor=actor,
        campaign=campaign,
        code=code.strip(),
        name=name.strip(),
        departments=departments,
    )
    return ig, True
