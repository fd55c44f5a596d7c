"""Creating and revoking API tokens; each write is one transaction with one audit event (the
secret itself is never recorded, only its prefix)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import record_event
from dudao.core.errors import DomainError

from .access import token_permits
from .models import ApiToken

PREFIX = "DDT"


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(*, actor, name: str, expires_on: dt.date | None = None) -> tuple[ApiToken, str]:
    """A new token acting as ``actor``; answers (token, secret) — the secret is shown once."""
    token_permits(actor).require("create")
    name = (name or "").replace("\x00", "").strip()
    if not name:
        raise DomainError("请填写“用途”（例如：市委组织部统计系统）。", code="required")
    if expires_on is not None and expires_on <= timezone.localdate():
        raise DomainError("“有效期至”须晚于今天。", code="invalid")
    secret = PREFIX + secrets.token_hex(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name[:100],
            prefix=secret[:12],
            digest=digest_of(secret),
            expires_on=expires_on,
        )
        record_event(
            actor=actor,
            action="tokens.create",
            target=token,
            target_label=str(token),
            reason="建立接口令牌",
            data={"name": token.name, "prefix": token.prefix, "expires_on": expires_on},
        )
    return token, secret


def revoke_token(*, actor, token: ApiToken, reason: str = "") -> ApiToken:
    token_permits(actor, token).require("revoke", ignore_state=True)
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        token_permits(actor, locked).require("revoke")
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        record_event(
            actor=actor,
            action="tokens.revoke",
            target=locked,
            target_label=str(locked),
            reason=(reason or "").strip()[:500] or "吊销接口令牌",
            data={"prefix": locked.prefix},
        )
    return locked


def authenticate(secret: str):
    """The user a bearer token acts as, or None (unknown, revoked, expired). Marks its use at
    most once a minute."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest_of(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.expires_on is not None and token.expires_on < timezone.localdate():
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
