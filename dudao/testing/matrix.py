"""The access matrix's row: one per URL pattern, held by the app that serves it.

Each app lists its rows in ``dudao/<app>/tests/matrix_rows.py`` as ``ROWS = [Row(...), ...]``;
``dudao/web/tests/test_access_matrix.py`` collects the rows of every app, tries each as every
role of the cast (``dudao.testing.ROLES``) and as an anonymous visitor, and fails when a URL
pattern of the resolver has no row (matched by ``route``, the pattern's ``namespace:name``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ALL_ROLES = {
    "office",
    "leading",
    "group_leader",
    "group_member",
    "inspector",
    "unit_head",
    "liaison",
    "secretary",
    "member",
    "outsider",
    "admin",
}
OFFICE = {"office"}
READ_ALL = {"office", "leading"}
GROUP1 = {"group_leader", "group_member"}
UNIT_A = {"unit_head", "liaison"}


@dataclass
class Row:
    """``route``: the URL pattern's name (``"records:kind_list"``); ``url(cast)`` builds a URL of
    it (and may create the objects it needs); ``allowed``: the roles that may open it (GET);
    ``shows(cast)``: a text the allowed page must contain and a denied one must not;
    ``post(cast)``: form data for a POST (None: the pattern takes no POST); ``post_allowed``:
    the roles whose POST may write (default: nobody outside ``allowed``); a denied POST answers
    404 (or 403 where the page is visible but the action is not), writes nothing and records no
    audit event."""

    name: str
    route: str
    url: Callable
    allowed: set
    shows: Callable | None = None
    post: Callable | None = None
    post_allowed: set | None = None
    api: bool = False
    extra: dict = field(default_factory=dict)
