"""Inspection groups and the departments they inspect."""

from __future__ import annotations

from django.db import transaction

from dudao.core.audit import record_event
from dudao.core.errors import ConflictError, DomainError
from dudao.orgs.models import Organisation

from ..models import (
    Campaign,
    InspectionGroup,
)


@transaction.atomic
def create_inspection_group(
    *, actor, campaign: Campaign, code: str, name: str, departments: list[Organisation]
):

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
