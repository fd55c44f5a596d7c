"""One-time first-login links for accounts created without a password (roster imports).

A link carries the account's id and a token from :class:`FirstLoginTokenGenerator`, Django's
password-reset token machinery with its own salt and lifetime (``DUDAO_FIRST_LOGIN_DAYS``).
The token covers the stored password value, so it stops working the moment a password is set:
each link works once. The link only sets a first password; an account that already has one
uses the password reset by mail instead.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode


class FirstLoginTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "dudao.orgs.first_login.FirstLoginTokenGenerator"

    def check_token(self, user, token) -> bool:
        # Django's check with our own lifetime instead of PASSWORD_RESET_TIMEOUT.
        if not (user and token) or "-" not in token:
            return False
        ts_b36, _hash = token.split("-", 1)
        try:
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        valid = any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )
        if not valid:
            return False
        return self._num_seconds(self._now()) - ts <= settings.DUDAO_FIRST_LOGIN_DAYS * 86400


first_login_tokens = FirstLoginTokenGenerator()


def needs_first_password(user) -> bool:
    return user.is_active and not user.has_usable_password()


def first_login_path(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("first_login", args=[uid, first_login_tokens.make_token(user)])


def user_for_link(uidb64: str, token: str):
    """The account a link names, or None if the link is malformed, used, or expired."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, UnicodeDecodeError, OverflowError):
        return None
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None or not needs_first_password(user):
        return None
    if not first_login_tokens.check_token(user, token):
        return None
    return user
