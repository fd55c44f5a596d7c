"""/api/docs works without internet: Swagger UI comes from our static files, not a CDN."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

from dudao.testing import PASSWORD, build_cast

pytestmark = pytest.mark.django_db


def test_it_serves_the_api_docs_from_local_static_files(client):
    cast = build_cast()
    assert client.login(username=cast.user("office").username, password=PASSWORD)
    response = client.get("/api/docs")
    body = response.content.decode()
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in body
    # No script, style or font from another host.
    assert not re.search(r"""(?:src|href)=["']https?://""", body), body
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-init.js"):
        assert finders.find(f"ninja/{asset}"), asset
