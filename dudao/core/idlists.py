"""Long id lists as one bound value.

``field__in=[...]`` binds one parameter per id: with the hundreds of thousands of member rounds
or people of a city, building and binding the list costs more than the query (measured on the
requirements engine's survey counters at city scale: 168,592 round ids, 4.4 s as a list, 1.9 s
as one value). ``in_ids(ids)`` gives what ``field__in=`` takes: the plain list when it is short
(the planner sees the values), otherwise a sub-select over one JSON array (SQLite's
``json_each``) or one array (PostgreSQL's ``unnest``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connections
from django.db.models.expressions import RawSQL

# Shorter lists stay plain IN lists.
LONG_LIST = 1000


def in_ids(ids: Iterable[int], *, using: str = "default"):
    """The value for ``field__in=`` restricting ``field`` to ``ids`` (integers)."""
    values = [int(i) for i in ids]
    if len(values) <= LONG_LIST:
        return values
    if connections[using].vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [values])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values)])
