"""The login-free pages under /s/ run on a short middleware stack (dudao/web/wsgi.py): every
middleware of the full stack is either on it or left out for a stated reason, the pages carry
the same protective headers as the staff pages, and the production WSGI application sends
them there."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import RequestFactory

from dudao.campaigns.template_loader import load_builtin_template
from dudao.surveys.tests.helpers import open_round
from dudao.testing import build_cast

# What the public pages do without, and why. A middleware added to MIDDLEWARE must be added to
# PUBLIC_PAGES_MIDDLEWARE or here: the test below fails until someone decides.
LEFT_OUT = {
    "whitenoise.middleware.WhiteNoiseMiddleware": "static files are not served under /s/",
    "django.contrib.sessions.middleware.SessionMiddleware": "no session: nobody logs in",
    "django.middleware.locale.LocaleMiddleware": "one language, settings.LANGUAGE_CODE",
    "django.middleware.csrf.CsrfViewMiddleware": "no CSRF cookie: the views are csrf_exempt",
    "django.contrib.auth.middleware.AuthenticationMiddleware": "no user: nobody logs in",
    "django.contrib.messages.middleware.MessageMiddleware": "no flash messages",
    "django_htmx.middleware.HtmxMiddleware": "no JavaScript on the public pages",
    "axes.middleware.AxesMiddleware": "no login form to lock",
}
PROTECTIVE = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


@pytest.fixture
def cast05(db):
    return build_cast(template=load_builtin_template("xianjinxing-2005"))


def test_every_middleware_is_on_the_short_stack_or_left_out_with_a_reason():
    full, public = list(settings.MIDDLEWARE), list(settings.PUBLIC_PAGES_MIDDLEWARE)
    assert set(full) == set(public) | set(LEFT_OUT)
    assert not set(public) & set(LEFT_OUT)
    # Same relative order as on the full stack.
    assert public == [m for m in full if m in public]


@pytest.mark.django_db
def test_public_pages_carry_the_staff_pages_protective_headers_and_no_cookie(client, cast05):
    staff = client.get("/login/")
    _, (code,) = open_round(cast05, codes=1)
    for response in (client.get("/s/"), client.get(f"/s/{code}/"), client.get("/s/box/x/")):
        assert response.status_code == 200
        for header in PROTECTIVE:
            assert response.get(header) == staff.get(header), header
        assert staff.get("Content-Security-Policy")
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")
        assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_ballot_through_the_short_stack_is_counted_once(client, cast05):
    round_, (code,) = open_round(cast05, codes=1)
    good = {"found_problems": "找准抓住了", "formality": "扎实认真"}
    assert "谢谢参与" in client.post("/s/submit/", {"code": code, **good}).content.decode()
    assert "已经使用过" in client.post("/s/submit/", {"code": code, **good}).content.decode()
    from dudao.surveys.tests.test_survey_answering import _total

    assert _total(round_) == 1


@pytest.mark.django_db
def test_an_unknown_public_path_answers_the_chinese_404(client):
    response = client.get("/s/a/b/c/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode() or "找不到" in response.content.decode()


@pytest.mark.django_db(transaction=True)  # Django's own request signals close connections
def test_the_production_application_sends_public_paths_to_the_short_stack():
    from config.wsgi import application

    seen = []

    def start_response(status, headers, exc_info=None):
        seen.append((status, dict(headers)))

    environ = RequestFactory().get("/s/").environ
    body = b"".join(application(environ, start_response)).decode()
    status, headers = seen[0]
    assert status.startswith("200") and "输入测评码" in body
    assert "Set-Cookie" not in headers and headers.get("Content-Security-Policy")
    assert application.public._middleware_chain is not None
    chain = [type(m).__module__ for m in _chain(application.public)]
    assert "django.contrib.sessions.middleware" not in chain
    assert "csp.middleware" in chain


def _chain(handler):
    """The middleware instances of a handler's chain, outermost first."""
    found, link = [], handler._middleware_chain
    for _ in range(50):
        mw = getattr(link, "__wrapped__", link)  # convert_exception_to_response's wrapper
        if getattr(mw, "__self__", None) is handler or not hasattr(mw, "get_response"):
            break  # the handler's own _get_response: the end of the chain
        found.append(mw)
        link = mw.get_response
    return found
