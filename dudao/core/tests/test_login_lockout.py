"""Ten wrong passwords lock the account for the configured time, even for the right one."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from dudao.core.models import AuditEvent
from dudao.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password, ip="10.1.1.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_it_locks_the_account_after_ten_wrong_passwords_even_when_the_eleventh_is_right(
    client, cast
):
    assert settings.AXES_FAILURE_LIMIT == 10
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(10):
            response = _login(client, "liaison", "wrong-password")
        assert not _logged_in(client)

        response = _login(client, "liaison", PASSWORD)
        assert response.status_code == 429
        page = response.content.decode()
        assert "登录已暂停" in page and "30 分钟后可再试" in page
        assert not _logged_in(client)

        # Still locked just before the cool-off ends, from another address too.
        traveller.move_to(start + settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=1))
        assert _login(client, "liaison", PASSWORD, ip="10.9.9.9").status_code == 429
        assert not _logged_in(client)

        traveller.move_to(start + settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1))
        response = _login(client, "liaison", PASSWORD)
        assert response.status_code == 302
        assert _logged_in(client)


def test_it_audits_every_attempt_with_a_chinese_label(client, cast):
    for _ in range(10):
        _login(client, "liaison", "wrong-password")
    _login(client, "liaison", PASSWORD)

    failed = AuditEvent.objects.filter(action="auth.login_failed").order_by("seq")
    assert failed.count() == 11
    first = failed.first()
    assert first.target_label == "登录失败：liaison"
    assert first.data["ip"] == "10.1.1.1" and first.data["account_exists"] is True
    assert "wrong-password" not in str(first.data)
    assert failed.last().data["locked_out"] is True
    locked = AuditEvent.objects.filter(action="auth.locked_out").first()
    assert locked.target_label == "登录被锁定：liaison"
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_it_audits_a_successful_login(client, cast):
    response = _login(client, "clerk", PASSWORD)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == cast.user("office")
    assert event.target_label == "登录成功：clerk"


def test_it_locks_an_address_that_tries_many_user_names(client, cast):
    for i in range(10):
        _login(client, f"guess{i}", "wrong-password", ip="10.2.2.2")
    assert _login(client, "clerk", PASSWORD, ip="10.2.2.2").status_code == 429
    # The same account from another address is not affected.
    assert _login(client, "clerk", PASSWORD, ip="10.3.3.3").status_code == 302


def test_it_resets_the_count_after_a_successful_login(client, cast):
    for _ in range(9):
        _login(client, "liaison", "wrong-password")
    assert _login(client, "liaison", PASSWORD).status_code == 302
    client.logout()
    for _ in range(9):
        _login(client, "liaison", "wrong-password")
    assert _login(client, "liaison", PASSWORD).status_code == 302


def test_it_does_not_audit_logins_made_by_code(client, cast):
    """force_login and the test client's login are not people logging in."""
    client.force_login(cast.user("office"))
    client.logout()
    assert client.login(username="clerk", password=PASSWORD)
    assert not AuditEvent.objects.filter(action__startswith="auth.").exists()
