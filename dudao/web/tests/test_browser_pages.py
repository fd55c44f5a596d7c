"""The pages as people see them: headless Chromium at desktop and phone width, logging in
through the form. Screenshots land in test-artifacts/screenshots/ for a person to look at."""

from __future__ import annotations

import pytest

from conftest import screenshot, submit
from dudao.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ERROR_MARKERS = ["Traceback", "Server Error", "Page not found", "TemplateSyntaxError", "无权"]


def _login(page, username: str) -> None:
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def _check(page, *texts: str) -> None:
    body = page.inner_text("body")
    for marker in ERROR_MARKERS:
        assert marker not in body, f"{page.url}: {marker}"
    for text in texts:
        assert text in body, f"{page.url} lacks {text!r}"


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_office_clerk_walks_through_home_overview_unit_and_group(browser_page, cast, phone):
    page = browser_page(phone=phone)
    size = "phone" if phone else "desktop"
    page.goto("/")
    assert "/login/" in page.url
    _check(page, "登录督导通")
    screenshot(page, f"login-{size}")
    _login(page, "clerk")
    _check(page, "测试活动", "参加单位", "单位总览")
    screenshot(page, f"home-office-{size}")
    submit(page, "text=单位总览")
    _check(page, "单位总览", "东城区财政局", "东城区教育局", "学习动员")
    screenshot(page, f"overview-{size}")
    page.fill("input[name=q]", "教育")
    submit(page, "button:has-text('筛选')")
    _check(page, "东城区教育局")
    assert "东城区财政局" not in page.inner_text("table")
    submit(page, "text=东城区教育局")
    _check(page, "东城区教育局", "党员名单", "活动档案")
    screenshot(page, f"unit-{size}")
    page.goto(f"/groups/{cast.group1.pk}/")
    _check(page, "第一督导组", "刘振华", "东城区财政局")
    screenshot(page, f"group-{size}")
    page.goto(f"/campaigns/{cast.campaign.pk}/setup/")
    _check(page, "活动设置", "第一督导组", "批次")
    screenshot(page, f"setup-{size}")


@pytest.mark.parametrize(
    "role, texts",
    [
        ("group_member", ["第一督导组", "东城区财政局"]),
        ("unit_head", ["东城区财政局", "当前阶段"]),
        ("secretary", ["财政局第一支部", "张志强"]),
        ("member", ["我的信息", "陈𠮷"]),
        ("outsider", ["您的账号尚未分配角色"]),
    ],
)
def test_each_role_sees_its_home_on_a_phone(browser_page, cast, role, texts):
    page = browser_page(phone=True)
    _login(page, cast.user(role).username)
    _check(page, *texts)
    screenshot(page, f"home-{role}-phone")
    # Nothing sticks out sideways on a 390-pixel screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1


def test_a_wrong_password_gets_a_chinese_message(browser_page, cast):
    page = browser_page()
    page.goto("/login/")
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", "wrong")
    submit(page, "button[type=submit]")
    _check(page, "账号或密码不正确")


def test_an_out_of_scope_unit_shows_a_chinese_not_found_page(browser_page, cast):
    page = browser_page()
    _login(page, "unit_head")
    response = page.goto(f"/units/{cast.unit_b.pk}/")
    assert response.status == 404
    body = page.inner_text("body")
    assert "东城区教育局" not in body and "页面不存在" in body
    screenshot(page, "not-found")
