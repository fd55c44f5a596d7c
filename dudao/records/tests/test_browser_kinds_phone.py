"""On a phone (390 px) the generic record pages fit: a list, an edit form with its delete box,
a frozen record with its correction page, the exemptions awaiting the group, and the hub
showing a correction made after approval. Nothing sticks out sideways."""

from __future__ import annotations

import pytest

from conftest import screenshot, submit
from dudao.records import actions
from dudao.testing import PASSWORD

from .conftest import SATURDAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page, name: str) -> str:
    body = page.inner_text("body")
    assert "Traceback" not in body and "Server Error" not in body, page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, page.url
    screenshot(page, name)
    return body


def test_the_record_pages_fit_a_phone(browser_page, cast, pa):
    liaison = cast.user("liaison")
    people = cast.people
    actions.record_criticism(
        actor=liaison, participation=pa, critic=people["head"], target=people["member"],
        text="理论学习不够系统，联系实际不够紧密，" * 4,
    )  # fmt: skip
    meeting = actions.record_meeting(
        actor=liaison, participation=pa, kind="mobilisation", date=SATURDAY, title="动员大会"
    )
    actions.record_exemption(
        actor=liaison, participation=pa, person=people["away"], requirement="study_hours",
        reason="away", explanation="外出务工，在广州",
    )  # fmt: skip
    page = browser_page(phone=True)
    page.goto("/login/")
    page.fill("input[name=username]", "liaison")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(f"/records/{pa.pk}/criticisms/")
    assert "理论学习不够系统" in _fits(page, "records-criticisms-phone")
    page.goto(f"/records/{pa.pk}/meetings/{meeting.pk}/")
    assert "删除这条会议" in _fits(page, "records-meeting-edit-phone")
    page.goto(f"/records/{pa.pk}/exemptions/")
    assert "待督导组确认" in _fits(page, "records-exemptions-phone")
    # The unit moves on: the meeting is frozen evidence, corrected with a reason.
    pa.current_phase = "analysis"
    pa.save(update_fields=["current_phase"])
    page.goto(f"/records/{pa.pk}/meetings/{meeting.pk}/")
    assert "转段已经批准" in _fits(page, "records-meeting-frozen-phone")
    submit(page, "a.button:has-text('提交更正')")
    page.fill("input[name=title]", "先进性教育动员大会")
    page.fill("input[name=correction_reason]", "会议名称录错")
    _fits(page, "records-meeting-correct-phone")
    submit(page, "form.card button.primary")
    page.wait_for_load_state()
    screenshot(page, "records-meeting-corrected-phone")
    page.wait_for_url("**/meetings/?phase=study")
    page.goto(f"/records/{pa.pk}/?phase=study")
    assert "批准后改动" in _fits(page, "records-hub-corrections-phone")
