"""Reads and aggregates: lights by class per unit, group and campaign, the oldest overdue items,
items without an owner, filtered lists. Set-based: each figure is one aggregate query whatever
the number of units or items (guarded by tests/test_it_counts_in_fixed_queries.py)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When

from dudao.reviews.models import Document, DocumentStatus, DocumentVersion

from . import rules
from .models import DONE_STATUSES, Item, RectClass, Reminder, SourceKind

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


OPEN_STATUSES = ("open", "closing")


def _count_rows(qs: QuerySet[Item], keys: list[str], template, today: dt.date):
    """Rows of (keys…, rect_class, total, red, yellow, no_owner), from four grouped queries that
    each read only what they count through an index range (totals over all items; red, yellow
    and 'no owner' over the open items of the matching deadlines), instead of one scan that
    evaluates every condition on every item (5 s → well under 1 s on a million SQLite rows)."""
    group = [*keys, "rect_class"]
    qs = qs.order_by()
    out: dict[tuple, dict] = {}

    def slot(row):
        key = tuple(row[k] for k in group)
        return out.setdefault(
            key, {**dict(zip(group, key)), "total": 0, "red": 0, "yellow": 0, "no_owner": 0}
        )

    for row in qs.values(*group).annotate(n=Count("pk")):
        slot(row)["total"] = row["n"]
    open_qs = qs.filter(status__in=OPEN_STATUSES)
    # Grouped class first: an index ordered by unit would otherwise win for its GROUP BY order
    # and read every item instead of the open ones in the deadline range.
    opened = ["rect_class", *keys]
    for row in open_qs.filter(deadline__lt=today).values(*opened).annotate(n=Count("pk")):
        slot(row)["red"] = row["n"]
    rules_by_class = rules.classes(template)
    longest = max((r.yellow_days_left for r in rules_by_class.values()), default=0)
    near = open_qs.filter(deadline__gte=today, deadline__lte=today + dt.timedelta(days=longest))
    for row in near.values(*opened, "deadline").annotate(n=Count("pk")):
        rule = rules_by_class.get(row["rect_class"])
        if rule is not None and (row["deadline"] - today).days <= rule.yellow_days_left:
            slot(row)["yellow"] += row["n"]
    for row in open_qs.filter(owner__isnull=True).values(*opened).annotate(n=Count("pk")):
        slot(row)["no_owner"] = row["n"]
    return out.values()


def counts(qs: QuerySet[Item], template, today: dt.date) -> dict:
    """{"lights": {light: {class: n, "all": n}}, "classes", "no_owner", "total"} over ``qs``
    (a fixed number of queries)."""
    table = _empty()
    for row in _count_rows(qs, [], template, today):
        _add(table, row)
    return table


def counts_by(qs: QuerySet[Item], key: str, template, today: dt.date) -> dict:
    """{key value: counts} over ``qs`` grouped by ``key`` (a fixed number of queries)."""
    out: dict = {}
    for row in _count_rows(qs, [key], template, today):
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
    # One ordered index range per open status, merged here: "status IN (…) ORDER BY deadline"
    # would sort every overdue item first.
    found: list[Item] = []
    for status in OPEN_STATUSES:
        found += list(
            qs.filter(status=status, deadline__lt=today)
            .select_related("participation")
            .order_by("deadline", "pk")[:limit]
        )
    return sorted(found, key=lambda i: (i.deadline, i.pk))[:limit]


def campaign_counts(campaign, today: dt.date) -> dict:
    """{group id or None: counts} of a whole campaign from the kept counters (``counters``):
    totals and 'no owner' per group and class, red and yellow as sums over two deadline ranges
    of the open items. Four queries whatever the number of items (plus a unit moved to another
    group since its items were counted, moved here first)."""
    from django.db.models import Sum

    from . import counters
    from .models import ClassCount, DeadlineCount

    counters.heal(campaign.pk)
    rules_by_class = rules.classes(campaign.template)
    rows: dict[tuple, dict] = {}

    def slot(group_key, rect_class):
        key = (group_key or None, rect_class)
        return rows.setdefault(
            key,
            {"group": key[0], "rect_class": rect_class, "total": 0, "red": 0, "yellow": 0,
             "no_owner": 0},
        )  # fmt: skip

    for g, c, n, no in ClassCount.objects.filter(campaign_id=campaign.pk).values_list(
        "group_key", "rect_class", "items", "no_owner"
    ):
        row = slot(g, c)
        row["total"] += n
        row["no_owner"] += no
    counted = DeadlineCount.objects.filter(campaign_id=campaign.pk).order_by()
    for row in (
        counted.filter(deadline__lt=today)
        .values("group_key", "rect_class")
        .annotate(n=Sum("open_items"))
    ):
        slot(row["group_key"], row["rect_class"])["red"] += row["n"]
    longest = max((r.yellow_days_left for r in rules_by_class.values()), default=0)
    for g, c, deadline, n in counted.filter(
        deadline__gte=today, deadline__lte=today + dt.timedelta(days=longest)
    ).values_list("group_key", "rect_class", "deadline", "open_items"):
        rule = rules_by_class.get(c)
        if rule is not None and (deadline - today).days <= rule.yellow_days_left:
            slot(g, c)["yellow"] += n
    out: dict = {}
    for row in rows.values():
        if row["total"] or row["red"] or row["yellow"]:
            _add(out.setdefault(row["group"], _empty()), row)
    return out


def campaign_overview(campaign, today: dt.date) -> dict:
    """The office's overview of a whole campaign: totals, per group, the oldest overdue items,
    items without owner. Counts from the kept counters (``campaign_counts``), the oldest
    overdue from an index range of the items: a handful of queries, none reading every item."""
    from dudao.campaigns.models import SupervisionGroup

    by_group = campaign_counts(campaign, today)
    names = dict(SupervisionGroup.objects.filter(campaign=campaign).values_list("pk", "name"))
    groups = sorted(
        ((names.get(gid, "未分配督导组"), gid, table) for gid, table in by_group.items()),
        key=lambda row: (row[1] is None, row[0]),
    )
    return {
        "totals": _merge(by_group.values()),
        "groups": groups,
        "oldest": oldest_overdue(Item.objects.filter(campaign=campaign), today),
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


def look_back_result(participation) -> dict | None:
    """The 回头看 result document(s) of a unit (the template's ``look_back_document`` kind),
    newest first, with the kind's name; None when the template names no such document."""
    template = participation.campaign.template
    kind = rules.look_back_document(template)
    if not kind:
        return None
    name = next(d["name"] for d in template.data["document_kinds"] if d["code"] == kind)
    docs = list(Document.objects.filter(participation=participation, kind=kind).order_by("-pk"))
    approved = any(d.status == DocumentStatus.APPROVED for d in docs)
    return {"kind": kind, "name": name, "documents": docs, "approved": approved}


def approved_plans(participation) -> list[dict]:
    """The unit's approved rectification plans (the template's ``plan_documents``), each with
    its approved text's passages and which of them are already items: ``[{"document",
    "version", "level", "passages": [(index, text, item or None)]}]``. Two queries for the
    documents and versions, one for the items made from them."""
    kinds = rules.plan_documents(participation.campaign.template)
    if not kinds:
        return []
    docs = list(
        Document.objects.filter(
            participation=participation, kind__in=kinds, status=DocumentStatus.APPROVED
        )
        .select_related("author")
        .order_by("kind", "author__name", "pk")
    )
    latest: dict[int, DocumentVersion] = {}
    for v in DocumentVersion.objects.filter(document__in=docs).order_by("document_id", "number"):
        latest[v.document_id] = v
    made: dict[tuple[int, str], Item] = {}
    for item in Item.objects.filter(
        participation=participation,
        source_kind=SourceKind.PLAN,
        source_id__in=[v.pk for v in latest.values()],
    ):
        made[(item.source_id, item.problem)] = item
    out = []
    for doc in docs:
        version = latest.get(doc.pk)
        if version is None:
            continue
        passages = [
            (i, text, made.get((version.pk, text)))
            for i, text in enumerate(rules.plan_passages(version.text))
        ]
        out.append({"document": doc, "version": version, "level": kinds[doc.kind],
                    "passages": passages})  # fmt: skip
    return out
