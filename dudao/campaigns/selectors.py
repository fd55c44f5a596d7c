"""Reads over campaigns and participations. Every function runs a fixed number of queries,
whatever the number of units or members (DESIGN.md convention 8)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet

from dudao.core.access import clean_query_text, id_or_none
from dudao.orgs.access import scope_for
from dudao.orgs.models import Person

from .access import visible_participations
from .models import Campaign, Participation

PER_PAGE = 50


def phase_names(campaign: Campaign) -> dict[str, str]:
    return {p["code"]: p["name"] for p in campaign.template.data.get("phases", [])}


@dataclass
class OverviewFilters:
    batch: int | None = None
    phase: str = ""
    group: int | None = None
    q: str = ""

    @classmethod
    def from_params(cls, params) -> OverviewFilters:
        return cls(
            batch=id_or_none(params.get("batch")),
            phase=clean_query_text(params.get("phase")),
            group=id_or_none(params.get("group")),
            q=clean_query_text(params.get("q"))[:100],
        )

    def apply(self, qs: QuerySet, *, skip: str = "") -> QuerySet:
        if self.batch and skip != "batch":
            qs = qs.filter(batch_id=self.batch)
        if self.phase and skip != "phase":
            qs = qs.filter(current_phase=self.phase)
        if self.group and skip != "group":
            qs = qs.filter(group_id=self.group)
        if self.q:
            qs = qs.filter(unit_name__contains=self.q)
        return qs

    def as_query(self) -> str:
        items = {"batch": self.batch, "phase": self.phase, "group": self.group, "q": self.q}
        return urlencode({k: v for k, v in items.items() if v})


@dataclass
class OverviewRow:
    participation: Participation
    members: int
    phase_name: str
    group_link: bool = False


@dataclass
class Overview:
    campaign: Campaign
    filters: OverviewFilters
    page: object
    rows: list[OverviewRow]
    total: int
    phase_counts: list[tuple[str, str, int]]
    batch_counts: list[tuple[int, str, int]]
    batches: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    linkable_groups: set[int] | None = None  # group pages the user may open; None: all

    @property
    def query_without_phase(self) -> str:
        """The current filters minus the phase, for the per-phase count links."""
        return replace(self.filters, phase="").as_query()

    @property
    def query_without_batch(self) -> str:
        return replace(self.filters, batch=None).as_query()


def scoped_participations(user, campaign: Campaign) -> QuerySet[Participation]:
    return visible_participations(user, campaign)


def member_counts(unit_ids: list[int]) -> dict[int, int]:
    """Members per unit, for the given units only: one indexed GROUP BY."""
    if not unit_ids:
        return {}
    return dict(
        Person.objects.filter(unit_id__in=unit_ids)
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )


def overview(
    *, user, campaign: Campaign, filters: OverviewFilters, page_number=1, per_page: int = PER_PAGE
) -> Overview:
    base = scoped_participations(user, campaign)
    names = phase_names(campaign)
    order = {code: i for i, code in enumerate(names)}

    phase_rows = (
        filters.apply(base, skip="phase").values_list("current_phase").annotate(n=Count("id"))
    )
    phase_counts = sorted(
        (
            (code, names.get(code, code or "未开始"), n)
            for code, n in phase_rows.values_list("current_phase", "n")
        ),
        key=lambda r: order.get(r[0], 99),
    )
    batches = list(campaign.batches.order_by("number").values("id", "number", "name"))
    batch_name = {b["id"]: b["name"] for b in batches}
    batch_rows = filters.apply(base, skip="batch").values_list("batch_id").annotate(n=Count("id"))
    batch_counts = sorted(
        (bid, batch_name.get(bid, ""), n) for bid, n in batch_rows.values_list("batch_id", "n")
    )

    filtered = (
        filters.apply(base)
        .select_related("batch", "group")
        .only(
            "id",
            "unit_id",
            "unit_name",
            "current_phase",
            "phase_started_on",
            "reports_directly",
            "batch__number",
            "batch__name",
            "group__id",
            "group__name",
            "group__code",
        )
        .order_by("unit_name", "id")
    )
    paginator = Paginator(filtered, per_page)
    page = paginator.get_page(page_number)
    participations = list(page.object_list)
    counts = member_counts([p.unit_id for p in participations])
    rows = [
        OverviewRow(p, counts.get(p.unit_id, 0), names.get(p.current_phase, p.current_phase))
        for p in participations
    ]
    scope = scope_for(user)
    groups = campaign.groups.order_by("code")
    if scope.is_superuser or campaign.pk in scope.read_all_campaigns:
        linkable = None  # every group of the campaign
    else:
        # Only the groups of the units in scope (the filter offers nothing else), and links only
        # to the group pages the user may open.
        groups = groups.filter(pk__in=base.exclude(group_id=None).values("group_id"))
        linkable = set(scope.groups)
    groups = list(groups.values("id", "code", "name"))
    for row in rows:
        gid = row.participation.group_id
        row.group_link = gid is not None and (linkable is None or gid in linkable)
    return Overview(
        campaign=campaign,
        filters=filters,
        page=page,
        rows=rows,
        total=paginator.count,
        phase_counts=phase_counts,
        batch_counts=batch_counts,
        batches=batches,
        groups=groups,
        linkable_groups=linkable,
    )


def export_rows(*, user, campaign: Campaign, filters: OverviewFilters, chunk: int = 2000):
    """Every filtered participation as a tuple for the Excel export, in chunks (bounded memory)."""
    names = phase_names(campaign)
    qs = (
        filters.apply(scoped_participations(user, campaign))
        .order_by("unit_name", "id")
        .values_list(
            "id",
            "unit_id",
            "unit__code",
            "unit_name",
            "batch__name",
            "current_phase",
            "group__name",
            "phase_started_on",
        )
    )
    last = (None, 0)
    while True:
        page = qs
        if last[0] is not None:
            page = qs.filter(Q(unit_name__gt=last[0]) | Q(unit_name=last[0], id__gt=last[1]))
        batch = list(page[:chunk])
        if not batch:
            return
        counts = member_counts([r[1] for r in batch])
        for _pid, unit_id, code, name, batch_name, phase, group_name, started in batch:
            yield (
                code,
                name,
                batch_name,
                names.get(phase, phase),
                group_name or "未分配",
                counts.get(unit_id, 0),
                started,
            )
        last = (batch[-1][3], batch[-1][0])


def campaign_stats(campaign: Campaign, participations: QuerySet[Participation]) -> dict:
    names = phase_names(campaign)
    order = {code: i for i, code in enumerate(names)}
    phases = sorted(
        participations.values_list("current_phase")
        .annotate(n=Count("id"))
        .values_list("current_phase", "n"),
        key=lambda r: order.get(r[0], 99),
    )
    batches = list(
        participations.values_list("batch__name")
        .annotate(n=Count("id"))
        .order_by("batch__number")
        .values_list("batch__name", "n")
    )
    members = Person.objects.filter(unit_id__in=participations.values("unit_id")).count()
    return {
        "units": sum(n for _c, n in phases),
        "phases": [(names.get(c, c), n) for c, n in phases],
        "batches": batches,
        "groups": campaign.groups.count(),
        "members": members,
    }
