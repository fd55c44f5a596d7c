"""Headless Chromium at phone size (390 px) through the opinion workflow (issue 12, "Done
when"): the unit opens its box, two people leave the same opinion through it without logging
in, the group merges them and confirms the category the product suggests, the unit feeds it
back collectively, and the register shows it fed back. Screenshots in
test-artifacts/screenshots/opinions-*.png."""

from __future__ import annotations

import re

import pytest

from conftest import screenshot, submit
from dudao.testing import PASSWORD

from .helpers import part

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ERROR_MARKERS = ["Traceback", "Server Error", "Page not found", "TemplateSyntaxError", "页面不存在"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")
FIRST = "机关会议太多、文件太多，基层干部疲于应付，建议精简会议文件。"
SECOND = "机关会议太多，文件也太多，基层干部疲于应付，希望精简会议和文件！"


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
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, "scrolls sideways"
    screenshot(page, f"opinions-{name}")


def test_an_opinion_from_the_box_is_merged_classified_and_fed_back(browser_page, cast2014):
    from dudao.opinions.models import Opinion, OpinionBox

    p = part(cast2014)

    # 1. The unit opens its opinion box and gets the QR code to post up.
    unit = _login(browser_page, "liaison")
    unit.goto(f"/opinions/units/{p.pk}/box/")
    submit(unit, "button:has-text('开设意见箱')")
    _check(unit, "1-box-opened", "意见箱已开设", "群众扫描二维码即可提意见")
    assert unit.locator(".qr svg").count() == 1
    token = OpinionBox.objects.get(participation=p).token

    # 2. Two people, on their own phones and without an account, leave the same opinion.
    for n, text in enumerate((FIRST, SECOND), start=1):
        visitor = browser_page(phone=True)
        visitor.goto(f"/s/box/{token}/")
        assert visitor.locator("script").count() == 0
        if n == 1:
            _check(visitor, "2-public-box", "东城区财政局 意见箱", "不记录您的姓名")
        visitor.fill("textarea[name=text]", text)
        visitor.check("input[name=target_kind][value=team]")
        visitor.select_option("select[name=giver_kind]", "service")
        submit(visitor, "button:has-text('提交意见')")
        _check(visitor, f"3-public-thanks-{n}", "您的意见已收到")
    assert Opinion.objects.filter(origin="box").count() == 2

    # 3. The group sees the two as near-duplicates and merges them.
    group = _login(browser_page, "group_leader")
    group.goto(f"/opinions/units/{p.pk}/duplicates/")
    _check(group, "4-duplicates", "第 1 组（2 条）", FIRST)
    submit(group, "button:has-text('合并')")
    _check(group, "5-merged", "已合并：同类意见 2 条")
    group.goto(f"/opinions/units/{p.pk}/")
    _check(group, "6-register", "同类意见 2 条", "未归类", "未反馈")

    # 4. ... opens it, sees the suggested category (形式主义: 会多, 文山会海 …) and confirms it.
    submit(group, f"text={FIRST[:20]}")
    _check(group, "7-suggested", "系统建议", "形式主义")
    group.check("input[name=codes][value=formalism]")
    submit(group, "button:has-text('确认类别')")
    _check(group, "8-classified", "已确认类别", "形式主义")

    # 5. The unit feeds it back to the team collectively.
    head = _login(browser_page, "unit_head")
    head.goto(f"/opinions/units/{p.pk}/feedback/")
    _check(head, "9-feedback", "集体反馈（1 条未反馈）", "同类意见 2 条")
    form = head.locator("form#team")
    form.locator("select[name=form]").select_option("meeting")
    form.locator("select[name=outcome]").select_option("adopted")
    form.locator("textarea[name=text]").fill("班子专题研究，本月起会议文件压减三成")
    submit(head, "form#team button:has-text('集体反馈')")
    _check(head, "10-fed-back", "已集体反馈 1 条意见", "已反馈（已采纳）", "同类意见 2 条")
    assert Opinion.objects.filter(feedback__isnull=False).count() == 2
