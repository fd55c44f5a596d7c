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
    """Per (…, class) row: total, red, yellow, no owner. Green is what is left (done, or time
    enough). Few aggregates per row keep a city-wide scan cheap."""
    yellow = Q(pk__in=[])
    for code, rule in rules.classes(template).items():
        until = today + dt.timedelta(days=rule.yellow_days_left)
        yellow |= Q(rect_class=code, deadline__gte=today, deadline__lte=until)
    return {
        "total": Count("pk"),
        "red": Count("pk", filter=NOT_DONE & Q(deadline__lt=today)),
        "yellow": Count("pk", filter=NOT_DONE & yellow),
        "no_owner": Count("pk", filter=NOT_DONE & Q(owner__isnull=True)),
    }


def _empty() -> dict:
    lights = {light: {c.value: 0 for c in RectClass} | {"all": 0} for light in rules.LIGHTS}
    return {"lights": lights, "classes": {c.value: 0 for c in RectClass}, "no_owner": 0, "total": 0}


def _add(table: dict, row: dict) -> None:
    code = row["rect_class"]
    green = row["total"] - row["red"] - row["yellow"]
    for light, n in ((rules.RED, row["red"]), (rules.YELLOW, row["yellow"]), (rules.GREEN, green)):
        table["lights"][light][code] += n
        table["lights"][light]["all"] += n
    table["classes"][code] += row["total"]
    table["no_owner"] += row["no_owner"]
    table["total"] += row["total"]


def counts(qs: QuerySet[Item], template, today: dt.date) -> dict:
    """{"lights": {light: {class: n, "all": n}}, "classes", "no_owner", "total"} over ``qs``
    (one query)."""
    table = _empty()
    for row in qs.order_by().values("rect_class").annotate(**_count_exprs(template, today)):
        _add(table, row)
    return table


def counts_by(qs: QuerySet[Item], key: str, template, today: dt.date) -> dict:
    """{key value: counts} over ``qs`` grouped by ``key`` (one query)."""
    out: dict = {}
    rows = qs.order_by().values(key, "rect_class").annotate(**_count_exprs(template, today))
    for row in rows:
        _add(out.setdefault(row[key], _empty()), row)
    return out


def _merge(tables) -> dict:
    total = _empty()
    for table in tables:
        for light, per in table["lights"].items():
            for code, n in per.items():
                total["lights"][light][code] += n
        for code, n in table["classes"].items():
            total["classes"][code] += n
        total["no_owner"] += table["no_owner"]
        total["total"] += table["total"]
    return total


def oldest_overdue(qs: QuerySet[Item], today: dt.date, limit: int = 10) -> list[Item]:
    return list(
        qs.filter(NOT_DONE, deadline__lt=today)
        .select_related("participation")
        .order_by("deadline", "pk")[:limit]
    )


def campaign_overview(campaign, items: QuerySet[Item], today: dt.date) -> dict:
    """The office's overview: totals, per group, oldest overdue, items without owner. One scan
    of the items grouped by unit (and class), summed per group and campaign here; a handful of
    queries whatever the number of units or items."""
    from dudao.campaigns.models import Participation, SupervisionGroup

    template = campaign.template
    items = items.filter(campaign=campaign)
    per_unit = counts_by(items, "participation_id", template, today)
    group_of = dict(
        Participation.objects.filter(campaign=campaign).values_list("pk", "group_id").order_by()
    )
    by_group: dict = {}
    for pid, table in per_unit.items():
        by_group.setdefault(group_of.get(pid), []).append(table)
    names = dict(SupervisionGroup.objects.filter(campaign=campaign).values_list("pk", "name"))
    groups = sorted(
        ((names.get(gid, "未分配督导组"), gid, _merge(tables)) for gid, tables in by_group.items()),
        key=lambda row: (row[1] is None, row[0]),
    )
    return {
        "totals": _merge(per_unit.values()),
        "groups": groups,
        "oldest": oldest_overdue(items, today),
    }


def group_overview(group, items: QuerySet[Item], today: dt.date) -> dict:
    from dudao.campaigns.models import Participation

    template = group.campaign.template
    names = dict(Participation.objects.filter(group=group).values_list("pk", "unit_name"))
    items = items.filter(participation_id__in=list(names))
    per_unit = counts_by(items, "participation_id", template, today)
    return {
        "totals": _merge(per_unit.values()),
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
