"""This app's access-matrix rows, tried here as every role of the cast and anonymously (until
the shared matrix test collects them): allowed → 200 showing the object, denied → 404 without
it; POST-only patterns answer 405 to GET; anonymous visitors are sent to log in, except on the
public list."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from dudao.testing import ROLES

from .matrix_rows import ROWS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_it_allows_exactly_the_roles_in_scope(client, cast, row):
    url = row.url(cast)
    wrong = []
    for role in [*ROLES, "admin"]:
        client.force_login(cast.user(role))
        response = client.get(url)
        if row.extra.get("post_only"):
            expected = 405
        else:
            expected = 200 if role in row.allowed else 404
        if response.status_code != expected:
            wrong.append(f"{role}: {response.status_code} (expected {expected})")
            continue
        if row.shows is not None and expected in (200, 404):
            body = (
                b"".join(response.streaming_content) if response.streaming else response.content
            ).decode()
            if (row.shows(cast) in body) != (expected == 200):
                wrong.append(f"{role}: shows {row.shows(cast)!r}: {expected == 200} expected")
    assert not wrong, f"{url}: " + "; ".join(wrong)


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_it_asks_anonymous_visitors_to_log_in(client, cast, row):
    response = client.get(row.url(cast))
    if row.extra.get("public"):
        assert response.status_code == 200
    elif row.extra.get("post_only"):
        assert response.status_code in (302, 405)
    else:
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_it_has_a_row_for_every_url_pattern():
    names = set()
    for namespace in ("rectification", "rectification_public"):
        _prefix, resolver = get_resolver().namespace_dict[namespace]
        names |= {f"{namespace}:{name}" for name in resolver.reverse_dict if isinstance(name, str)}
    assert names == {row.route for row in ROWS}


@pytest.mark.parametrize(
    "row", [r for r in ROWS if r.post is not None], ids=[r.name for r in ROWS if r.post]
)
def test_it_refuses_a_post_from_outside_the_unit(client, cast, row):
    from dudao.core.models import AuditEvent

    url = row.url(cast)
    for role in ("outsider", "secretary", "inspector"):
        client.force_login(cast.user(role))
        before = AuditEvent.objects.count()
        response = client.post(url, row.post(cast))
        assert response.status_code == 404, (role, response.status_code)
        assert AuditEvent.objects.count() == before
