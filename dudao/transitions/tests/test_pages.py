"""The pages through the test client: what each role sees and what the forms do."""

from __future__ import annotations

import pytest

from dudao.transitions.models import ApplicationStatus, RemedialOrder, TransitionApplication

from .helpers import apply, part

pytestmark = pytest.mark.django_db


def _body(response) -> str:
    return response.content.decode()


def test_the_office_dashboard_charts_phases_and_lists_units_failing_each_requirement(
    client, cast2005
):
    client.force_login(cast2005.user("office"))
    body = _body(client.get(f"/transitions/campaigns/{cast2005.campaign.pk}/"))
    assert "各阶段单位数" in body and 'class="bar-fill" style="width: 100.0%"' in body
    assert "每名党员学习培训不少于45个学时：未达到 3 个单位" in body
    assert "东城区教育局" in body and "市档案馆" in body


def test_the_group_dashboard_shows_what_each_unit_lacks(client, cast2005):
    apply(cast2005)
    client.force_login(cast2005.user("group_member"))
    body = _body(client.get(f"/transitions/groups/{cast2005.group1.pk}/"))
    assert "东城区财政局" in body and "中心组辅导学习不少于1天" in body
    assert "待审核的转段申请" in body and "第1次" in body
    assert "东城区教育局" not in body  # group 2's unit


def test_the_unit_applies_through_the_form_and_sees_the_application(client, cast):
    client.force_login(cast.user("liaison"))
    url = f"/transitions/units/{part(cast).pk}/"
    assert "提出转段申请" in _body(client.get(url))
    response = client.post(url + "apply/", {"summary": ""}, follow=True)
    assert "请填写阶段小结" in _body(response)
    response = client.post(url + "apply/", {"summary": "学习12场次"}, follow=True)
    assert "转段申请已提交（第1次）" in _body(response)
    assert TransitionApplication.objects.get().submitted_by == cast.user("liaison")


def test_the_group_cannot_forward_a_failing_unit_and_orders_remedial_work_instead(client, cast2005):
    app = apply(cast2005)
    client.force_login(cast2005.user("group_leader"))
    url = f"/transitions/applications/{app.pk}/"
    page = _body(client.get(url))
    assert (
        "转报活动办" in page and "责令补课" in page and f"/records/{app.participation_id}/" in page
    )
    response = client.post(url + "forward/", {"version": 1}, follow=True)
    assert "不能转报" in _body(response) and "45个学时" in _body(response)
    response = client.post(
        url + "remedial/",
        {"version": 1, "reason": "", "work": "补学时", "requirements": ["study_hours"]},
        follow=True,
    )
    assert "请填写责令补课的理由" in _body(response)
    response = client.post(
        url + "remedial/",
        {
            "version": 1,
            "reason": "学时不足",
            "work": "补足学时",
            "requirements": ["study_hours", "knowledge_test"],
        },
        follow=True,
    )
    assert "已责令补课" in _body(response)
    order = RemedialOrder.objects.get()
    assert order.requirement_codes == ["study_hours", "knowledge_test"]
    client.force_login(cast2005.user("unit_head"))
    page = _body(client.get(f"/transitions/units/{app.participation_id}/"))
    assert "督导组责令补课" in page and "补足学时" in page and "提交转段申请" in page


def test_a_stale_form_is_refused_with_who_decided_first(client, cast):
    app = apply(cast)
    url = f"/transitions/applications/{app.pk}/"
    client.force_login(cast.user("group_leader"))
    client.post(url + "forward/", {"version": 1})
    response = client.post(
        url + "remedial/", {"version": 1, "reason": "r", "work": "w"}, follow=True
    )
    assert "刘振华已于" in _body(response) and "转报活动办" in _body(response)
    assert TransitionApplication.objects.get().status == ApplicationStatus.FORWARDED


def test_the_office_approves_from_the_application_page(client, cast):
    app = apply(cast)
    client.force_login(cast.user("group_leader"))
    client.post(f"/transitions/applications/{app.pk}/forward/", {"version": 1, "comment": "同意"})
    client.force_login(cast.user("office"))
    dash = _body(client.get(f"/transitions/campaigns/{cast.campaign.pk}/"))
    assert "东城区财政局" in dash and "已转报活动办" in dash
    page = _body(client.get(f"/transitions/applications/{app.pk}/"))
    assert "批准转段" in page and "退回申请" in page
    response = client.post(
        f"/transitions/applications/{app.pk}/send-back/", {"version": 2, "reason": ""}, follow=True
    )
    assert "请填写退回的理由" in _body(response)
    response = client.post(
        f"/transitions/applications/{app.pk}/approve/", {"version": 2}, follow=True
    )
    assert "已批准转段" in _body(response)
    assert part(cast).current_phase == "analysis"


def test_the_group_proposes_and_the_office_decides_an_extension(client, cast2005):
    p = part(cast2005)
    client.force_login(cast2005.user("group_leader"))
    response = client.post(
        f"/transitions/units/{p.pk}/extension/", {"days": 10, "reason": "进度服从质量"}, follow=True
    )
    assert "已提出延长建议" in _body(response)
    client.force_login(cast2005.user("office"))
    dash = _body(client.get(f"/transitions/campaigns/{cast2005.campaign.pk}/"))
    assert "建议“学习动员”阶段延长 10 天" in dash
    ext = p.phase_extensions.get()
    response = client.post(
        f"/transitions/extensions/{ext.pk}/decide/",
        {"version": 1, "decision": "refuse", "reason": ""},
        follow=True,
    )
    assert "请填写不同意延长的理由" in _body(response)
    client.post(f"/transitions/extensions/{ext.pk}/decide/", {"version": 1, "decision": "approve"})
    body = _body(client.get(f"/transitions/timeline/{p.pk}/"))
    assert "含延长 10 天" in body and "活动办已同意延长" in body
