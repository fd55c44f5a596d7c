"""Chinese error pages while developing, too.

With DEBUG off Django already answers 403/404/500 with templates/403.html, 404.html and
500.html. With DEBUG on (``make demo``) it would show its English technical pages instead,
which list every URL pattern and the settings to whoever sees the demo. This middleware keeps the
user's pages in every mode; a developer who wants Django's technical pages sets
``DUDAO_TECHNICAL_ERRORS=1``. Uncaught exceptions are still logged with their traceback.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed, PermissionDenied
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

log = logging.getLogger("django.request")


def error_page(request, status: int) -> HttpResponse:
    template = {403: "403.html", 404: "404.html"}.get(status, "500.html")
    # The 500 page is plain HTML (no context) so that it renders whatever went wrong.
    body = render_to_string(template, request=request if status != 500 else None)
    return HttpResponse(body, status=status)


class ChineseErrorPagesMiddleware:
    def __init__(self, get_response):
        if not settings.DEBUG or settings.DUDAO_TECHNICAL_ERRORS:
            # DEBUG off: Django's own handlers render the same templates.
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        # An unknown URL never reaches a view (so not process_exception): answer it here.
        # CommonMiddleware (outside this one) still turns a 404 into the APPEND_SLASH redirect.
        try:
            resolve(request.path_info)
        except Resolver404:
            return error_page(request, 404)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            return error_page(request, 404)
        if isinstance(exception, PermissionDenied):
            return error_page(request, 403)
        log.error("Internal Server Error: %s", request.path, exc_info=exception)
        return error_page(request, 500)
