from __future__ import annotations

import pytest

from dudao.core.todo import providers, todo_count, todo_sections
from dudao.transitions.actions import order_remedial_work
from dudao.transitions.tests.helpers import apply

from .helpers import part, problem

pytestmark = pytest.mark.django_db


def _titles(user):
    return [t.title for _s, items in todo_sections(user) for t in items]


def test_every_app_registers_its_providers_in_one_registry():
    codes = {p.code for p in providers()}
    assert {
        "transitions.remedial",
        "transitions.sent_back",
        "transitions.queue",
        "reviews.returned",
        "reviews.waiting",
        "rectification.items",
        "supervision.problems",
        "supervision.reports",
    } <= codes


def test_a_remedial_order_is_on_the_units_list_in_the_next_request(cast, client):
    app = apply(cast)
    client.force_login(cast.user("unit_head"))
    assert "须补课" not in client.get("/supervision/todo/").content.decode()
    order_remedial_work(
        actor=cast.user("group_leader"),
        application=app,
        reason="学习笔记雷同",
        work="重新组织专题学习并交心得",
    )
    html = client.get("/supervision/todo/").content.decode()
    assert "须补课" in html and "重新组织专题学习并交心得" in html
    # The group's queue had the application; it is gone once decided.
    assert not any("转段申请" in t for t in _titles(cast.user("group_leader")))


def test_a_sent_back_application_shows_its_reason_to_the_unit(cast, client):
    from dudao.transitions.actions import forward_application, send_back_application

    app = apply(cast)
    app = forward_application(actor=cast.user("group_leader"), application=app)
    send_back_application(actor=cast.user("office"), application=app, reason="小结过于简单")
    reasons = [t.reason for _s, items in todo_sections(cast.user("liaison")) for t in items]
    assert any("小结过于简单" in r for r in reasons)
    client.force_login(cast.user("unit_head"))
    page = client.get(f"/transitions/units/{part(cast).pk}/").content.decode()
    assert "小结过于简单" in page and "last-send-back" in page


def test_problems_wait_on_the_unit_then_the_group_and_the_nav_counts_them(cast, client):
    p = problem(cast)
    assert any(p.description[:10] in t for t in _titles(cast.user("unit_head")))
    assert not any(p.description[:10] in t for t in _titles(cast.user("group_member")))
    assert todo_count(cast.user("unit_head")) >= 1
    client.force_login(cast.user("unit_head"))
    html = client.get("/").content.decode()
    assert "/supervision/todo/" in html and 'class="badge warn"' in html
    from dudao.supervision.actions import answer_problem

    answer_problem(actor=cast.user("unit_head"), problem=p, answer="已解决")
    assert any(p.description[:10] in t for t in _titles(cast.user("group_member")))
    assert not any(p.description[:10] in t for t in _titles(cast.user("unit_head")))
    # Nobody outside sees it waiting.
    for role in ("outsider", "member", "inspector"):
        assert not any(p.description[:10] in t for t in _titles(cast.user(role)))


def test_a_study_note_waits_with_the_branch_secretary_not_the_group(cast2005):
    from dudao.reviews.actions import submit_document

    cast = cast2005
    submit_document(
        actor=cast.user("liaison"),
        participation=part(cast),
        kind="study_note",
        author=cast.people["liaison"],
        title="学习心得",
        text="心得正文" * 50,
    )
    titles_secretary = [t for t in _titles(cast.user("secretary")) if "学习心得" in t]
    assert titles_secretary
    assert not [t for t in _titles(cast.user("group_leader")) if "学习心得" in t]
