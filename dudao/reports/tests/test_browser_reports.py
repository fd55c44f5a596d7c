"""Headless Chromium as the office (issue 14, "Done when"): the dashboard's charts render with
every request outside this server refused (government networks are often offline: ECharts
comes from our static files), and fit a phone. Screenshots in
test-artifacts/screenshots/reports-*.png."""

from __future__ import annotations

import pytest

from conftest import screenshot
from dudao.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _office_page(browser_page, live_server, *, phone=False):
    page = browser_page(phone=phone)
    outside = []

    def only_this_server(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    page.goto("/login/")
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return page, outside


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_dashboard_draws_its_charts_offline(
    browser_page, live_server, cast2005, records2005, phone
):
    page, outside = _office_page(browser_page, live_server, phone=phone)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"/reports/campaigns/{cast2005.campaign.pk}/")
    page.wait_for_selector("[data-chart][data-drawn='1']")
    drawn = page.eval_on_selector_all(
        "[data-chart]", "els => els.map(e => !!e.querySelector('canvas'))"
    )
    assert drawn and all(drawn), drawn
    body = page.inner_text("body")
    assert "征求意见座谈会" in body and "各阶段单位数" in body
    assert outside == [] and errors == []
    if phone:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    screenshot(page, f"reports-dashboard-{'phone' if phone else 'desktop'}")


def test_the_figure_tables_line_up_under_their_headers_on_a_desktop(
    browser_page, live_server, cast2005, records2005
):
    page, _outside = _office_page(browser_page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/reports/campaigns/{cast2005.campaign.pk}/")
    edges = page.eval_on_selector_all(
        "table.rep-table",
        """tables => tables.map(t => {
            // Where the text ends, not the cell's box (the same for either alignment).
            const right = el => {
                const r = document.createRange();
                r.selectNodeContents(el);
                return Math.round(r.getBoundingClientRect().right);
            };
            const head = t.querySelector('thead th.rep-num');
            const cell = t.querySelector('tbody td.rep-num');
            return [right(head), right(cell)];
        })""",
    )
    assert len(edges) > 1
    # 合计's header ends where its numbers end, and at the same place in every section.
    assert all(abs(h - c) <= 1 for h, c in edges), edges
    assert len({h for h, _c in edges}) == 1, edges
    screenshot(page, "reports-tallies-desktop-1280")
