"""Gates read rectification: the shipped templates' requirements refuse a unit with an open
立即整改 item or without a regulation, and the consolidation stage asks for the look-back."""

from __future__ import annotations

import datetime as dt

import pytest

from dudao.campaigns.requirements import evaluate_campaign, evaluate_unit
from dudao.rectification import actions
from dudao.rectification.models import LookBackEntry, Regulation

from .helpers import new_item, part, with_evidence

pytestmark = pytest.mark.django_db


def _close(cast, item):
    with_evidence(cast, item)
    actions.apply_to_close(actor=cast.user("member"), item=item, evidence="已完成")
    actions.sign_off_close(actor=cast.user("unit_head"), item=item, accept=True)
    actions.sign_off_close(actor=cast.user("group_leader"), item=item, accept=True)


def test_it_refuses_the_rectify_phase_with_an_open_immediate_item(cast2005):
    p = part(cast2005)
    item = new_item(cast2005, rect_class="immediate")
    new_item(cast2005, rect_class="gradual")
    report = evaluate_unit(p, phase="rectify")
    result = report.result("immediate_items_closed")
    assert result.status == "failed" and result.blocking
    assert "未办结 1 项" in result.summary
    assert report.result("regulations_established").status == "failed"
    _close(cast2005, item)
    Regulation.objects.create(
        participation=p,
        title="机关党员学习培训制度",
        adopted_on=dt.date(2005, 4, 20),
        adopted_by="财政局党委",
        created_by=cast2005.user("liaison"),
    )
    report = evaluate_unit(p, phase="rectify")
    assert report.result("immediate_items_closed").status == "passed"
    assert report.result("regulations_established").status == "passed"


def test_it_asks_the_look_back_in_the_consolidation_stage(cast2005):
    p = part(cast2005)
    item = new_item(cast2005, rect_class="gradual", deadline=dt.date(2005, 5, 1))
    report = evaluate_unit(p, phase="consolidate")
    assert report.result("look_back_done").status == "failed"
    assert report.result("no_overdue_items").status == "failed"
    LookBackEntry.objects.create(
        item=item, outcome="extended", note="已申请延期", decided_by=cast2005.user("liaison")
    )
    actions.request_extension(
        actor=cast2005.user("member"),
        item=item,
        new_deadline=dt.date(2099, 1, 1),
        reason="跨部门协调",
    )
    actions.decide_extension(actor=cast2005.user("group_leader"), item=item, approve=True)
    report = evaluate_unit(p, phase="consolidate")
    assert report.result("no_overdue_items").status == "passed"
    # Every item is looked back at, but the result document is not approved yet.
    result = report.result("look_back_done")
    assert result.status == "failed" and "回头看情况报告尚未审核通过" in result.summary
    _approve_look_back_report(cast2005, p)
    report = evaluate_unit(p, phase="consolidate")
    assert report.result("look_back_done").status == "passed"


def _approve_look_back_report(cast, p, *, approve=True):
    from dudao.reviews import actions as review_actions

    doc = review_actions.submit_document(
        actor=cast.user("liaison"),
        participation=p,
        kind="look_back_report",
        title="回头看情况报告",
        text="对未解决的问题逐项回头看：已延期一项，理由已向群众说明。",
    )
    if approve:
        review_actions.decide(actor=cast.user("group_leader"), document=doc, decision="approved")
    return doc


def test_the_look_back_waits_for_its_result_document_to_be_approved(cast2005, client):
    p = part(cast2005)
    item = new_item(cast2005, rect_class="gradual", deadline=dt.date(2030, 5, 1))
    LookBackEntry.objects.create(
        item=item, outcome="explained", note="已向群众说明", decided_by=cast2005.user("liaison")
    )
    client.force_login(cast2005.user("liaison"))
    page = client.get(f"/rectification/units/{p.pk}/look-back/").content.decode()
    assert "尚未提交回头看情况报告" in page and "?kind=look_back_report" in page
    # Submitted, under review: not done yet.
    doc = _approve_look_back_report(cast2005, p, approve=False)
    assert evaluate_unit(p, phase="consolidate").result("look_back_done").status == "failed"
    page = client.get(f"/rectification/units/{p.pk}/look-back/").content.decode()
    assert f"/reviews/{doc.pk}/" in page and "已提交待审核" in page
    from dudao.reviews import actions as review_actions

    review_actions.decide(actor=cast2005.user("group_leader"), document=doc, decision="approved")
    assert evaluate_unit(p, phase="consolidate").result("look_back_done").status == "passed"
    page = client.get(f"/rectification/units/{p.pk}/look-back/").content.decode()
    assert "?kind=look_back_report" not in page


def test_it_evaluates_every_unit_at_once(cast2005):
    new_item(cast2005, rect_class="immediate")
    reports = evaluate_campaign(cast2005.campaign, phase="rectify", only=["immediate_items_closed"])
    statuses = {r.unit_name: r.result("immediate_items_closed").status for r in reports.values()}
    assert statuses == {"东城区财政局": "failed", "东城区教育局": "passed", "市档案馆": "passed"}


def test_it_uses_the_kinds_in_the_2014_template(db):
    from dudao.campaigns.template_loader import load_builtin_template

    template = load_builtin_template("qunzhong-luxian-2014")
    (phase,) = [ph for ph in template.data["phases"] if ph["code"] == "rectify_build"]
    kinds = {r["kind"] for r in phase["requirements"]}
    assert {"rectification_immediate_closed", "rectification_regulations_min"} <= kinds
