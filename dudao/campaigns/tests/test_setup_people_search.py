"""The suggestion list for leader and member boxes: people with accounts inside the campaign's
range, at most 20, as an htmx fragment or, without JavaScript, as a page."""

from __future__ import annotations

import pytest

from dudao.orgs.actions import create_account, create_person

pytestmark = pytest.mark.django_db


def test_it_finds_people_with_accounts_by_name_username_or_code(client, cast):
    create_account(
        actor=None, username="d_member", full_name="吴外", person=cast.people["d_member"]
    )
    client.force_login(cast.user("office"))
    url = f"/campaigns/{cast.campaign.pk}/people-search/"
    by_name = client.get(url, {"q": "王建"}, HTTP_HX_REQUEST="true")
    assert [p.user.username for p in by_name.context["people"]] == ["unit_head"]
    assert "<html" not in by_name.content.decode()  # a fragment for htmx
    assert [p.name for p in client.get(url, {"q": "group_"}).context["people"]] == [
        "何丽",
        "刘振华",
    ]
    assert [p.name for p in client.get(url, {"q": "P-liaison"}).context["people"]] == ["李晓梅"]
    # 吴外 has an account but belongs to another city; 赵德才 has no account.
    assert client.get(url, {"q": "吴外"}).context["people"] == []
    assert client.get(url, {"q": "赵德才"}).context["people"] == []
    page = client.get(url, {"q": "李"}).content.decode()
    assert "<html" in page and "liaison" in page  # without JavaScript: a whole page


def test_it_returns_at_most_twenty(client, cast):
    for i in range(25):
        person = create_person(actor=None, code=f"P-x{i}", name=f"王{i:02d}", branch=cast.branch_b1)
        create_account(actor=None, username=f"wang{i:02d}", full_name=person.name, person=person)
    client.force_login(cast.user("office"))
    response = client.get(f"/campaigns/{cast.campaign.pk}/people-search/", {"q": "王"})
    assert len(response.context["people"]) == 20
    assert "只显示前 20 位" in response.content.decode()
