"""The JSON API (OpenAPI at /api/docs). Endpoints call the same selectors and access helpers
as the pages."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(title="督导通 API", version="1", auth=django_auth)
