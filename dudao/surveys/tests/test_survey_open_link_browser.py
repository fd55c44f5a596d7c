"""In headless Chromium: the clerk turns on a round's open link (the template allows it), a
phone opens the link, answers, and opening it again says this device has answered."""

from __future__ import annotations

import pytest

from conftest import screenshot
from dudao.campaigns.template_loader import load_template
from dudao.surveys.actions import close_round
from dudao.surveys.models import Tally
from dudao.surveys.tests.helpers import open_round
from dudao.surveys.tests.test_survey_open_link import _template_file
from dudao.testing import PASSWORD, build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_phone_answers_through_the_open_link_once(browser_page, tmp_path):
    cast = build_cast(
        template=load_template(actor=None, path=_template_file(tmp_path, open_link=True))
    )
    round_, _ = open_round(cast)

    desk = browser_page()
    desk.goto("/login/")
    desk.fill("input[name=username]", "clerk")
    desk.fill("input[name=password]", PASSWORD)
    desk.click("button[type=submit]")
    desk.wait_for_url("**/")
    desk.goto(f"/surveys/rounds/{round_.pk}/")
    desk.click("button:has-text('开放公开链接')")
    desk.wait_for_selector("text=已开放公开链接")
    link = desk.inner_text("div.open-link code")
    assert "/s/open/" in link
    assert desk.locator("img[alt=公开链接二维码]").count() == 1
    screenshot(desk, "survey-open-link-desktop")

    phone = browser_page(phone=True)
    path = link[link.index("/s/open/") :]
    phone.goto(path)
    assert "分析评议阶段成效测评" in phone.inner_text("body")
    phone.check("input[name=found_problems][value=基本找准]")
    phone.check("input[name=formality][value=比较扎实]")
    phone.click("button:has-text('提交答卷')")
    phone.wait_for_selector("text=提交成功")
    phone.goto(path)
    assert "这台设备已经回答过本次测评" in phone.inner_text("body")
    screenshot(phone, "survey-open-link-answered-phone")
    # Counted at closing (on SQLite the ballot waits sealed until then).
    close_round(actor=cast.user("office"), round_=round_)
    total = sum(
        Tally.objects.filter(round=round_, question="formality").values_list("count", flat=True)
    )
    assert total == 1
