"""The campaign report page's figures and charts, cached per campaign and reader scope, keyed by
the audit chain's head (issue 14: the page at city scale).

Correct after writes without a hook in every app: every state change by a person writes an
audit event in its own transaction (docs/architecture.md, "Audit"), so the head's sequence
number is a version counter of the database's content. Anonymous writes are the exception by
design (a survey ballot, an opinion left in the public box: an event would pair them with a
time); they show at the next audited write or when the entry expires (TIMEOUT_S). The key also holds the template's content (its
``reports`` section chooses the figures), the filters, the reader's scope (everything for the
office and the leading group, else the user) and the day (rectification lights are relative to
today). One cheap query (the head) on a hit; a miss counts as before. The cache is Django's
default cache: each process's memory unless DUDAO_CACHE_URL names Redis or a database table,
which every app server then shares (docs/deployment.md, "The cache"). Either way it is a cache,
not state another process needs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.core.cache import cache

from dudao.core.audit import current_head

from . import charts, selectors

TIMEOUT_S = 15 * 60


def _key(user, campaign, filters: selectors.Filters, today: dt.date) -> str:
    who = "all" if selectors.reads_all(user, campaign) else f"user:{user.pk}"
    template = json.dumps(campaign.template.data, sort_keys=True, default=str)
    raw = json.dumps(
        [
            campaign.pk,
            hashlib.sha256(template.encode()).hexdigest(),
            who,
            filters.query(),
            today.isoformat(),
            # The hash too: a test database rolled back reuses sequence numbers.
            (head := current_head()).seq,
            head.hash,
        ],
        sort_keys=True,
    )
    return "reports:campaign:" + hashlib.sha256(raw.encode()).hexdigest()


def campaign_page(user, campaign, filters: selectors.Filters, *, today: dt.date | None = None):
    """(report, charts) of the campaign page: totals per group, batch and campaign."""
    today = today or dt.date.today()
    key = _key(user, campaign, filters, today)
    hit = cache.get(key)
    if hit is not None:
        rows, values, by_group, by_batch, groups, batches, drawn = hit
        units = [selectors.Unit(*row) for row in rows]
        report = selectors.Report(
            campaign=campaign,
            filters=filters,
            figures=selectors.chosen_figures(campaign),
            units=units,
            groups=groups,
            batches=batches,
            per_unit={code: {} for code in values},
            values=values,
            by_group=by_group,
            by_batch=by_batch,
        )
        return report, drawn
    report = selectors.tally_report(
        user=user, campaign=campaign, filters=filters, per_unit=False, today=today
    )
    drawn = charts.dashboard(user, campaign, report)
    cache.set(
        key,
        (
            # Tuples, not dataclasses: 10,000 units unpickle in a few ms instead of 50.
            [
                (u.participation_id, u.name, u.batch_id, u.group_id, u.current_phase)
                for u in report.units
            ],
            report.values,
            report.by_group,
            report.by_batch,
            report.groups,
            report.batches,
            drawn,
        ),
        TIMEOUT_S,
    )
    return report, drawn
