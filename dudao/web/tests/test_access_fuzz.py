"""Malformed values in every id-bearing path part, query parameter and form field answer 404 or a
form error, never a 5xx — on SQLite and on PostgreSQL (run with ``DATABASE_URL``).

For each access-matrix row the test first requests the page as a role that may use it and
records which query parameters and form fields the view reads (every ``request.GET.get(...)``,
``request.POST[...]`` and form field lookup); then it sends each malformed value in each of them,
one at a time, and in each integer part of the path.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.test import Client
from django.urls import resolve
from django.utils.datastructures import MultiValueDict

from dudao.testing import ROLES

from .test_access_matrix import ROWS, _isolated

# What people and scripts type where an id belongs: letters, a sign, a number no table holds,
# full-width digits, a NUL byte (PostgreSQL refuses it in text) and a number past bigint.
FUZZ = ["abc", "-1", "99999999", "１２", "\x00", "9" * 25]
PATH_FUZZ = ["abc", "-1", "99999999", quote("１２"), "%00", "9" * 25]


class _Reads:
    """Which keys the view read from which QueryDict (by identity; mapped to GET/POST after)."""

    def __init__(self):
        self.keys: list[tuple[int, str]] = []


@pytest.fixture
def reads(monkeypatch):
    record = _Reads()

    def wrap(name):
        original = getattr(MultiValueDict, name)

        def traced(self, key, *args, **kwargs):
            record.keys.append((id(self), key))
            return original(self, key, *args, **kwargs)

        return traced

    for name in ("get", "getlist", "__getitem__", "__contains__"):
        monkeypatch.setattr(QueryDict, name, wrap(name))
    return record


def _role_for(row) -> str:
    wanted = row.may_post() if row.post is not None else row.allowed
    return next((r for r in ROLES if r in wanted), "admin")


def _keys_read(reads, response, which: str) -> set[str]:
    request = getattr(response, "wsgi_request", None)
    if request is None:
        return set()
    qd = request.GET if which == "GET" else request.POST
    return {key for ident, key in reads.keys if ident == id(qd) and isinstance(key, str)}


def _with_query(url: str, key: str, value: str) -> str:
    path, _, query = url.partition("?")
    params = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != key]
    params.append((key, value))
    return f"{path}?{urlencode(params)}"


def _path_variants(url: str):
    path, _, query = url.partition("?")
    match = resolve(path)
    for name, value in match.kwargs.items():
        if not isinstance(value, int):
            continue
        pattern = re.compile(rf"(?<=/){value}(?=/|$|\.)")
        if not pattern.search(path):
            continue
        for bad in PATH_FUZZ:
            yield name, pattern.sub(bad, path, count=1) + (f"?{query}" if query else "")


def _fresh(data):
    """Post data again: a file in it is consumed by the request that sends it."""
    out = {}
    for k, v in (data or {}).items():
        if isinstance(v, SimpleUploadedFile):
            v.seek(0)
            v = SimpleUploadedFile(v.name, v.read(), content_type=v.content_type)
        out[k] = v
    return out


FUZZ_ROWS = [r for r in ROWS if r.fuzz]


@pytest.mark.parametrize("row", FUZZ_ROWS, ids=[r.name for r in FUZZ_ROWS])
def test_it_never_answers_5xx_to_malformed_values(mcast, reads, row):
    c = mcast
    url = row.url(c)
    client = Client(raise_request_exception=False)
    role = _role_for(row)
    client.force_login(c.user(role))
    post_data = row.post(c) if row.post is not None else None
    failures: list[str] = []

    def check(method, target, data=None, what=""):
        response, _writes = _isolated(client, method, target, data)
        if response.status_code >= 500:
            failures.append(f"{method} {what or target}: {response.status_code}")
        return response

    # 1. Which parameters and fields does the view read?
    get_keys: set[str] = {k for k, _ in parse_qsl(url.partition("?")[2])}
    post_keys: set[str] = set()
    if not row.post_only:
        reads.keys.clear()
        response = check("GET", url)
        get_keys |= _keys_read(reads, response, "GET")
    if post_data is not None:
        reads.keys.clear()
        response = check("POST", url, _fresh(post_data))
        get_keys |= _keys_read(reads, response, "GET")
        post_keys |= _keys_read(reads, response, "POST")
        post_keys |= {k for k, v in post_data.items() if not hasattr(v, "read")}
    post_keys -= {"csrfmiddlewaretoken"}

    # 2. Each malformed value in each of them, one at a time, and in each id of the path.
    base_method = "POST" if row.post_only else "GET"
    for key in sorted(get_keys):
        for bad in FUZZ:
            check(
                base_method,
                _with_query(url, key, bad),
                _fresh(post_data) if base_method == "POST" else None,
                what=f"{url} ?{key}={bad!r}",
            )
    for key in sorted(post_keys):
        for bad in FUZZ:
            check("POST", url, {**_fresh(post_data), key: bad}, what=f"{url} {key}={bad!r}")
    for name, bad_url in _path_variants(url):
        check(
            base_method,
            bad_url,
            _fresh(post_data) if base_method == "POST" else None,
            what=f"{bad_url} ({name})",
        )

    if row.known_fuzz_failure:
        if failures:
            pytest.xfail(f"{row.known_fuzz_failure}: {'; '.join(failures[:5])}")
        pytest.fail(f"no 5xx any more: remove known_fuzz_failure from the row {row.name!r}")
    assert not failures, f"as {role}: " + "; ".join(failures)
