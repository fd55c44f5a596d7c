"""In headless Chromium at phone size: the clerk downloads the printed QR sheet, and a
respondent opens a code from it, answers and sees the thank-you page; a second code from the
sheet is typed by hand. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from docx2python import docx2python

from conftest import screenshot
from dudao.surveys.actions import close_round
from dudao.surveys.models import Tally
from dudao.surveys.tests.helpers import open_round
from dudao.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_qr_sheet_opens_and_its_codes_work_on_a_phone(browser_page, cast05, tmp_path):
    round_, _codes = open_round(cast05, codes=4)

    desk = browser_page()
    desk.goto("/login/")
    desk.fill("input[name=username]", "clerk")
    desk.fill("input[name=password]", PASSWORD)
    desk.click("button[type=submit]")
    desk.wait_for_url("**/")
    desk.goto(f"/surveys/rounds/{round_.pk}/")
    assert "测评进行中：结束前不显示任何票数" in desk.inner_text("body")
    screenshot(desk, "survey-round-desktop")
    with desk.expect_download() as download:
        desk.click("text=下载二维码测评卡（Word）")
    path = tmp_path / "sheet.docx"
    download.value.save_as(path)
    with docx2python(path) as doc:
        text = doc.text
        images = doc.images
    printed = re.findall(r"测评码 ([2-9A-Z]{4}-[2-9A-Z]{4})", text)
    assert len(printed) == 4 and len(images) == 4

    phone = browser_page(phone=True)
    first = printed[0].replace("-", "")
    phone.goto(f"/s/{first}/")  # what the QR code opens
    assert "分析评议阶段成效测评" in phone.inner_text("body")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    screenshot(phone, "survey-answer-phone")
    phone.check("input[name=found_problems][value=找准抓住了]")
    phone.check("input[name=formality][value=扎实认真]")
    phone.click("button:has-text('提交答卷')")
    phone.wait_for_selector("text=提交成功")
    assert "您的答卷已提交，谢谢参与。" in phone.inner_text("body")
    screenshot(phone, "survey-thanks-phone")

    phone.goto("/s/")
    phone.fill("input[name=code]", printed[1].lower())
    phone.click("button:has-text('开始答题')")
    phone.check("input[name=found_problems][value=基本找准]")
    phone.check("input[name=formality][value=比较扎实]")
    phone.click("button:has-text('提交答卷')")
    phone.wait_for_selector("text=提交成功")
    assert "谢谢参与" in phone.inner_text("body")

    phone.goto(f"/s/{first}/")
    assert "已经使用过" in phone.inner_text("body")
    screenshot(phone, "survey-used-phone")
    # Nothing is counted while the round is open (on SQLite the ballots wait sealed); the
    # closing counts both.
    close_round(actor=cast05.user("office"), round_=round_)
    total = sum(
        Tally.objects.filter(round=round_, question="formality").values_list("count", flat=True)
    )
    assert total == 2
