"""What the requirements engine reads from this app through
``dudao.campaigns.requirements.ports_rectification``: a unit's problem list (检视问题清单: its
rectification items) and where it stands on each named area of special rectification (专项整治).
Registered by ``RectificationConfig.ready()``. Set-based: one query per call, whatever the
number of units."""

from __future__ import annotations

from django.db.models import Count, Q

from dudao.campaigns.requirements.ports_rectification import (
    ProblemListFacts,
    register_rectification_source,
)

from .models import AreaProgress, Item, ItemStatus


class RectificationFacts:
    def problem_lists(self, *, campaign_id, phase, participation_ids):
        """Every item of the unit's problem list counts, at any level; rectified = closed
        (an item explained as not yet solvable is not rectified)."""
        rows = (
            Item.objects.filter(campaign_id=campaign_id, participation_id__in=participation_ids)
            .values("participation_id")
            .annotate(n=Count("pk"), done=Count("pk", filter=Q(status=ItemStatus.CLOSED)))
        )
        return {r["participation_id"]: ProblemListFacts(r["n"], r["done"]) for r in rows}

    def area_statuses(self, *, campaign_id, phase, areas, participation_ids):
        out: dict[int, dict[str, str]] = {}
        for pid, area, status in AreaProgress.objects.filter(
            participation__campaign_id=campaign_id,
            participation_id__in=participation_ids,
            area__in=areas,
        ).values_list("participation_id", "area", "status"):
            out.setdefault(pid, {})[area] = status
        return out


def register() -> None:
    register_rectification_source(RectificationFacts())
