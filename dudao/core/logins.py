"""Logins: throttling and lockout (django-axes), and every login attempt in the audit trail.

django-axes counts failures by user name and by address and refuses a locked-out login before
the password is checked, so the right password does not help during the cool-off. Successful
logins, failed ones and lockouts are audit events (``auth.login``, ``auth.login_failed``,
``auth.locked_out``) with a Chinese label; the password is never recorded.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from .audit import record_event

LOGIN_LABELS = {
    "auth.login": "登录成功",
    "auth.login_failed": "登录失败",
    "auth.locked_out": "登录被锁定",
    "auth.first_password": "首次设置密码",
    "auth.password_reset": "通过邮件重设密码",
}


class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes' lockout check, skipped when there is no request.

    Every login through a page or the API carries its request; ``authenticate()`` without one
    is code calling it directly (the test client's ``login``, a shell), which axes would
    otherwise refuse with an exception.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        # Marks a login attempted with credentials through a request (a page or the API), the
        # kind that is audited; ``force_login`` and the test client's ``login`` are not.
        request.dudao_login_attempt = True
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind ``DUDAO_TRUSTED_PROXIES`` proxies the entry
    of X-Forwarded-For that the outermost trusted proxy appended (earlier entries are whatever
    the client sent and cannot be trusted)."""
    count = getattr(settings, "DUDAO_TRUSTED_PROXIES", 0)
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "") or ""


def _audit(*, action: str, actor, username: str, request, extra: dict | None = None) -> None:
    data = {"username": (username or "")[:150]}
    if request is not None:
        data["ip"] = client_ip(request)
        data["user_agent"] = request.META.get("HTTP_USER_AGENT", "")[:200]
    data.update(extra or {})
    with transaction.atomic():
        record_event(
            actor=actor,
            action=action,
            target=actor,
            target_type="auth.user",
            target_id=actor.pk if actor is not None else "",
            target_label=f"{LOGIN_LABELS[action]}：{data['username']}",
            data=data,
        )


def on_logged_in(sender, request, user, **kwargs) -> None:
    if not getattr(request, "dudao_login_attempt", False):
        return
    _audit(action="auth.login", actor=user, username=user.get_username(), request=request)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    if request is None:
        return
    username = (credentials or {}).get("username") or ""
    # The attempt names an account or it does not; the event points to the account if it exists,
    # but the actor is the anonymous caller.
    user = get_user_model().objects.filter(username=username).first() if username else None
    extra = {"locked_out": bool(getattr(request, "axes_locked_out", False))}
    _audit(
        action="auth.login_failed",
        actor=None,
        username=username,
        request=request,
        extra={**extra, "account_exists": user is not None},
    )


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    _audit(
        action="auth.locked_out",
        actor=None,
        username=username or "",
        request=request,
        extra={"locked_ip": ip_address or ""},
    )


def connect_signals() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_login_failed

    user_logged_in.connect(on_logged_in, dispatch_uid="dudao.core.logins.logged_in")
    user_login_failed.connect(on_login_failed, dispatch_uid="dudao.core.logins.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="dudao.core.logins.locked_out")


def lockout_response(request, credentials, *args, **kwargs):
    """The Chinese lockout page (status 429), naming the limit and the cool-off in minutes."""
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/lockout.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes},
        status=429,
    )
