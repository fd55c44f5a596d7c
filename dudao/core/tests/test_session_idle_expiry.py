"""A session ends after the configured inactivity; activity keeps it alive."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from dudao.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_logs_out_after_inactivity_but_not_while_active(client, cast):
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert (
            client.post("/login/", {"username": "clerk", "password": PASSWORD}).status_code == 302
        )
        for step in range(1, 4):
            traveller.move_to(start + step * (idle - dt.timedelta(minutes=5)))
            assert client.get("/").status_code == 200
        traveller.move_to(
            start + 3 * (idle - dt.timedelta(minutes=5)) + idle + dt.timedelta(minutes=1)
        )
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_it_sends_a_content_security_policy(client, cast):
    response = client.get("/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
