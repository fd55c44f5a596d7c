"""Headless Chromium at phone size (390 px): a member votes on the branch ballot with a one-time
code, without an account; the same code cannot vote twice; the branch secretary closes the
ballot on his phone and sees the votes per member. Screenshots in
test-artifacts/screenshots/evaluation-*.png."""

from __future__ import annotations

import re

import pytest

from conftest import screenshot
from dudao.evaluation import actions
from dudao.testing import PASSWORD

from .helpers import part

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ERROR_MARKERS = ["Traceback", "Server Error", "Page not found", "TemplateSyntaxError", "页面不存在"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _check(page, name: str, *texts: str) -> None:
    body = page.inner_text("body")
    for marker in ERROR_MARKERS:
        assert marker not in body, f"{page.url}: {marker}"
    assert len(CHINESE.findall(body)) > 15, f"{page.url}: too little Chinese text"
    for text in texts:
        assert text in body, f"{page.url} lacks {text!r}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, "scrolls sideways"
    screenshot(page, f"evaluation-{name}")


def test_a_member_votes_with_a_code_on_a_phone(browser_page, cast2005):
    ballot = actions.create_ballot(
        actor=cast2005.user("secretary"), participation=part(cast2005), branch=cast2005.branch_a1
    )
    code = actions.issue_codes(actor=cast2005.user("secretary"), ballot=ballot, count=1)[0]
    actions.open_ballot(actor=cast2005.user("secretary"), ballot=ballot)

    voter = browser_page(phone=True)
    voter.goto("/e/")
    _check(voter, "start", "输入评议码")
    voter.fill("input[name=code]", f"{code[:4].lower()}-{code[4:]}")
    with voter.expect_navigation():
        voter.click("button[type=submit]")
    _check(voter, "ballot", "王建国", "李晓梅", "张志强", "优秀", "不合格")
    # Submitting with one member left out names what is missing and keeps the choices.
    for name in ("王建国", "李晓梅"):
        voter.locator("fieldset", has_text=name).get_by_label("合格", exact=True).check()
    with voter.expect_navigation():
        voter.click("button[type=submit]")
    _check(voter, "ballot-missing", "还有党员没有评定等次")
    voter.locator("fieldset", has_text="张志强").get_by_label("优秀").check()
    with voter.expect_navigation():
        voter.click("button[type=submit]")
    _check(voter, "done", "评议票已提交")

    again = browser_page(phone=True)
    again.goto("/e/")
    again.fill("input[name=code]", code)
    with again.expect_navigation():
        again.click("button[type=submit]")
    _check(again, "used", "已经使用过")

    secretary = browser_page(phone=True)
    secretary.goto("/login/")
    secretary.fill("input[name=username]", "secretary")
    secretary.fill("input[name=password]", PASSWORD)
    secretary.click("button[type=submit]")
    secretary.wait_for_url("**/")
    secretary.goto(f"/evaluation/ballots/{ballot.pk}/")
    _check(secretary, "open", "评议结束后显示结果")
    with secretary.expect_navigation():
        secretary.click("text=结束评议并计票")
    _check(secretary, "results", "评议已结束", "优秀 1 票", "合格 1 票")
