"""Two clerks editing the same thing: the second save, made from the page as it was before the
first, is refused with a message instead of silently overwriting it."""

from __future__ import annotations

import pytest

from dudao.core.models import AuditEvent
from dudao.orgs.models import RoleAssignment

pytestmark = pytest.mark.django_db


def test_a_stale_group_edit_is_refused(client, cast):
    client.force_login(cast.user("office"))
    url = f"/campaigns/{cast.campaign.pk}/groups/{cast.group1.pk}/edit/"
    data = {**client.get(url).context["form"].initial}
    client.post(url, {**data, "name": "第一督导组（调整）"})  # the first clerk saves
    response = client.post(url, {**data, "members": "", "reason": "调出"})  # the second, late
    assert "该督导组刚被其他人修改过，您的修改没有保存" in response.content.decode()
    cast.group1.refresh_from_db()
    assert cast.group1.name == "第一督导组（调整）"
    assert RoleAssignment.objects.filter(group=cast.group1, role="group_member").exists()
    assert not AuditEvent.objects.filter(action="role.revoke").exists()


def test_a_stale_batch_edit_is_refused(client, cast):
    client.force_login(cast.user("office"))
    batch = cast.campaign.batches.get(number=1)
    signature = next(
        b.signature
        for b in client.get(f"/campaigns/{cast.campaign.pk}/setup/").context["batches"]
        if b.pk == batch.pk
    )
    url = f"/campaigns/{cast.campaign.pk}/batches/{batch.pk}/edit/"
    first = {"name": "第一批", "start_date": "2005-01-20", "end_date": "2005-06-30"}
    client.post(url, {**first, "signature": signature})
    response = client.post(
        url, {**first, "end_date": "2005-07-31", "signature": signature}, follow=True
    )
    assert "第一批刚被其他人修改过，您的修改没有保存" in response.content.decode()
    batch.refresh_from_db()
    assert batch.end_date.isoformat() == "2005-06-30"


def test_a_stale_campaign_edit_is_refused(client, cast):
    client.force_login(cast.user("office"))
    form = client.get(f"/campaigns/{cast.campaign.pk}/setup/").context["edit_form"]
    data = {**form.initial, "start_date": "2005-01-23", "end_date": ""}
    url = f"/campaigns/{cast.campaign.pk}/edit/"
    client.post(url, {**data, "end_date": "2005-12-31"})
    response = client.post(url, {**data, "name": "改名"}, follow=True)
    assert "活动信息刚被其他人修改过" in response.content.decode()
    cast.campaign.refresh_from_db()
    assert cast.campaign.name == "测试教育活动"
    assert cast.campaign.end_date.isoformat() == "2005-12-31"
