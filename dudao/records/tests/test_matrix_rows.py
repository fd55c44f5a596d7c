"""The records rows of the access matrix hold for GET as every role (the full matrix, with
POST and other people's ids, runs them in dudao/web); and every records URL pattern has a
row."""

from __future__ import annotations

import pytest

from dudao.testing import ROLES

from .matrix_rows import ROWS

pytestmark = pytest.mark.django_db


def test_every_records_url_pattern_has_a_row():
    from dudao.records import urls

    names = {f"records:{p.name}" for p in urls.urlpatterns}
    assert names == {r.route for r in ROWS}, names ^ {r.route for r in ROWS}


def test_each_row_answers_its_roles_and_404_to_the_rest(client, cast):
    wrong = []
    urls = [(row, row.url(cast)) for row in ROWS]
    for role in ROLES:
        client.force_login(cast.user(role))
        for row, url in urls:
            response = client.get(url)
            want = 200 if role in row.allowed else 404
            if response.status_code == 405 and not row.allowed and row.post is not None:
                continue  # a POST-only action
            if response.status_code != want:
                wrong.append(f"{row.name} as {role}: {response.status_code}, expected {want}")
            elif want == 200 and row.shows is not None and not url.endswith(".xlsx"):
                if row.shows(cast) not in response.content.decode():
                    wrong.append(f"{row.name} as {role}: lacks {row.shows(cast)!r}")
    assert not wrong, "\n".join(wrong)
