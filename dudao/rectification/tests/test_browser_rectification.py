"""Headless Chromium at phone size (390 px) through one item (issue 11, "Done when"): the group
orders an item, the owner posts progress with a photo and applies to close, the unit head and
then the group sign off; the item turns green; the unit publishes its list and the public page
shows it. Screenshots in test-artifacts/screenshots/rectification-*.png."""

from __future__ import annotations

import re

import pytest

from conftest import screenshot, submit
from dudao.testing import PASSWORD

from .helpers import PNG, part

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ERROR_MARKERS = ["Traceback", "Server Error", "Page not found", "TemplateSyntaxError", "页面不存在"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _login(browser_page, username: str):
    page = browser_page(phone=True)
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return page


def _check(page, name: str, *texts: str) -> None:
    body = page.inner_text("body")
    for marker in ERROR_MARKERS:
        assert marker not in body, f"{page.url}: {marker}"
    assert len(CHINESE.findall(body)) > 20, f"{page.url}: too little Chinese text"
    for text in texts:
        assert text in body, f"{page.url} lacks {text!r}"
    screenshot(page, f"rectification-{name}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, "scrolls sideways"


def test_an_item_goes_from_order_to_green_and_public(browser_page, cast, tmp_path):
    p = part(cast)

    # 1. The group orders an item for unit A with the member as the responsible person.
    group = _login(browser_page, "group_leader")
    group.goto(f"/rectification/units/{p.pk}/new/")
    group.select_option("select[name=level]", "organisation")
    group.fill("textarea[name=problem]", "办事窗口午休无人值守，群众反映办事难")
    group.select_option("select[name=source_kind]", "group_found")
    group.select_option("select[name=rect_class]", "immediate")
    group.fill("textarea[name=measures]", "实行午间轮流值班，公开值班电话")
    group.select_option("select[name=lead_person]", label="陈𠮷")
    group.fill("input[name=lead_post]", "窗口负责人")
    _check(group, "1-order", "登记整改事项")
    submit(group, "button:has-text('登记')")
    _check(group, "2-ordered", "已登记第 1 项整改事项", "整改中")
    item_url = group.url

    # 2. The owner finds it in his to-do list, posts progress with a photo, applies to close.
    owner = _login(browser_page, "member")
    owner.goto("/rectification/todo/")
    _check(owner, "3-todo", "我负责的整改事项", "办事窗口午休无人值守")
    submit(owner, "text=办事窗口午休无人值守")
    photo = tmp_path / "值班表.png"
    photo.write_bytes(PNG)
    owner.fill("textarea[name=text]", "已排出午间值班表并在窗口公示")
    owner.set_input_files("input[name=files]", str(photo))
    submit(owner, "button:has-text('提交进展')")
    _check(owner, "4-progress", "已记录整改进展", "已排出午间值班表")
    assert owner.locator(".thumbs img").count() == 1
    owner.click("summary:has-text('申请办结')")
    owner.fill("textarea[name=evidence]", "值班制度已执行两周，见值班表照片")
    submit(owner, "button:has-text('申请办结')")
    _check(owner, "5-applied", "已申请办结", "待单位主要负责人审批")

    # 3. The unit head signs off, then the group.
    head = _login(browser_page, "unit_head")
    head.goto(item_url)
    head.check("input[name=decision][value=accept]")
    submit(head, "button:has-text('提交审批意见')")
    _check(head, "6-head-signed", "审批意见已记录", "待督导组审批")
    group.goto(item_url)
    _check(group, "7-group-sign", "审批办结申请（督导组）")
    group.check("input[name=decision][value=accept]")
    submit(group, "button:has-text('提交审批意见')")
    _check(group, "8-closed", "已办结")
    assert group.locator("h1 .light-green").count() == 1

    # 4. The unit publishes its list; the public page (no login) shows the item, no names.
    liaison = _login(browser_page, "liaison")
    liaison.goto(f"/rectification/units/{p.pk}/")
    submit(liaison, "button:has-text('公示整改清单')")
    _check(liaison, "9-published", "已公示")
    public_url = liaison.locator("section.card a[href*='/r/']").get_attribute("href")
    public = browser_page(phone=True)
    public.goto(public_url)
    _check(public, "10-public", "整改情况公示", "办事窗口午休无人值守", "窗口负责人", "已办结")
    assert "陈𠮷" not in public.inner_text("body")
    assert public.locator(".light-green").count() == 1
