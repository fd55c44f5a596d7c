"""Password reset by mail through Django's views, in Chinese, audited."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from dudao.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Xin-Mima-2026!"


def test_it_resets_a_password_through_a_mailed_link(client, cast):
    user = cast.user("liaison")
    user.email = "lixiaomei@example.gov.cn"
    user.save(update_fields=["email"])

    assert "通过邮件重设密码" in client.get("/accounts/password-reset/").content.decode()
    response = client.post("/accounts/password-reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "督导通：重设密码" and "liaison" in message.body
    link = re.search(r"http://testserver(/accounts/password-reset/\S+)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert "设置新密码" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert client.login(username="liaison", password=NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="auth.password_reset", actor=user).exists()

    client.logout()
    assert "链接已失效" in client.get(link, follow=True).content.decode()


def test_it_sends_nothing_for_an_unknown_address_and_says_the_same(client, cast):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.gov.cn"})
    assert response.status_code == 302
    assert mail.outbox == []
