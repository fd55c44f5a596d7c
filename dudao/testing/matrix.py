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

    # Added for the complete matrix (all optional, so rows written with the fields above stay
    # valid):
    # ``post_only``: the view answers only POST (a logged-in GET answers 405 or 404);
    # ``public``: an anonymous visitor may open it (login page, the survey's public pages);
    # ``fuzz``: include the row in the malformed-value test;
    # ``known_fuzz_failure``: a 5xx the owning app still has to fix, with why (the fuzz test then
    # expects the failure and turns red once it is fixed so the note is removed).
    post_only: bool = False
    public: bool = False
    fuzz: bool = True
    known_fuzz_failure: str = ""

    def may_post(self) -> set:
        return set(self.allowed if self.post_allowed is None else self.post_allowed)


# Apps whose ``tests/matrix_rows.py`` the matrix collects. A new app adds its name here and the
# completeness test then asks for a row per URL pattern it serves.
MATRIX_APPS = [
    "web",
    "orgs",
    "campaigns",
    "imports",
    "records",
    "reviews",
    "surveys",
    "transitions",
    "rectification",
    "evaluation",
    "supervision",
    "archive",
    "tokens",
    "opinions",
    "reports",
]


def collect_rows() -> list[Row]:
    import importlib

    rows: list[Row] = []
    for app in MATRIX_APPS:
        module = importlib.import_module(f"dudao.{app}.tests.matrix_rows")
        rows.extend(module.ROWS)
    return rows


# --- helpers the rows of several apps share ---------------------------------------------------


def other_campaign(c):
    """A second campaign over another city: nobody in the cast has a role in it."""
    import datetime as dt

    from dudao.campaigns import actions as campaign_actions
    from dudao.campaigns.models import Campaign

    existing = Campaign.objects.filter(short_name="外市活动").first()
    if existing is not None:
        return existing
    other = campaign_actions.create_campaign(
        actor=None,
        template=c.campaign.template,
        root=c.unit_d.parent,
        name="外市教育活动",
        short_name="外市活动",
        start_date=dt.date(2005, 7, 1),
    )
    campaign_actions.enrol_unit(
        actor=None, campaign=other, batch=other.batches.get(number=1), unit=c.unit_d
    )
    return other


def part(c, unit=None):
    """The participation of ``unit`` (default unit A) in the cast's campaign."""
    from dudao.campaigns.models import Participation

    return Participation.objects.get(campaign=c.campaign, unit=unit or c.unit_a)


def other_part(c):
    """Unit D's participation in the other campaign: nobody in the cast sees it."""
    from dudao.campaigns.models import Participation

    return Participation.objects.get(campaign=other_campaign(c), unit=c.unit_d)
