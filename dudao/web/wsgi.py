"""The WSGI application: the staff pages on the full middleware stack, the login-free pages
under /s/ (survey answering, the opinion box) on a short one.

The pages under /s/ are built to need no session, no CSRF cookie, no login and no messages
(dudao.surveys.public, dudao.opinions.public): a QR scan is one GET and one POST by someone with
no account. Running them through sessions, locale, CSRF, authentication, messages, htmx and
axes cost about 0.2 ms of CPU per request for nothing (docs/performance.md, survey load), which
a respondent pays twice. They keep every header that protects a page: security (HSTS, nosniff,
referrer policy, the TLS redirect), X-Frame-Options and the Content-Security-Policy, all from
``settings.PUBLIC_PAGES_MIDDLEWARE``; a test compares their headers with the full stack's.

Django's own request handling (URL resolution, view middleware, exception handling and the
Chinese error pages) is the same for both: ``PublicPagesHandler`` differs from Django's handler
only in the list of middleware it loads."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application
from django.utils.module_loading import import_string


class PublicPagesHandler(WSGIHandler):
    """Django's WSGI handler on ``settings.PUBLIC_PAGES_MIDDLEWARE`` (synchronous middleware
    only, as every entry of that list is)."""

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(settings.PUBLIC_PAGES_MIDDLEWARE):
            try:
                middleware = import_string(path)(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler


class Application:
    """Dispatch by path: ``settings.PUBLIC_PAGES_PREFIX`` to the short stack, all else to
    Django's handler on ``settings.MIDDLEWARE``."""

    def __init__(self) -> None:
        self.full = get_wsgi_application()  # sets Django up
        self.public = PublicPagesHandler()
        self.prefix = settings.PUBLIC_PAGES_PREFIX

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith(self.prefix):
            return self.public(environ, start_response)
        return self.full(environ, start_response)
