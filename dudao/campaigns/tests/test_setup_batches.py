"""Batches on the set-up hub: dates are set and changed, batches are added; every change is an
audit event."""

from __future__ import annotations

import datetime as dt

import pytest

from dudao.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_sets_a_batch_s_dates(client, cast):
    clerk = cast.user("office")
    client.force_login(clerk)
    batch = cast.campaign.batches.get(number=1)
    response = client.post(
        f"/campaigns/{cast.campaign.pk}/batches/{batch.pk}/edit/",
        {
            "name": "第一批",
            "scope": "市直机关",
            "start_date": "2005-01-23",
            "end_date": "2005-06-30",
        },
        follow=True,
    )
    assert "已保存第一批" in response.content.decode()
    batch.refresh_from_db()
    assert (batch.scope, batch.start_date, batch.end_date) == (
        "市直机关",
        dt.date(2005, 1, 23),
        dt.date(2005, 6, 30),
    )
    event = AuditEvent.objects.filter(action="batch.update").latest("seq")
    assert event.actor_id == clerk.pk and event.data["to"]["end_date"] == "2005-06-30"
    assert "2005年6月30日" in response.content.decode()


def test_an_end_before_the_start_is_refused(client, cast):
    client.force_login(cast.user("office"))
    batch = cast.campaign.batches.get(number=1)
    response = client.post(
        f"/campaigns/{cast.campaign.pk}/batches/{batch.pk}/edit/",
        {"name": "第一批", "start_date": "2005-06-30", "end_date": "2005-01-23"},
        follow=True,
    )
    assert "不能早于开始日期" in response.content.decode()
    batch.refresh_from_db()
    assert batch.start_date is None
    assert not AuditEvent.objects.filter(action="batch.update").exists()


def test_it_adds_a_batch(client, cast):
    client.force_login(cast.user("office"))
    client.post(
        f"/campaigns/{cast.campaign.pk}/batches/",
        {"number": 3, "name": "第三批", "scope": "农村", "start_date": "2006-01-01"},
    )
    batch = cast.campaign.batches.get(number=3)
    assert (batch.name, batch.scope) == ("第三批", "农村")
    assert AuditEvent.objects.filter(action="batch.create", target_id=str(batch.pk)).exists()


def test_another_campaign_s_batch_is_not_found(client, cast):
    from dudao.campaigns import actions

    other = actions.create_campaign(
        actor=None, template=cast.campaign.template, root=cast.city, start_date=dt.date(2006, 1, 1)
    )
    client.force_login(cast.user("office"))
    batch = other.batches.get(number=1)
    response = client.post(
        f"/campaigns/{cast.campaign.pk}/batches/{batch.pk}/edit/",
        {"name": "改名", "signature": ""},
    )
    assert response.status_code == 404
    batch.refresh_from_db()
    assert batch.name == "第一批"
