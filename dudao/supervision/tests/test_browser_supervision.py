"""Headless Chromium at phone size (390 px), issue 13 "Done when": a group member logs a visit
with a photo and records a problem; the unit answers it from its to-do list; the member
verifies it; the weekly report shows it, and its Word export opens with python-docx holding the
narrative and the figures. Screenshots in test-artifacts/screenshots/supervision-*.png."""

from __future__ import annotations

import io
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
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, "scrolls sideways"
    screenshot(page, f"supervision-{name}")


def test_a_visit_and_its_problem_go_to_the_weekly_report_and_word(browser_page, cast, tmp_path):
    from docx import Document

    p = part(cast)

    # 1. The member logs a forum with a photo; the draft is kept in the browser meanwhile.
    member = _login(browser_page, "group_member")
    member.goto(f"/supervision/units/{p.pk}/visit/")
    member.check("input[name=kind][value=forum]")
    member.fill("input[name=people_count]", "15")
    member.fill("textarea[name=notes]", "与窗口科室干部群众座谈，反映签到走形式")
    assert "草稿已保存" in member.inner_text("#draft-status")
    member.reload()
    assert member.input_value("textarea[name=notes]") == "与窗口科室干部群众座谈，反映签到走形式"
    photo = tmp_path / "座谈会.png"
    photo.write_bytes(PNG)
    member.set_input_files("input[name=photos]", str(photo))
    _check(member, "1-visit-form", "记录督导工作")
    submit(member, "button:has-text('发送')")
    _check(member, "2-visit-sent", "已记录", "与窗口科室干部群众座谈")
    assert member.locator(".thumbs img").count() == 1
    assert member.evaluate(f"localStorage.getItem('dudao-draft-visit-{p.pk}')") is None

    # 2. The member records a problem from the visit; the leader signs it off (the template's
    #    default: the leader, or a member with the leader's sign-off).
    submit(member, "text=登记发现的问题")
    member.fill("textarea[name=description]", "集中学习签到表与实际参加人数不符")
    submit(member, "button:has-text('登记')")
    _check(member, "3-problem-draft", "待组长签发")
    problem_url = member.url
    leader = _login(browser_page, "group_leader")
    leader.goto(problem_url)
    submit(leader, "button:has-text('签发给单位')")
    _check(leader, "4-problem-sent", "待单位答复")

    # 3. The unit finds it on its to-do list and answers.
    head = _login(browser_page, "unit_head")
    head.goto("/supervision/todo/")
    _check(head, "5-unit-todo", "我的待办", "集中学习签到表与实际参加人数不符")
    submit(head, "text=集中学习签到表与实际参加人数不符")
    head.fill("textarea[name=answer]", "已逐一核对签到，补签人员已按实际更正并通报")
    submit(head, "button:has-text('提交答复')")
    _check(head, "6-answered", "答复已送督导组核实", "待督导组核实")

    # 4. The member verifies it solved.
    member.goto("/supervision/todo/")
    _check(member, "7-member-todo", "单位已答复，请核实")
    member.goto(problem_url)
    member.check("input[name=decision][value=solved]")
    submit(member, "button:has-text('提交核实结论')")
    _check(member, "8-solved", "已核实解决", "已解决")

    # 5. The weekly report (compiled by the job) shows it; the leader writes and submits.
    from dudao.supervision.weekly import compile_current_week

    compile_current_week()
    leader.goto(f"/supervision/groups/{cast.group1.pk}/reports/")
    submit(leader, "ul a >> nth=0")
    body = leader.inner_text("table.figures")
    assert re.search(r"督导调研（次）\s+1", body) and re.search(r"督促解决问题（个）\s+1", body)
    leader.fill(
        "textarea[name=narrative]", "本周在东城区财政局召开座谈会，发现签到问题已督促解决。"
    )
    submit(leader, "button:has-text('报送活动办')")
    _check(leader, "9-report-submitted", "周报已报送活动办", "已报活动办")

    # 6. The office sees it side by side and exports it to Word.
    office = _login(browser_page, "clerk")
    office.goto(f"/supervision/campaigns/{cast.campaign.pk}/week/")
    _check(office, "10-office-week", "全活动汇总", "第一督导组", "第二督导组")
    office.click("table.side a:has-text('第一督导组')")
    office.wait_for_url("**/reports/*/")
    with office.expect_download() as info:
        office.click("text=导出 Word")
    doc = Document(io.BytesIO(open(info.value.path(), "rb").read()))
    text = "\n".join(x.text for x in doc.paragraphs)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "发现签到问题已督促解决" in text
    assert "督导调研（次）" in cells and "督促解决问题（个）" in cells
