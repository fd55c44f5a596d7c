"""The test client as production serves requests: paths under ``PUBLIC_PAGES_PREFIX`` through
the short middleware stack of dudao/web/wsgi.py, everything else through ``MIDDLEWARE``.

Django's test client loads ``MIDDLEWARE`` for every path; with it the suite would test the
answering pages and the opinion box on a stack they never run on. The root conftest makes this
the ``client`` fixture of every test."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.test.client import ClientHandler

from dudao.web.wsgi import PublicPagesHandler


class _PublicClientHandler(ClientHandler):
    load_middleware = PublicPagesHandler.load_middleware


class ProductionClientHandler(ClientHandler):
    def __init__(self, enforce_csrf_checks: bool = True, *args, **kwargs):
        super().__init__(enforce_csrf_checks, *args, **kwargs)
        self.public = _PublicClientHandler(enforce_csrf_checks, *args, **kwargs)

    def __call__(self, environ):
        if environ.get("PATH_INFO", "").startswith(settings.PUBLIC_PAGES_PREFIX):
            return self.public(environ)
        return super().__call__(environ)


class ProductionClient(Client):
    def __init__(self, enforce_csrf_checks: bool = False, *args, **kwargs):
        super().__init__(enforce_csrf_checks, *args, **kwargs)
        self.handler = ProductionClientHandler(enforce_csrf_checks)
