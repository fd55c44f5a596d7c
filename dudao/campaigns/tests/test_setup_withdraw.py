"""A unit enrolled by mistake is withdrawn with a reason; once past the first phase it stays."""

from __future__ import annotations

import pytest

from dudao.campaigns.models import Participation
from dudao.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _url(cast, p):
    return f"/campaigns/{cast.campaign.pk}/participations/{p.pk}/withdraw/"


def test_it_withdraws_a_unit_with_a_reason(client, cast):
    client.force_login(cast.user("office"))
    p = Participation.objects.get(unit=cast.unit_b)
    response = client.post(_url(cast, p), {"reason": ""}, follow=True)
    assert "撤出参加单位须填写理由" in response.content.decode()
    assert Participation.objects.filter(pk=p.pk).exists()

    client.post(_url(cast, p), {"reason": "误列入，该局参加第二批"})
    assert not Participation.objects.filter(pk=p.pk).exists()
    event = AuditEvent.objects.get(action="participation.withdraw")
    assert event.reason == "误列入，该局参加第二批"
    assert event.data == {"unit": "U002", "batch": 1, "group": "G02"}
    # A second click finds nothing to do.
    again = client.post(_url(cast, p), {"reason": "误列入"}, follow=True)
    assert "已不在本活动中" in again.content.decode()
    assert AuditEvent.objects.filter(action="participation.withdraw").count() == 1


def test_a_unit_past_the_first_phase_cannot_be_withdrawn(client, cast):
    client.force_login(cast.user("office"))
    p = Participation.objects.get(unit=cast.unit_b)
    Participation.objects.filter(pk=p.pk).update(current_phase="analysis")
    response = client.post(_url(cast, p), {"reason": "误列入"}, follow=True)
    assert "已进入分析评议阶段，不能撤出" in response.content.decode()
    assert Participation.objects.filter(pk=p.pk).exists()
