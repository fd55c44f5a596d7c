"""In Chromium: a group member returns a plan with a comment anchored to a quoted passage, the
unit resubmits, the diff shows the change, the comment is marked addressed and the plan is
approved. Forms are plain HTML forms (no JavaScript needed); the phone width is checked too."""

from __future__ import annotations

import pytest

from conftest import screenshot, submit
from dudao.reviews.models import Document
from dudao.testing import PASSWORD

from .helpers import PLAN_V1, submit_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUOTE = "每个阶段不少于一个月"
NEW = "学习动员阶段自3月1日至3月31日"


def _login(page, username: str) -> None:
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def _logout(page) -> None:
    page.context.clear_cookies()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_return_with_comment_resubmit_diff_address_approve(browser_page, cast05, phone):
    doc = submit_plan(cast05)
    page = browser_page(phone=phone)
    size = "phone" if phone else "desktop"

    _login(page, "group_member")
    page.goto(f"/reviews/{doc.pk}/")
    page.fill("#comment-form textarea[name=quote]", QUOTE)
    page.fill("#comment-form textarea[name=body]", "请写明各阶段的起止时间。")
    submit(page, "#comment-form button[type=submit]")
    assert "1 条批注未解决" in page.inner_text("body")
    assert page.inner_text("#doc-text mark").startswith(QUOTE)
    page.check("#decide-form input[name=decision][value=returned]")
    page.fill("#decide-form textarea[name=reason]", "阶段时间不明确，见批注。")
    submit(page, "#decide-form button[type=submit]")
    assert page.inner_text("#doc-status") == "退回修改"
    screenshot(page, f"reviews-returned-{size}")
    _logout(page)

    _login(page, "liaison")
    page.goto(f"/reviews/{doc.pk}/")
    page.fill("#resubmit textarea[name=text]", PLAN_V1.replace(QUOTE, NEW))
    submit(page, "#resubmit button[type=submit]")
    assert page.inner_text("#doc-status") == "已提交待审核"
    submit(page, "#diff-link")
    changed = page.locator("table.diff tr.changed")
    assert NEW in changed.locator("td").nth(1).inner_text()
    assert QUOTE in changed.locator("td").nth(0).inner_text()
    inserted = "".join(changed.locator("ins").all_inner_texts())
    deleted = "".join(changed.locator("del").all_inner_texts())
    assert "学习动员" in inserted and "3月31日" in inserted and "不少于" in deleted
    screenshot(page, f"reviews-diff-{size}")
    _logout(page)

    _login(page, "group_leader")
    page.goto(f"/reviews/{doc.pk}/")
    assert "原文已改动" in page.inner_text("#comments ~ div, .comment")
    page.check(".comment input[name=addressed][value='1']")
    submit(page, ".comment form button[type=submit]")
    assert page.inner_text(".comment .comment-status") == "已修改"
    for code in ("leaders_lead", "problems_found", "guarantees"):
        page.select_option(f"#decide-form select[name=score_{code}]", "2")
    page.check("#decide-form input[name=decision][value=approved]")
    submit(page, "#decide-form button[type=submit]")
    assert page.inner_text("#doc-status") == "审核通过"
    screenshot(page, f"reviews-approved-{size}")
    doc = Document.objects.get(pk=doc.pk)
    assert doc.status == "approved"
    assert [r.decision for r in doc.rounds.order_by("number")] == ["returned", "approved"]
