"""Every URL pattern, as every role of the cast, as an outsider and as an anonymous visitor, with
GET and (where the pattern takes one) POST.

The rows live with the apps that serve the pages: ``dudao/<app>/tests/matrix_rows.py`` holds
``ROWS = [Row(...)]`` (``dudao.testing.matrix.Row``; the apps are listed in ``MATRIX_APPS``).
Each row names its URL pattern (``route``), builds a URL from the cast (ids of other people's
objects included) and says which roles may open it and which may POST to it.

* allowed GET → 200 (and the page shows ``shows``); any other role → 404, never a leak;
* allowed POST → anything but a 5xx; a refused POST → 404 (403 where the page is visible but the
  action is refused), with no row written and no audit event;
* anonymous → the login page (401 for the API), nothing written;
* the completeness test fails naming every URL pattern without a row.

One cast is built for the whole module; each row runs inside a savepoint and each POST inside
another, so the rows cannot see each other's writes and the matrix stays fast.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from dudao.core.models import AuditEvent
from dudao.testing import ROLES
from dudao.testing.matrix import collect_rows

ROWS = collect_rows()

# URL patterns that need no row, each with why. Everything else the resolver serves must have one.
EXCLUDED_NAMESPACES = {
    "admin",  # Django's admin: superusers only, guarded by Django's own staff checks
}
EXCLUDED_ROUTES: set[str] = set()  # none today; add "namespace:name" with a comment

# Writes that are not the application's: the session row a login or a message touches.
IGNORED_TABLES = ("django_session",)


class Writes:
    """Records every INSERT / UPDATE / DELETE the application sends while active."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        head = sql.lstrip()[:7].upper()
        if head.startswith(("INSERT", "UPDATE", "DELETE")) and not any(
            t in sql for t in IGNORED_TABLES
        ):
            self.statements.append(sql[:160])
        return execute(sql, params, many, context)


def _body(response, api: bool) -> str:
    if api:
        try:
            return json.dumps(response.json(), ensure_ascii=False)
        except ValueError:
            return response.content.decode(errors="replace")
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


def _request(client, method, url, data=None):
    if method == "GET":
        return client.get(url)
    return client.post(url, data or {})


def _isolated(client, method, url, data=None):
    """One request inside a savepoint that is rolled back afterwards; returns the response and
    the writes it made."""
    writes = Writes()
    audit_before = AuditEvent.objects.count()
    sid = transaction.savepoint()
    try:
        with connection.execute_wrapper(writes):
            response = _request(client, method, url, data)
        audit_after = AuditEvent.objects.count()
    finally:
        transaction.savepoint_rollback(sid)
    if audit_after != audit_before:
        writes.statements.append(f"{audit_after - audit_before} audit event(s)")
    return response, writes.statements


def _route_names():
    """Every ``namespace:name`` the resolver serves (admin excluded by EXCLUDED_NAMESPACES)."""

    def walk(patterns, namespace, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in EXCLUDED_NAMESPACES:
                    continue
                ns = ":".join(x for x in (namespace, p.namespace) if x)
                yield from walk(p.url_patterns, ns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace else (p.name or "")
                yield name or f"(unnamed) {prefix}{p.pattern}"

    return set(walk(get_resolver().url_patterns, "", "/"))


def test_it_has_a_row_for_every_url_pattern():
    covered = {row.route for row in ROWS}
    missing = sorted(_route_names() - covered - EXCLUDED_ROUTES)
    assert not missing, "URL patterns without an access-matrix row: " + ", ".join(missing)


def test_it_names_only_routes_that_exist():
    unknown = sorted({row.route for row in ROWS} - _route_names())
    assert not unknown, f"rows naming no URL pattern: {unknown}"


def test_it_gives_every_row_a_distinct_name():
    names = [row.name for row in ROWS]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_it_allows_exactly_the_roles_in_scope(mcast, row):
    c = mcast
    url = row.url(c)
    path = url.split("?")[0]
    assert resolve(path).view_name == row.route, f"{url} is not {row.route}"
    may_post = row.may_post()
    wrong = []
    client = Client(raise_request_exception=False)
    for role in ROLES:
        client.force_login(c.user(role))
        # GET
        response, writes = _isolated(client, "GET", url)
        if row.post_only:
            expected = {405, 404}
        else:
            # ``extra``: ``ok_status`` ({role: status}) and ``ok_default`` for a page that
            # answers an allowed visitor with something else than 200 (a redirect).
            ok = row.extra.get("ok_status", {}).get(role, row.extra.get("ok_default", 200))
            expected = {ok} if role in row.allowed else {404}
        if response.status_code not in expected:
            wrong.append(f"{role} GET: {response.status_code} (expected {sorted(expected)})")
        elif writes and not (row.post_only is False and role in row.allowed):
            wrong.append(f"{role} GET wrote: {writes}")
        elif response.status_code == 200 and row.shows is not None:
            if row.shows(c) not in _body(response, row.api):
                wrong.append(f"{role}: 200 but the page does not show {row.shows(c)!r}")
        elif response.status_code == 404 and row.shows is not None:
            if row.shows(c) in _body(response, row.api):
                wrong.append(f"{role}: the 404 page leaks {row.shows(c)!r}")
        # POST
        if row.post is None:
            continue
        # Built per request: a file in the data is read by the first request that sends it.
        response, writes = _isolated(client, "POST", url, row.post(c))
        if role in may_post:
            if response.status_code >= 500:
                wrong.append(f"{role} POST: {response.status_code}")
            continue
        # A role that sees the page is refused with 403 (or the form shown again with its
        # error, 200/400); a role that does not see it gets 404.
        refused = {200, 400, 403, 404} if role in row.allowed else {404}
        if row.post_only:
            # A form-only action refused to someone who sees its page sends him back there
            # with the reason (a redirect); it must still write nothing, checked below.
            refused |= {302, 403}
        if response.status_code not in refused:
            wrong.append(f"{role} POST: {response.status_code} (expected {sorted(refused)})")
        if writes:
            wrong.append(f"{role} refused POST wrote: {writes}")
    assert not wrong, f"{url}: " + "; ".join(wrong)


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_it_asks_anonymous_visitors_to_log_in(mcast, row):
    url = row.url(mcast)
    client = Client(raise_request_exception=False)
    methods = ["GET"] + (["POST"] if row.post is not None else [])
    for method in methods:
        data = row.post(mcast) if method == "POST" else None
        response, writes = _isolated(client, method, url, data)
        if row.public:
            assert response.status_code < 500, f"{method} {url}: {response.status_code}"
            continue
        if row.api:
            assert response.status_code == 401, f"{method} {url}: {response.status_code}"
        elif method == "POST" and response.status_code == 405:
            pass  # a GET-only page refuses a POST before asking who you are
        else:
            assert response.status_code == 302, f"{method} {url}: {response.status_code}"
            assert response["Location"].startswith("/login/")
        assert not writes, f"anonymous {method} {url} wrote: {writes}"
