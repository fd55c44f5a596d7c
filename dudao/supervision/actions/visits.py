"""Logging a visit (sent once: the client token makes a resend a no-op)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from dudao.core.audit import record_event
from dudao.core.errors import AccessDenied, DomainError
from dudao.orgs.access import scope_for

from ..access import may_log_visit
from ..models import Visit, VisitKind, VisitPhoto
from ._common import MAX_PHOTOS, _clean_token, _today, check_photo

# --- visits ------------------------------------------------------------------------------------


@transaction.atomic
def log_visit(
    *,
    actor,
    participation,
    kind: str,
    happened_on: dt.date,
    people_count: int = 0,
    people_kinds: str = "",
    notes: str = "",
    spoke: bool = False,
    photos=(),
    client_token: str = "",
) -> tuple[Visit, bool]:
    """Record what the group did at a unit. Returns ``(visit, created)``: a resend with the
    same client token (the connection dropped after the first send) returns the first visit
    and writes nothing."""
    if not may_log_visit(actor, participation):
        raise AccessDenied("只有负责该单位的督导组或巡回检查组可以记录。", code="forbidden")
    token = _clean_token(client_token)
    existing = Visit.objects.filter(author=actor, client_token=token).first()
    if existing is not None:
        return existing, False
    if kind not in VisitKind.values:
        raise DomainError("请选择督导方式。", code="invalid")
    if happened_on > _today():
        raise DomainError("日期不能晚于今天。", code="invalid")
    if people_count < 0 or people_count > 100000:
        raise DomainError("接触人数应在 0 到 100000 之间。", code="invalid")
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise DomainError(f"照片最多 {MAX_PHOTOS} 张。", code="invalid")
    for upload in photos:
        check_photo(upload)

    scope = scope_for(actor)
    inspection_id = None
    if participation.group_id not in scope.groups and scope.inspection:
        inspection_id = next(iter(scope.inspection))
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                campaign_id=participation.campaign_id,
                participation=participation,
                group_id=participation.group_id if inspection_id is None else None,
                inspection_group_id=inspection_id,
                kind=kind,
                happened_on=happened_on,
                spoke=bool(spoke),
                people_count=people_count,
                people_kinds=(people_kinds or "").replace("\x00", "").strip()[:200],
                notes=(notes or "").replace("\x00", "").strip(),
                client_token=token,
                author=actor,
            )
    except IntegrityError:
        # Two sends of one form racing: the other one won; answer with it.
        return Visit.objects.get(author=actor, client_token=token), False
    for upload in photos:
        VisitPhoto.objects.create(
            visit=visit,
            file=upload,
            original_name=(upload.name or "")[:255],
            size=upload.size,
            content_type=(getattr(upload, "content_type", "") or "")[:100],
        )
    record_event(
        actor=actor,
        action="supervision.log_visit",
        target=visit,
        campaign_id=visit.campaign_id,
        organisation_id=participation.unit_id,
        data={"kind": kind, "on": happened_on.isoformat(), "photos": len(photos)},
    )
    return visit, True
