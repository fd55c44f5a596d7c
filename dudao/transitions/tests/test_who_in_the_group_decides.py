"""Issue 13 §9: whether any member or only the leader forwards an application or orders
remedial work is the template's ``supervision.decides``; the page and the action ask the same
permits function, so they agree."""

from __future__ import annotations

import pytest

from dudao.core.errors import AccessDenied
from dudao.transitions.access import transition_permits
from dudao.transitions.actions import forward_application, order_remedial_work
from dudao.transitions.models import ApplicationStatus

from .helpers import apply

pytestmark = pytest.mark.django_db


def _decides(cast, **decides):
    template = cast.campaign.template
    template.data = {**template.data, "supervision": {"decides": decides, "source": "测试"}}
    template.save(update_fields=["data"])


def _page(client, cast, role, app) -> str:
    client.force_login(cast.user(role))
    return client.get(f"/transitions/applications/{app.pk}/").content.decode()


def test_under_the_default_a_member_can_neither_forward_nor_order_remedial_work(client, cast):
    app = apply(cast)
    member = cast.user("group_member")
    permits = transition_permits(member, app)
    assert not permits.may("forward") and not permits.may("remedial")
    assert "组长" in permits.reason("forward")
    with pytest.raises(AccessDenied, match="活动模板规定由督导组组长转报"):
        forward_application(actor=member, application=app)
    with pytest.raises(AccessDenied, match="活动模板规定由督导组组长责令补课"):
        order_remedial_work(actor=member, application=app, reason="走过场", work="重学")
    page = _page(client, cast, "group_member", app)
    assert f"/transitions/applications/{app.pk}/forward/" not in page
    assert f"/transitions/applications/{app.pk}/remedial/" not in page
    assert "由组长签发" in page
    response = client.post(f"/transitions/applications/{app.pk}/forward/", {"version": 1})
    assert response.status_code == 403
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    # The leader decides.
    assert f"/transitions/applications/{app.pk}/forward/" in _page(
        client, cast, "group_leader", app
    )
    forward_application(actor=cast.user("group_leader"), application=app)


def test_when_the_template_says_member_any_member_forwards(client, cast):
    _decides(cast, forward="member", order_remedial="leader")
    app = apply(cast)
    member = cast.user("group_member")
    permits = transition_permits(member, app)
    assert permits.may("forward") and not permits.may("remedial")
    page = _page(client, cast, "group_member", app)
    assert f"/transitions/applications/{app.pk}/forward/" in page
    assert f"/transitions/applications/{app.pk}/remedial/" not in page
    app = forward_application(actor=member, application=app, comment="同意")
    assert app.status == ApplicationStatus.FORWARDED and app.group_decided_by == member


def test_when_the_template_says_member_any_member_orders_remedial_work(cast):
    _decides(cast, forward="leader", order_remedial="member")
    app = apply(cast)
    member = cast.user("group_member")
    assert not transition_permits(member, app).may("forward")
    order = order_remedial_work(actor=member, application=app, reason="走过场", work="重学")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REMEDIAL and order.application_id == app.pk


def test_the_shipped_templates_keep_both_decisions_with_the_leader(cast2005):
    app = apply(cast2005)
    permits = transition_permits(cast2005.user("group_member"), app)
    assert not permits.may("forward") and not permits.may("remedial")
    assert transition_permits(cast2005.user("group_leader"), app).may("remedial")
