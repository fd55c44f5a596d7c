"""Campaigns: created from a template (with their office and leading-group roles), edited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from dudao.core.audit import record_event
from dudao.core.errors import ConflictError, DomainError
from dudao.orgs.actions import grant_role
from dudao.orgs.models import Organisation, Role, RoleAssignment

from ..models import (
    Campaign,
    CampaignTemplate,
)
from .batches import add_batch
from .common import _check_dates, _chinese_date


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


def first_phase_code(campaign: Campaign) -> str:
    phases = campaign.template.phases
    return phases[0]["code"] if phases else ""


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
