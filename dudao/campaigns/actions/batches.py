"""Batches of a campaign: added, edited (dates checked against the campaign)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from dudao.core.audit import record_event
from dudao.core.errors import ConflictError, DomainError

from ..models import (
    Batch,
    Campaign,
)
from .common import _check_dates


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
