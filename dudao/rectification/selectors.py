"""Reads and aggregates: lights by class per unit, group and campaign, the oldest overdue items,
items without an owner, filtered lists. Set-based: each figure is one aggregate query whatever
the number of units or items (guarded by tests/test_it_counts_in_fixed_queries.py)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When

from . import rules
from .models import DONE_STATUSES, Item, RectClass, Reminder

NOT_DONE = ~Q(status__in=DONE_STATUSES)


def light_q(template, today: dt.date) -> dict[str, dict[str, Q]]:
    """{light: {class: Q}}: the condition of each light for each class (see ``rules.light``)."""
    out: dict[str, dict[str, Q]] = {light: {} for light in rules.LIGHTS}
    for code, rule in rules.classes(template).items():
        cls = Q(rect_class=code)
        yellow_until = today + dt.timedelta(days=rule.yellow_days_left)
        out[rules.RED][code] = cls & NOT_DONE & Q(deadline__lt=today)
        out[rules.YELLOW][code] = (
            cls & NOT_DONE & Q(deadline__gte=today) & Q(deadline__lte=yellow_until)
        )
        out[rules.GREEN][code] = cls & (Q(status__in=DONE_STATUSES) | Q(deadline__gt=yellow_until))
    return out


def light_case(template, today: dt.date) -> Case:
    conditions = light_q(template, today)
    whens = [
        When(q, then=Value(light))
        for light in (rules.RED, rules.YELLOW)
        for q in conditions[light].values()
    ]
    return Case(*whens, default=Value(rules.GREEN), output_field=CharField())


def _count_exprs(template, today: dt.date) -> dict:
    exprs = {}
    for light, by_class in light_q(template, today).items():
        for code, q in by_class.items():
            exprs[f"{light}__{code}"] = Count("pk", filter=q)
    exprs["no_owner"] = Count("pk", filter=NOT_DONE & Q(owner__isnull=True))
    exprs["total"] = Count("pk")
    return exprs


def _table(row: dict) -> dict:
    """{"lights": {light: {class: n, "all": n}}, "classes": {class: n}, "no_owner", "total"}."""
    lights = {}
    classes = {c.value: 0 for c in RectClass}
    for light in rules.LIGHTS:
        per = {c.value: row.get(f"{light}__{c.value}", 0) or 0 for c in RectClass}
        per["all"] = sum(per.values())
        lights[light] = per
        for code in classes:
            classes[code] += per[code]
    return {
        "lights": lights,
        "classes": classes,
        "no_owner": row.get("no_owner", 0) or 0,
        "total": row.get("total", 0) or 0,
    }


def counts(qs: QuerySet[Item], template, today: dt.date) -> dict:
    """Counts by light and class over ``qs`` (one query)."""
    return _table(qs.order_by().aggregate(**_count_exprs(template, today)))


def counts_by(qs: QuerySet[Item], key: str, template, today: dt.date) -> dict:
    """{key value: counts} over ``qs`` grouped by ``key`` (one query)."""
    rows = qs.order_by().values(key).annotate(**_count_exprs(template, today))
    return {row[key]: _table(row) for row in rows}


def oldest_overdue(qs: QuerySet[Item], today: dt.date, limit: int = 10) -> list[Item]:
    return list(
        qs.filter(NOT_DONE, deadline__lt=today)
        .select_related("participation")
        .order_by("deadline", "pk")[:limit]
    )


def campaign_overview(campaign, items: QuerySet[Item], today: dt.date) -> dict:
    """The office's overview: totals, per group, oldest overdue, items without owner. Four
    queries (and one for the group names) whatever the number of units or items."""
    from dudao.campaigns.models import SupervisionGroup

    template = campaign.template
    items = items.filter(campaign=campaign)
    per_group = counts_by(items, "participation__group_id", template, today)
    names = dict(SupervisionGroup.objects.filter(campaign=campaign).values_list("pk", "name"))
    groups = sorted(
        ((names.get(gid, "未分配督导组"), gid, table) for gid, table in per_group.items()),
        key=lambda row: (row[1] is None, row[0]),
    )
    return {
        "totals": counts(items, template, today),
        "groups": groups,
        "oldest": oldest_overdue(items, today),
    }


def group_overview(group, items: QuerySet[Item], today: dt.date) -> dict:
    template = group.campaign.template
    items = items.filter(participation__group=group)
    per_unit = counts_by(items, "participation_id", template, today)
    from dudao.campaigns.models import Participation

    names = dict(Participation.objects.filter(group=group).values_list("pk", "unit_name"))
    return {
        "totals": counts(items, template, today),
        "units": sorted(
            ((names.get(pid, ""), pid, table) for pid, table in per_unit.items()),
            key=lambda r: r[0],
        ),
        "oldest": oldest_overdue(items, today),
    }


def filtered(items: QuerySet[Item], template, today: dt.date, params: dict) -> QuerySet[Item]:
    """Filter a list by light, class, status, level and 'no owner' (values already checked
    against their choices by the form)."""
    qs = items.annotate(light=light_case(template, today))
    if params.get("light"):
        qs = qs.filter(light=params["light"])
    for name in ("rect_class", "status", "level"):
        if params.get(name):
            qs = qs.filter(**{name: params[name]})
    if params.get("no_owner"):
        qs = qs.filter(NOT_DONE, owner__isnull=True)
    if params.get("q"):
        qs = qs.filter(problem__icontains=params["q"])
    return qs.select_related("participation").order_by("participation__unit_name", "number")


def reminders_of(item: Item) -> list[Reminder]:
    return list(item.reminders.order_by("created_at", "pk"))


def todo_reminders(user, limit: int = 50) -> list[Reminder]:
    """A user's to-do list of 催办: reminders addressed to him (as owner, unit head, group,
    office) on items not done yet."""
    from dudao.orgs.access import scope_for

    scope = scope_for(user)
    q = Q(recipient="owner", item__owner_id=user.pk)
    if scope.head_units:
        q |= Q(recipient="unit_head", item__participation__unit_id__in=scope.head_units)
    if scope.groups:
        q |= Q(recipient="group", item__participation__group_id__in=scope.groups)
    if scope.office_campaigns:
        q |= Q(recipient="office", item__campaign_id__in=scope.office_campaigns)
    return list(
        Reminder.objects.filter(q)
        .exclude(item__status__in=DONE_STATUSES)
        .select_related("item__participation")
        .order_by("-created_at", "-pk")[:limit]
    )
