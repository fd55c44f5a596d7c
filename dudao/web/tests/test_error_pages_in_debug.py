"""With DEBUG on (the demo) users still get the Chinese 403/404/500 pages, not Django's English
technical pages that list the URL patterns; DUDAO_TECHNICAL_ERRORS=1 brings those back for a
developer."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from dudao.testing import PASSWORD, build_cast

pytestmark = pytest.mark.django_db

DEBUG_DEMO = {
    "DEBUG": True,
    "DUDAO_TECHNICAL_ERRORS": False,
    "ROOT_URLCONF": "dudao.web.tests.urls_failing",
}


def _client(user=None) -> Client:
    # A new client loads the middleware under the overridden settings.
    client = Client(raise_request_exception=False)
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


@override_settings(**DEBUG_DEMO)
def test_it_answers_an_unknown_address_with_the_chinese_404_page():
    response = _client().get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body
    assert "URLconf" not in body and "Using the" not in body


@override_settings(**DEBUG_DEMO)
def test_it_answers_an_object_out_of_scope_with_the_chinese_404_page():
    cast = build_cast()
    response = _client(cast.user("member")).get("/units/99999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    assert "Http404" not in response.content.decode()


@override_settings(**DEBUG_DEMO)
def test_it_answers_a_refusal_and_a_failure_in_chinese():
    forbidden = _client().get("/test-only/forbidden/")
    assert forbidden.status_code == 403 and "操作未被允许" in forbidden.content.decode()
    failed = _client().get("/test-only/boom/")
    assert failed.status_code == 500
    assert "系统出错了" in failed.content.decode()
    assert "Traceback" not in failed.content.decode()


@override_settings(**DEBUG_DEMO)
def test_it_still_adds_the_missing_slash():
    response = _client().get("/login")
    assert response.status_code == 301 and response["Location"].endswith("/login/")


@override_settings(**{**DEBUG_DEMO, "DUDAO_TECHNICAL_ERRORS": True})
def test_it_shows_the_technical_page_only_when_a_developer_asks():
    response = _client().get("/no-such-page/")
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()
