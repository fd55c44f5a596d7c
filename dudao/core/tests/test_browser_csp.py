"""The main pages pass the Content-Security-Policy: headless Chromium reports no violation."""

from __future__ import annotations

import pytest

from conftest import screenshot
from dudao.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _watch(page) -> list[str]:
    seen: list[str] = []
    page.add_init_script(WATCH)
    page.on(
        "console",
        lambda msg: (
            seen.append(msg.text)
            if "Content Security Policy" in msg.text or "Refused to" in msg.text
            else None
        ),
    )
    return seen


def _visit(page, seen: list[str], url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(150)
    violations = page.evaluate("window.__cspViolations || []")
    assert not violations, f"{url}: {violations}"
    assert not seen, f"{url}: {seen}"


def _login(page, username: str) -> None:
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_the_main_pages_show_no_csp_violation(browser_page, cast):
    from dudao.campaigns.models import Participation

    pa = Participation.objects.get(unit=cast.unit_a)
    c = cast.campaign.pk
    page = browser_page()
    seen = _watch(page)
    for url in ["/login/", "/accounts/password-reset/"]:
        _visit(page, seen, url)
    screenshot(page, "password-reset")

    _login(page, "clerk")
    for url in [
        "/",
        f"/campaigns/{c}/overview/",
        f"/campaigns/{c}/setup/",
        f"/units/{cast.unit_a.pk}/",
        f"/groups/{cast.group1.pk}/",
        "/imports/roster/",
        f"/imports/setup/{c}/",
        "/reviews/",
        f"/reviews/c/{c}/",
        f"/transitions/campaigns/{c}/",
        f"/surveys/campaigns/{c}/",
        f"/accounts/campaigns/{c}/first-login-links/",
    ]:
        _visit(page, seen, url)
    screenshot(page, "first-login-links")

    page.context.clear_cookies()
    _login(page, "liaison")
    for url in [
        "/",
        f"/records/{pa.pk}/",
        f"/records/{pa.pk}/sessions/",
        f"/records/{pa.pk}/sessions/new/",
        f"/transitions/units/{pa.pk}/",
    ]:
        _visit(page, seen, url)

    page.context.clear_cookies()
    page.goto("/login/")
    page.fill("input[name=username]", "cast-admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    for url in [
        "/admin/",
        "/admin/orgs/organisation/",
        f"/admin/orgs/organisation/{cast.unit_a.pk}/change/",
    ]:
        _visit(page, seen, url)


def test_the_lockout_page_shows_in_chinese_without_csp_violation(browser_page, cast):
    page = browser_page()
    seen = _watch(page)
    for _ in range(10):
        page.goto("/login/")
        page.fill("input[name=username]", "liaison")
        page.fill("input[name=password]", "wrong-password")
        page.click("button[type=submit]")
        page.wait_for_load_state("load")
    page.goto("/login/")
    page.fill("input[name=username]", "liaison")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    assert "登录已暂停" in page.inner_text("body")
    screenshot(page, "lockout")
    assert not page.evaluate("window.__cspViolations || []")
    assert not seen
