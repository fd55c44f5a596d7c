"""Bulletin writes (简报): draft, edit, issue. Each is one transaction with its audit event;
``bulletin_permits`` (the pages ask it too) decides who and when.

The issue number is allocated under the campaign row's lock (``select_for_update``), as the
largest number of the campaign plus one, so two offices creating at once get consecutive
numbers and never the same one; a double submit of the same form (its token) answers the first
bulletin. Drafts are never deleted, so the numbers have no gaps.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from dudao.campaigns.models import Campaign
from dudao.core.audit import record_event
from dudao.core.errors import ConflictError, DomainError

from . import documents, rules
from .access import bulletin_permits
from .models import Bulletin, BulletinItem, BulletinStatus, ItemSource

STALE = "该期简报已被他人修改，请刷新页面后重新编辑。"


def _event(actor, action: str, bulletin: Bulletin, reason: str, data: dict | None = None):
    record_event(
        actor=actor,
        action=action,
        target=bulletin,
        target_label=str(bulletin),
        campaign_id=bulletin.campaign_id,
        reason=reason,
        data=data or {},
    )


def create_bulletin(*, actor, campaign, issued_on: dt.date, token: str) -> Bulletin:
    """A new draft: masthead and sponsor from the template, items picked from the template's
    item sources for the week of ``issued_on`` (each item keeps its source)."""
    bulletin_permits(actor, campaign).require("create")
    token = (token or "").replace("\x00", "").strip()[:64]
    if not token:
        raise DomainError("提交标识缺失：请刷新页面后重新点击“新建简报”。")
    found = Bulletin.objects.filter(campaign=campaign, request_token=token).first()
    if found is not None:
        return found
    spec = rules.bulletin_spec(campaign.template.data)
    _number, start, end = documents.week_of(campaign, issued_on)
    picked = documents.bulletin_items(user=actor, campaign=campaign, start=start, end=end)
    try:
        with transaction.atomic():
            Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
            top = Bulletin.objects.filter(campaign=campaign).aggregate(m=Max("number"))["m"]
            bulletin = Bulletin.objects.create(
                campaign=campaign,
                number=(top or 0) + 1,
                issued_on=issued_on,
                masthead=spec["masthead"],
                sponsor=spec["sponsor"],
                request_token=token,
                created_by=actor,
            )
            BulletinItem.objects.bulk_create(
                BulletinItem(
                    bulletin=bulletin,
                    position=i,
                    source=source if source in ItemSource.values else ItemSource.FREE,
                    source_ref=item.ref,
                    title=item.title,
                    text=item.text,
                )
                for i, (source, item) in enumerate(picked, start=1)
            )
            _event(actor, "reports.bulletin_create", bulletin, f"新建简报第{bulletin.number}期")
    except IntegrityError:
        # The same form submitted twice at once: the other request made it.
        found = Bulletin.objects.filter(campaign=campaign, request_token=token).first()
        if found is None:
            raise
        return found
    return bulletin


def _lock(bulletin: Bulletin, expected_version) -> Bulletin:
    locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise ConflictError(STALE)
    return locked


def edit_bulletin(
    *,
    actor,
    bulletin: Bulletin,
    expected_version: int | None,
    masthead: str,
    sponsor: str,
    issued_on: dt.date,
    items: list[dict],
) -> Bulletin:
    """Replace a draft's header and items (``items``: dicts of title, text, source,
    source_ref, in order; an item left out is dropped)."""
    with transaction.atomic():
        locked = _lock(bulletin, expected_version)
        bulletin_permits(actor, locked.campaign, locked).require("edit")
        if not items:
            raise DomainError("简报至少要有一条内容：请保留或填写一条。")
        locked.masthead, locked.sponsor, locked.issued_on = masthead, sponsor, issued_on
        locked.version += 1
        locked.save(update_fields=["masthead", "sponsor", "issued_on", "version"])
        locked.items.all().delete()
        BulletinItem.objects.bulk_create(
            BulletinItem(
                bulletin=locked,
                position=i,
                source=item.get("source") or ItemSource.FREE,
                source_ref=item.get("source_ref", ""),
                title=item["title"],
                text=item["text"],
            )
            for i, item in enumerate(items, start=1)
        )
        _event(
            actor,
            "reports.bulletin_edit",
            locked,
            f"修改简报第{locked.number}期",
            {"items": len(items), "version": locked.version},
        )
    return locked


def issue_bulletin(*, actor, bulletin: Bulletin, expected_version: int | None) -> Bulletin:
    """Issue (印发) a draft: from now on it is frozen."""
    with transaction.atomic():
        locked = _lock(bulletin, expected_version)
        bulletin_permits(actor, locked.campaign, locked).require("issue")
        locked.status = BulletinStatus.ISSUED
        locked.issued_by, locked.issued_at = actor, timezone.now()
        locked.version += 1
        locked.save(update_fields=["status", "issued_by", "issued_at", "version"])
        _event(actor, "reports.bulletin_issue", locked, f"印发简报第{locked.number}期")
    return locked
