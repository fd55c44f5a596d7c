from __future__ import annotations

import datetime as dt

import pytest

from dudao.core.errors import AccessDenied, DomainError
from dudao.core.models import AuditEvent
from dudao.supervision.models import Visit, VisitPhoto

from .helpers import part, photo, visit

pytestmark = pytest.mark.django_db


def test_it_records_a_visit_with_photos_and_an_audit_event(cast):
    v, created = visit(cast, photos=[photo()], spoke=True)
    assert created and v.group_id == cast.group1.pk and v.spoke
    assert VisitPhoto.objects.filter(visit=v).count() == 1
    event = AuditEvent.objects.get(action="supervision.log_visit")
    assert event.organisation_id == cast.unit_a.pk and event.data["photos"] == 1


def test_a_resend_with_the_same_client_token_does_not_double(cast):
    first, created = visit(cast, token="abc-123", photos=[photo()])
    again, created_again = visit(cast, token="abc-123", photos=[photo()])
    assert created and not created_again and again.pk == first.pk
    assert Visit.objects.count() == 1 and VisitPhoto.objects.count() == 1
    assert AuditEvent.objects.filter(action="supervision.log_visit").count() == 1


def test_a_resent_form_posted_twice_records_one_visit(cast, client):
    client.force_login(cast.user("group_member"))
    url = f"/supervision/units/{part(cast).pk}/visit/"
    page = client.get(url)
    token = page.context["form"].initial["client_token"]
    data = {
        "kind": "talk",
        "happened_on": dt.date.today().isoformat(),
        "people_count": "3",
        "client_token": token,
    }
    assert client.post(url, data).status_code == 302
    response = client.post(url, data, follow=True)
    assert "没有重复记录" in response.content.decode()
    assert Visit.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("现场.png", b"GIF89a not a png", "内容不是 png 图片"),
        ("现场.gif", b"GIF89a", "类型不支持"),
        ("说明.pdf", b"%PDF-1.4", "类型不支持"),
    ],
)
def test_it_refuses_what_is_not_a_photo_naming_the_file(cast, name, data, message):
    with pytest.raises(DomainError, match=message) as info:
        visit(cast, photos=[photo(name, data)])
    assert name in info.value.message
    assert not Visit.objects.exists()


def test_it_refuses_a_future_date_and_people_outside_the_group(cast):
    with pytest.raises(DomainError, match="不能晚于今天"):
        visit(cast, happened_on=dt.date.today() + dt.timedelta(days=1))
    for role in ("unit_head", "office", "outsider"):
        with pytest.raises(AccessDenied):
            visit(cast, who=role, token=f"x-{role}")
    assert not Visit.objects.exists()


def test_the_form_keeps_a_draft_through_a_static_script(cast, client):
    client.force_login(cast.user("group_member"))
    html = client.get(f"/supervision/units/{part(cast).pk}/visit/").content.decode()
    assert "js/supervision-visit.js" in html and "<script>" not in html
    assert 'data-draft-key="visit-' in html and 'name="client_token"' in html
