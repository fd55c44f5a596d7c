"""The one id-parsing and scoped-fetch helper every app's ``access.py`` is built on.

A value that names an object — from the path, the query string or a form field — is parsed here
and looked up inside a queryset that the calling app has already narrowed to the user's scope.
Anything malformed (letters, a sign, a NUL byte, a number past the database's integer range) or
outside the scope answers 404 with the same message, so ids never leak and nothing answers 500.

Apps never write ``Model.objects.get(pk=request.POST[...])``: they call
``get_in_scope_or_404(scoped_queryset, value)``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model, QuerySet
from django.http import Http404

NOT_FOUND = "页面不存在或您无权查看"

# BigAutoField's range on every backend we run on; a larger value would overflow on PostgreSQL.
MAX_ID = 2**63 - 1


def parse_id(value) -> int:
    """A positive database id from a request value, or Http404."""
    if isinstance(value, bool):
        raise Http404(NOT_FOUND)
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        # str.isdigit accepts other scripts' digits ("１２", "²"); ids are ASCII.
        if not text or not text.isascii() or not text.isdigit() or len(text) > 19:
            raise Http404(NOT_FOUND)
        number = int(text)
    if number < 1 or number > MAX_ID:
        raise Http404(NOT_FOUND)
    return number


def parse_optional_id(value) -> int | None:
    """Like ``parse_id`` but an empty value (a form's "none chosen") answers None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_id(value)


def parse_ids(values: Iterable) -> list[int]:
    """Several ids (a multi-select); any malformed one answers 404 for the whole request."""
    return [parse_id(v) for v in values]


def get_in_scope_or_404(queryset: QuerySet, value) -> Model:
    """The object named by ``value`` inside ``queryset`` (already narrowed to what the user may
    see), or Http404."""
    obj = queryset.filter(pk=parse_id(value)).first()
    if obj is None:
        raise Http404(NOT_FOUND)
    return obj


def get_optional_in_scope_or_404(queryset: QuerySet, value) -> Model | None:
    """None for an empty value; otherwise as ``get_in_scope_or_404``."""
    pk = parse_optional_id(value)
    if pk is None:
        return None
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404(NOT_FOUND)
    return obj


def clean_query_text(value) -> str:
    """A free-text query parameter (a search box) without the NUL bytes PostgreSQL refuses."""
    return str(value or "").replace("\x00", "").strip()


def id_or_none(value) -> int | None:
    """A filter's id (``?batch=3``) or None when the value is empty or malformed: a list filter
    ignores what it cannot read instead of answering 500 (an out-of-range number overflows the
    database's integer)."""
    try:
        return parse_optional_id(value)
    except Http404:
        return None
