"""Every reviews page as every role: allowed → 200 showing the document, denied → 404.
Unit head/liaison see their unit's documents, a member his own, the group its units', office and
leading group the whole campaign; inspectors, other branches' secretaries and outsiders get 404."""

from __future__ import annotations

import pytest
from django.test import Client

from dudao.reviews import actions
from dudao.testing import PASSWORD, ROLES

from .helpers import docx_upload, participation, submit_plan

READ_ALL = {"office", "leading"}
GROUP1 = {"group_leader", "group_member"}
UNIT_A = {"unit_head", "liaison"}


@pytest.fixture
def docs(cast05):
    plan = submit_plan(cast05, text="第一稿：实施方案正文，认真贯彻中央部署。")
    actions.decide(
        actor=cast05.user("group_leader"), document=plan, decision="returned", reason="请补充。"
    )
    plan = submit_plan(
        cast05,
        document=plan,
        upload=docx_upload(lambda d: d.add_paragraph("第二稿：实施方案正文。")),
    )
    note = actions.submit_document(
        actor=cast05.user("member"),
        participation=participation(cast05),
        kind="study_note",
        author=cast05.people["member"],
        title="陈𠮷的学习心得",
        text="学习心得正文。" * 10,
    )
    return plan, note


def _status(cast, role, url):
    client = Client()
    assert client.login(username=cast.user(role).username, password=PASSWORD)
    return client.get(url)


def _rows(cast, plan, note):
    c = cast.campaign.pk
    return [
        (f"/reviews/{plan.pk}/", READ_ALL | GROUP1 | UNIT_A, plan.title),
        (f"/reviews/{plan.pk}/diff/", READ_ALL | GROUP1 | UNIT_A, "第1稿 → 第2稿"),
        (f"/reviews/{plan.pk}/v/2/original/", READ_ALL | GROUP1 | UNIT_A, None),
        (f"/reviews/{note.pk}/", READ_ALL | GROUP1 | UNIT_A | {"member"}, "陈𠮷的学习心得"),
        (f"/reviews/c/{c}/", READ_ALL | GROUP1 | UNIT_A | {"member", "secretary"}, "文书审核"),
        (f"/reviews/c/{c}/copies/", READ_ALL | GROUP1, "雷同"),
        (f"/reviews/c/{c}/load/", READ_ALL | GROUP1, "审阅字数"),
        (f"/reviews/c/{c}/references/", {"office"}, "比对参考文本"),
        # The group's two are members of unit C: they may submit their own study notes there.
        (f"/reviews/c/{c}/new/", UNIT_A | GROUP1 | {"member", "secretary"}, "提交文书"),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_exactly_its_pages(cast05, docs, role):
    plan, note = docs
    for url, allowed, text in _rows(cast05, plan, note):
        response = _status(cast05, role, url)
        expected = 200 if role in allowed else 404
        assert response.status_code == expected, (role, url, response.status_code)
        if expected == 200 and text:
            assert text in response.content.decode()


def test_the_member_list_shows_only_his_own_documents(cast05, docs):
    plan, note = docs
    body = _status(cast05, "member", f"/reviews/c/{cast05.campaign.pk}/").content.decode()
    assert note.title in body and plan.title not in body


def test_a_document_of_another_campaign_is_404_for_the_office(cast05, docs):
    response = _status(cast05, "office", "/reviews/999999/")
    assert response.status_code == 404


@pytest.mark.parametrize("role", sorted(ROLES))
def test_the_list_offers_submitting_only_to_those_who_may_submit(cast05, role):
    """The list's "提交文书" button leads to the new-document page: shown exactly to the roles
    for whom that page answers 200 (not to the office, whose click would meet a 404)."""
    c = cast05.campaign.pk
    listed = _status(cast05, role, f"/reviews/c/{c}/")
    if listed.status_code != 200:
        return
    new_page = _status(cast05, role, f"/reviews/c/{c}/new/")
    offered = f'href="/reviews/c/{c}/new/"' in listed.content.decode()
    assert offered == (new_page.status_code == 200), (role, new_page.status_code)
