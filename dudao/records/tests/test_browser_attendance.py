"""On a phone (390 px, headless Chromium) the liaison ticks attendance for a session."""

from __future__ import annotations

import pytest

from conftest import screenshot
from dudao.records.models import Attendance, StudySession
from dudao.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_liaison_ticks_attendance_on_a_phone(browser_page, cast, pa):
    page = browser_page(phone=True)
    page.goto("/login/")
    page.fill("input[name=username]", "liaison")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(f"/records/{pa.pk}/sessions/new/")
    assert "登记学习" in page.inner_text("h1")
    page.select_option("select[name=kind]", "concentrated")
    page.fill("input[name=date]", "2005-01-29")
    page.fill("input[name=hours]", "4")
    page.fill("input[name=topic]", "学习《中国共产党章程》")
    page.click("button[data-tick=all]")  # scripted: ticks every row without a round trip
    assert page.inner_text("#tick-count") == "已选 6 / 6 人"
    page.click(f"text={cast.people['away'].name}")  # a tap on the name unticks the row
    page.fill(f"input[name=hours_{cast.people['member'].pk}]", "2")
    assert page.inner_text("#tick-count") == "已选 5 / 6 人"
    # Rows are big enough to tap, and nothing sticks out sideways.
    box = page.locator("ul.ticklist label.who").first.bounding_box()
    assert box["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    screenshot(page, "records-attendance-ticklist-phone")
    page.click("button[name=save]")
    page.wait_for_url("**/sessions/?phase=study")
    body = page.inner_text("body")
    assert "学习《中国共产党章程》" in body and "Traceback" not in body
    screenshot(page, "records-sessions-phone")
    session = StudySession.objects.get()
    assert session.attendances.count() == 5
    assert not Attendance.objects.filter(person=cast.people["away"]).exists()
    assert str(Attendance.objects.get(person=cast.people["member"]).hours) == "2.0"
    page.goto(f"/records/{pa.pk}/")
    body = page.inner_text("body")
    assert "参加人次" in body and "集中学习培训" in body
    screenshot(page, "records-hub-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
