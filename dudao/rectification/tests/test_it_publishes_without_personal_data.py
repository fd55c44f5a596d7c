"""公示: a login-free page reachable by QR code that shows the responsible post, status and
dates, never a name."""

from __future__ import annotations

import pytest

from dudao.rectification.models import Publication

from .helpers import new_item, part

pytestmark = pytest.mark.django_db


def test_it_shows_the_published_list_without_personal_data(cast2005, client):
    p = part(cast2005)
    new_item(cast2005, owner_key="member", lead_post="办公室主任", co_owners="李晓梅")
    client.force_login(cast2005.user("liaison"))
    page = client.get(f"/rectification/units/{p.pk}/").content.decode()
    assert "公示整改清单" in page
    client.post(f"/rectification/units/{p.pk}/publish/")
    pub = Publication.objects.get(participation=p)
    page = client.get(f"/rectification/units/{p.pk}/").content.decode()
    assert "<svg" in page and f"/r/{pub.token}/" in page
    client.logout()
    public = client.get(f"/r/{pub.token}/")
    assert public.status_code == 200
    body = public.content.decode()
    assert "窗口服务态度生硬" in body and "办公室主任" in body and "整改中" in body
    for personal in ("陈𠮷", "李晓梅", "王建国", cast2005.user("member").username):
        assert personal not in body
    assert client.get(f"/r/{pub.token}/qr.svg")["Content-Type"] == "image/svg+xml"
    assert client.get("/r/not-a-token/").status_code == 404


def test_it_lets_only_the_unit_publish(cast2005, client):
    p = part(cast2005)
    client.force_login(cast2005.user("group_leader"))
    client.post(f"/rectification/units/{p.pk}/publish/")
    assert not Publication.objects.exists()
