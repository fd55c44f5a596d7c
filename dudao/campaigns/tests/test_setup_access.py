"""Set-up pages are the office's: everyone else — the leading group (which only reads), group
leaders, unit heads, outsiders — gets 404 on every page and every POST, and nothing changes."""

from __future__ import annotations

import pytest

from dudao.campaigns.models import Campaign, Participation
from dudao.core.models import AuditEvent

pytestmark = pytest.mark.django_db

DENIED = [
    "leading",
    "group_leader",
    "group_member",
    "inspector",
    "unit_head",
    "liaison",
    "secretary",
    "member",
    "outsider",
]


def _pages(cast):
    c = cast.campaign.pk
    return [
        "/campaigns/new/",
        f"/campaigns/{c}/setup/",
        f"/campaigns/{c}/groups/new/",
        f"/campaigns/{c}/groups/{cast.group1.pk}/edit/",
        f"/campaigns/{c}/units/",
        f"/campaigns/{c}/units/?batch={cast.campaign.batches.first().pk}",
        f"/campaigns/{c}/people-search/?q=王",
        f"/campaigns/{c}/inspection-groups/{cast.inspection.pk}/edit/",
    ]


def _posts(cast):
    c = cast.campaign.pk
    p = Participation.objects.get(unit=cast.unit_b)
    batch = cast.campaign.batches.get(number=1)
    return [
        (
            "/campaigns/new/",
            {
                "template": cast.campaign.template.pk,
                "root": cast.city.pk,
                "start_date": "2006-01-01",
            },
        ),
        (f"/campaigns/{c}/edit/", {"name": "x", "short_name": "x", "start_date": "2005-01-01"}),
        (f"/campaigns/{c}/batches/", {"number": 5, "name": "第五批"}),
        (f"/campaigns/{c}/batches/{batch.pk}/edit/", {"name": "改"}),
        (f"/campaigns/{c}/groups/new/", {"code": "G09", "name": "第九督导组"}),
        (f"/campaigns/{c}/groups/{cast.group1.pk}/edit/", {"name": "改", "code": "G01"}),
        (f"/campaigns/{c}/units/", {"batch": batch.pk, "units": [cast.unit_b.pk]}),
        (f"/campaigns/{c}/participations/{p.pk}/group/", {"group": "", "reason": "x"}),
        (f"/campaigns/{c}/participations/{p.pk}/withdraw/", {"reason": "x"}),
        (f"/campaigns/{c}/inspection-groups/", {"code": "I09", "name": "x", "departments": "D001"}),
        (f"/campaigns/{c}/inspection-groups/{cast.inspection.pk}/edit/", {"name": "x"}),
    ]


@pytest.mark.parametrize("role", DENIED)
def test_every_setup_page_and_post_is_404_for_anyone_but_the_office(client, cast, role):
    events = AuditEvent.objects.count()
    client.force_login(cast.user(role))
    for url in _pages(cast):
        assert client.get(url).status_code == 404, url
    for url, data in _posts(cast):
        assert client.post(url, data).status_code == 404, url
    assert AuditEvent.objects.count() == events
    assert Campaign.objects.count() == 1
    assert Participation.objects.get(unit=cast.unit_b).group == cast.group2


def test_anonymous_visitors_are_sent_to_the_login_page(client, cast):
    for url in _pages(cast):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_the_office_and_a_superuser_open_every_page(client, cast):
    for role in ("office", "admin"):
        client.force_login(cast.user(role))
        for url in _pages(cast):
            assert client.get(url).status_code == 200, (role, url)


def test_the_office_of_one_campaign_cannot_manage_another(client, cast):
    from dudao.campaigns import actions

    other = actions.create_campaign(
        actor=None,
        template=cast.campaign.template,
        root=cast.unit_d.parent,
        start_date=cast.campaign.start_date,
    )
    client.force_login(cast.user("office"))
    assert client.get(f"/campaigns/{other.pk}/setup/").status_code == 404
    assert client.get(f"/campaigns/{other.pk}/units/").status_code == 404
    # Nor reach its groups through his own campaign's URLs.
    group = actions.create_group(actor=None, campaign=other, code="G01", name="外组")
    url = f"/campaigns/{cast.campaign.pk}/groups/{group.pk}/edit/"
    assert client.get(url).status_code == 404
