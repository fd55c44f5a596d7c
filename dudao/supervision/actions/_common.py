"""Helpers shared by the supervision actions: limits, today, required fields, client tokens,
photo checks."""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils import timezone

from dudao.core.errors import DomainError
from dudao.rectification.actions import MAX_ATTACHMENT_BYTES, PHOTO_TYPES

MAX_PHOTOS = 9
TOKEN_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def _today() -> dt.date:
    return timezone.localdate()


def _required(text: str, what: str) -> str:
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise DomainError(f"请填写{what}。", code="required")
    return text


def _clean_token(token: str) -> str:
    token = (token or "").strip()
    if not token:
        return secrets.token_urlsafe(16)
    if len(token) > 64 or not set(token) <= TOKEN_CHARS:
        raise DomainError("提交标识不正确，请刷新页面后重填。", code="invalid")
    return token


def check_photo(upload) -> str:
    """The photo's extension, after checking its size and that its content is the image type
    its name says (a renamed file is refused). Errors name the file and what to do."""
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise DomainError(f"照片“{name}”超过 10 MB，请压缩后再上传。", code="too_large")
    if ext not in PHOTO_TYPES:
        raise DomainError(
            f"照片“{name}”类型不支持：请上传 jpg、png 或 webp 图片。", code="bad_type"
        )
    head = upload.read(12)
    upload.seek(0)
    if not head.startswith(PHOTO_TYPES[ext]) or (ext == "webp" and head[8:12] != b"WEBP"):
        raise DomainError(f"照片“{name}”的内容不是 {ext} 图片，请重新选择。", code="bad_type")
    return ext
