"""The JSON API (OpenAPI at /api/openapi.json, docs at /api/docs). Endpoints call the same
access helpers, selectors, forms, permits and actions as the pages; anything outside the caller's
scope is a 404. Two ways in: the browser session (writes need its CSRF token) and, for
integrations, a bearer token made by the office (dudao.tokens), acting as the office account
that made it. Errors answer ``{"detail": "…", "errors": [{"field", "label", "message"}]}`` in
Chinese, naming the field.

One module per area, each adding its endpoints to ``api`` (made in ``base``) when imported;
they are imported here in the order the endpoints were declared. Input helpers shared by the
workflow endpoints sit in ``shared``."""

# isort: off
from . import (  # noqa: F401 (imported for the endpoints they add to api)
    campaigns,
    records,
    transitions,
    rectification,
    reviews,
    surveys,
    opinions,
    reports,
    bulletins,
)
from .base import api

# isort: on

__all__ = ["api"]
