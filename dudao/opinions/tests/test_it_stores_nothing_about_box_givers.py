"""The public opinion box (issue 12 §4): login-free, no JavaScript; no account, address, device
identifier or exact time stored (schema and row tests, as for surveys); abuse limited without
identity; moderation audited."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.db import connection, models
from django.utils import timezone

from dudao.core.models import AuditEvent
from dudao.opinions.actions import hide_opinion, open_box
from dudao.opinions.models import Opinion, OpinionBand, OpinionBox, Origin

from .helpers import part

pytestmark = pytest.mark.django_db

IP = "203.0.113.77"
AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) TestPhone/1.0"


def _columns(model) -> set[str]:
    with connection.cursor() as cur:
        return {
            c.name
            for c in connection.introspection.get_table_description(cur, model._meta.db_table)
        }


def test_the_opinion_table_has_no_time_no_address_and_no_device_column():
    cols = _columns(Opinion)
    for name in cols:
        words = set(name.lower().split("_"))
        assert not words & {
            "ip",
            "address",
            "agent",
            "session",
            "device",
            "cookie",
            "time",
            "at",
        }, name
    for f in Opinion._meta.concrete_fields:
        assert not isinstance(f, models.DateTimeField | models.TimeField), f.name
    # The only date is the day it was given; the only account is who entered it (staff).
    assert {f.name for f in Opinion._meta.concrete_fields if isinstance(f, models.DateField)} == {
        "given_on"
    }
    assert _columns(OpinionBand) == {"id", "opinion_id", "campaign_id", "key"}


def _box(cast):
    return open_box(actor=cast.user("liaison"), participation=part(cast))


def _leave(client, box, text="办事窗口中午没人，群众白跑一趟", **extra):
    return client.post(
        f"/s/box/{box.token}/",
        {"text": text, "target_kind": "team", "giver_kind": "service", **extra},
        REMOTE_ADDR=IP,
        HTTP_USER_AGENT=AGENT,
        HTTP_X_FORWARDED_FOR=IP,
    )


def test_a_box_opinion_stores_only_text_target_kind_and_date(cast2014, client):
    box = _box(cast2014)
    page = client.get(f"/s/box/{box.token}/")
    html = page.content.decode()
    assert page.status_code == 200 and "<script" not in html and "意见箱" in html
    events = AuditEvent.objects.count()
    response = _leave(client, box)
    assert "您的意见已收到" in response.content.decode()
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    assert AuditEvent.objects.count() == events  # an event would carry a time
    (row,) = Opinion.objects.filter(origin=Origin.BOX).values()
    assert row["created_by_id"] is None and row["giver_note"] == ""
    assert row["given_on"] == timezone.localdate()
    dump = json.dumps([row, list(OpinionBand.objects.values())], ensure_ascii=False, default=str)
    for trace in (IP, "203.0.113", "iPhone", "TestPhone", response.cookies["dudao_box"].value):
        assert trace not in dump
    # Nothing else in the database learnt the address or the agent either.
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.CharField | models.TextField | models.GenericIPAddressField):
                assert not model.objects.filter(**{f"{f.name}__contains": IP}).exists(), (
                    f"{model._meta.label}.{f.name}"
                )


def test_abuse_is_limited_without_identity(cast2014, client, settings):
    box = _box(cast2014)
    assert "已收到" in _leave(client, box, "第一条意见：会议太多").content.decode()
    # The same text again the same day is not stored twice (from any device).
    assert "内容相同" in _leave(client.__class__(), box, "第一条意见：会议太多").content.decode()
    # The device's own count (its cookie) stops it at the template's limit.
    for i in range(4):
        _leave(client, box, f"第{i + 2}条不同的意见，内容各不相同{i}")
    assert Opinion.objects.filter(origin=Origin.BOX).count() == 5
    assert "本设备今天" in _leave(client, box, "第六条意见").content.decode()
    # The box's daily cap holds for every device together (no device is known).
    data = dict(part(cast2014).campaign.template.data)
    data["opinions"] = {**data["opinions"], "box_daily_limit": 5}
    type(part(cast2014).campaign.template).objects.filter(
        pk=part(cast2014).campaign.template_id
    ).update(data=data)
    assert "已达上限" in _leave(client.__class__(), box, "另一台设备的意见").content.decode()
    assert Opinion.objects.filter(origin=Origin.BOX).count() == 5


def test_a_robot_filling_the_trap_stores_nothing(cast2014, client):
    box = _box(cast2014)
    _leave(client, box, website="http://spam.example")
    assert not Opinion.objects.filter(origin=Origin.BOX).exists()


def test_a_closed_or_unknown_box_takes_nothing(cast2014, client):
    from dudao.opinions.actions import close_box

    box = _box(cast2014)
    close_box(actor=cast2014.user("liaison"), participation=part(cast2014))
    assert "已关闭" in _leave(client, box).content.decode()
    assert "已关闭" in client.get("/s/box/nonsense/").content.decode()
    assert not Opinion.objects.exists()


def test_the_group_hides_an_opinion_with_a_reason_and_it_is_audited(cast2014, client):
    from dudao.core.errors import AccessDenied, DomainError

    box = _box(cast2014)
    _leave(client, box, "与本单位无关的广告内容")
    o = Opinion.objects.get()
    with pytest.raises(DomainError):
        hide_opinion(actor=cast2014.user("group_leader"), opinion=o, reason=" ")
    with pytest.raises(AccessDenied):
        hide_opinion(actor=cast2014.user("liaison"), opinion=o, reason="广告")
    hide_opinion(actor=cast2014.user("group_leader"), opinion=o, reason="广告，与本单位无关")
    event = AuditEvent.objects.filter(action="opinions.hide").get()
    assert (
        event.reason == "广告，与本单位无关" and event.actor_id == cast2014.user("group_leader").pk
    )
    assert Opinion.objects.get().hidden


def test_the_box_page_shows_a_qr_code_to_the_unit(cast2014, client):
    client.force_login(cast2014.user("liaison"))
    p = part(cast2014)
    client.post(f"/opinions/units/{p.pk}/box/", {})
    box = OpinionBox.objects.get(participation=p)
    html = client.get(f"/opinions/units/{p.pk}/box/").content.decode()
    assert "<svg" in html and f"/s/box/{box.token}/" in html
