"""Headless Chromium through the whole transition of one unit (issue 3, "Done when"):
the unit applies → the group orders remedial work → the unit fixes its records (the records
app's meeting page) and applies again → the group forwards → the office approves → the next
phase is open. Screenshots in test-artifacts/screenshots/transition-*.png."""

from __future__ import annotations

import re

import pytest

from conftest import screenshot, submit
from dudao.testing import PASSWORD

from .helpers import complete_study_phase_except_mobilisation, part

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ERROR_MARKERS = ["Traceback", "Server Error", "Page not found", "TemplateSyntaxError", "页面不存在"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _login(browser_page, username: str, *, phone=False):
    page = browser_page(phone=phone)
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
    screenshot(page, f"transition-{name}")


def test_a_unit_goes_through_remedial_work_to_the_next_phase(browser_page, cast2005):
    p = complete_study_phase_except_mobilisation(cast2005)
    unit_url = f"/transitions/units/{p.pk}/"

    # 1. The unit head applies; the page already shows what is missing.
    unit = _login(browser_page, "unit_head", phone=True)
    unit.goto(unit_url)
    _check(unit, "1-unit-before", "提出转段申请", "单位主要负责同志亲自作动员报告")
    unit.fill("textarea[name=summary]", "本阶段组织学习10场次，党员撰写学习心得6篇，参加测试5人。")
    submit(unit, "button:has-text('提交转段申请')")
    _check(unit, "2-unit-applied", "转段申请已提交（第1次）", "待督导组审核")
    assert unit.evaluate("document.documentElement.scrollWidth") <= 390 + 1

    # 2. The group sees the report beside the records and orders remedial work.
    group = _login(browser_page, "group_leader")
    group.goto(f"/transitions/groups/{cast2005.group1.pk}/")
    _check(group, "3-group-queue", "待审核的转段申请", "东城区财政局", "尚欠缺")
    submit(group, "table >> text=东城区财政局 >> nth=0")
    _check(group, "4-group-application", "要求核查", "记录总览", "责令补课")
    assert group.is_checked("input[name=requirements][value=mobilisation_meeting]")
    group.fill("form[action$='/remedial/'] textarea[name=reason]", "单位主要负责同志未作动员报告")
    group.fill(
        "form[action$='/remedial/'] textarea[name=work]", "由局长亲自召开动员大会并作动员报告"
    )
    submit(group, "button:has-text('责令补课')")
    _check(group, "5-group-remedial", "已责令补课", "责令补课")

    # 3. The unit records the mobilisation meeting on the records app's page and applies again.
    unit.goto(unit_url)
    _check(unit, "6-unit-remedial", "督导组责令补课", "由局长亲自召开动员大会并作动员报告")
    unit.goto(f"/records/{p.pk}/meetings/new/")
    unit.select_option("select[name=kind]", "mobilisation")
    unit.fill("input[name=date]", "2005-03-02")
    unit.fill("input[name=title]", "先进性教育活动动员大会")
    unit.fill("input[name=speaker]", "王建国")
    unit.select_option("select[name=speaker_role]", "unit_head")
    submit(unit, "button:has-text('保存')")
    _check(unit, "7-unit-meeting", "动员大会")
    unit.goto(unit_url)
    unit.fill("textarea[name=summary]", "已按督导组要求补开动员大会，局长亲自作动员报告。")
    submit(unit, "button:has-text('提交转段申请')")
    _check(unit, "8-unit-applied-again", "转段申请已提交（第2次）")

    # 4. The group forwards.
    group.goto(f"/transitions/groups/{cast2005.group1.pk}/")
    submit(group, "table >> text=东城区财政局 >> nth=0")
    _check(group, "9-group-second", "第2次转段申请", "可以转段")
    group.fill(
        "form[action$='/forward/'] textarea[name=comment]",
        "经审核，学习动员阶段各项要求均已达到，同意转段。",
    )
    submit(group, "button:has-text('转报活动办')")
    _check(group, "10-group-forwarded", "已转报活动办")

    # 5. The office approves from its queue.
    office = _login(browser_page, "clerk")
    office.goto(f"/transitions/campaigns/{cast2005.campaign.pk}/")
    _check(office, "11-office-dashboard", "各阶段单位数", "待审批的转段申请", "东城区财政局")
    submit(office, "table >> text=东城区财政局 >> nth=0")
    submit(office, "button:has-text('批准')")
    _check(office, "12-office-approved", "已批准转段")

    # 6. The next phase is open.
    assert part(cast2005).current_phase == "analysis"
    unit.goto(unit_url)
    _check(unit, "13-unit-next-phase", "分析评议", "小结和转段动员会")
    unit.goto(f"/transitions/timeline/{p.pk}/")
    _check(unit, "14-timeline", "督导组责令补课", "活动办批准转段", "分析评议")
