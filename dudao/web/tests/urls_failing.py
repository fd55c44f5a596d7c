"""A URLconf for test_error_pages_in_debug only: the site's pages plus one that fails."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import urlpatterns as site_patterns


def boom(request):
    raise RuntimeError("deliberate failure for the error-page test")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("test-only/boom/", boom),
    path("test-only/forbidden/", forbidden),
    *site_patterns,
]
