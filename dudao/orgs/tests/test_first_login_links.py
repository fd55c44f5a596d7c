"""Imported accounts set their first password through a one-time link the office hands out."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook

from dudao.core.models import AuditEvent
from dudao.orgs import actions as org_actions
from dudao.testing import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Xin-Mima-2026!"


@pytest.fixture
def imported(cast):
    """An account as the roster import makes it: no usable password, a person in unit A."""
    person = org_actions.create_person(
        actor=None, code="P-new", name="新同志", branch=cast.branch_a1
    )
    return org_actions.create_account(
        actor=None, username="xintongzhi", full_name="新同志", person=person
    )


def _link(client, cast) -> str:
    client.login(username="clerk", password=PASSWORD)
    response = client.get(f"/accounts/campaigns/{cast.campaign.pk}/first-login-links/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "xintongzhi" in page
    client.logout()
    start = page.index("http://testserver/accounts/first-login/")
    return page[start : page.index("<", start)].replace("http://testserver", "")


def test_it_lets_an_imported_account_set_its_first_password_once(client, cast, imported):
    assert not imported.has_usable_password()
    link = _link(client, cast)
    assert "首次登录" in client.get(link).content.decode()
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.login(username="xintongzhi", password=NEW_PASSWORD)
    event = AuditEvent.objects.get(action="auth.first_password")
    assert event.actor_id == imported.pk and event.target_label == "首次设置密码：xintongzhi"

    client.logout()
    again = client.post(
        link, {"new_password1": "Other-Pass-99!", "new_password2": "Other-Pass-99!"}
    )
    assert again.status_code == 404
    assert "已失效" in again.content.decode()
    assert client.login(username="xintongzhi", password=NEW_PASSWORD)


def test_it_expires_the_link(client, cast, imported):
    link = _link(client, cast)
    later = timezone.now() + dt.timedelta(days=settings.DUDAO_FIRST_LOGIN_DAYS + 1)
    with time_machine.travel(later):
        assert client.get(link).status_code == 404


def test_it_refuses_a_tampered_link(client, cast, imported):
    link = _link(client, cast)
    assert client.get(link[:-3] + "abc/").status_code == 404
    assert client.get("/accounts/first-login/%%%/x-y/").status_code == 404


def test_it_lists_only_accounts_without_a_password_for_the_office(client, cast, imported):
    client.login(username="clerk", password=PASSWORD)
    page = client.get(f"/accounts/campaigns/{cast.campaign.pk}/first-login-links/").content
    assert "liaison" not in page.decode()  # has a password
    export = client.get(f"/accounts/campaigns/{cast.campaign.pk}/first-login-links.xlsx")
    ws = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))[1:]  # row 1 is the sheet's title
    assert rows[1][:3] == ("xintongzhi", "新同志", "东城区财政局")
    assert "/accounts/first-login/" in rows[1][3]


@pytest.mark.parametrize("role", ["liaison", "group_leader", "outsider", "member"])
def test_it_hides_the_links_from_everyone_but_the_office(client, cast, imported, role):
    client.force_login(cast.user(role))
    response = client.get(f"/accounts/campaigns/{cast.campaign.pk}/first-login-links/")
    assert response.status_code in (403, 404)
    export = client.get(f"/accounts/campaigns/{cast.campaign.pk}/first-login-links.xlsx")
    assert export.status_code in (403, 404)
