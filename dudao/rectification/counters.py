"""Counters of the office overview (docs/decisions/0009-rectification-counts.md).

The campaign overview counts items by light and class per supervision group and for the whole
campaign. Counting a million items on every request is too slow, so the counts are kept:

- ``ClassCount`` (campaign, group, class): every item, and the open ones without an owner;
- ``DeadlineCount`` (campaign, group, class, deadline day): the open items (整改中, 申请办结).

Nothing stored depends on today's date or on the template's thresholds: an open item is red
when its deadline is before today and yellow when it falls within the class's
``yellow_days_left``, so the overview sums the ``DeadlineCount`` rows of two date ranges (a few
thousand rows for a city) and the counts stay right as days pass without any write.

They are kept by ``post_save`` / ``post_delete`` of :class:`Item` (every way the app writes
items goes through ``save()``; raw SQL and ``QuerySet.update`` do not, and must be followed by
``recount``). ``CountedUnit`` remembers the group under which each unit's items are counted;
a unit moved to another group is found on the next overview (one join) and its counts moved.
``python manage.py recount_rectification`` rebuilds them (``--check`` only compares).
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save, pre_save

from .models import ClassCount, CountedUnit, DeadlineCount, Item

OPEN = ("open", "closing")
FIELDS = ("campaign_id", "participation_id", "rect_class", "status", "deadline", "owner_id")
SNAPSHOT = "_rect_counted"


def _state(values: dict) -> tuple | None:
    """What one item adds to the counters: (campaign, unit, class, open, deadline, no owner)."""
    if values.get("campaign_id") is None or values.get("participation_id") is None:
        return None
    is_open = values["status"] in OPEN
    return (
        values["campaign_id"],
        values["participation_id"],
        values["rect_class"],
        is_open,
        values["deadline"],
        is_open and values["owner_id"] is None,
    )


def _values(item: Item) -> dict:
    return {f: getattr(item, f) for f in FIELDS}


def _tables() -> dict[str, str]:
    from dudao.campaigns.models import Participation

    return {
        "item": Item._meta.db_table,
        "participation": Participation._meta.db_table,
        "unit": CountedUnit._meta.db_table,
        "cls": ClassCount._meta.db_table,
        "deadline": DeadlineCount._meta.db_table,
    }


def _add_class(cursor, campaign_id, group_key, rect_class, items: int, no_owner: int) -> None:
    t = ClassCount._meta.db_table
    cursor.execute(
        f"INSERT INTO {t} (campaign_id, group_key, rect_class, items, no_owner) "
        "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (campaign_id, group_key, rect_class) "
        f"DO UPDATE SET items = {t}.items + excluded.items, "
        f"no_owner = {t}.no_owner + excluded.no_owner",
        [campaign_id, group_key, rect_class, items, no_owner],
    )


def _add_deadline(cursor, campaign_id, group_key, rect_class, deadline, n: int) -> None:
    t = DeadlineCount._meta.db_table
    cursor.execute(
        f"INSERT INTO {t} (campaign_id, group_key, rect_class, deadline, open_items) "
        "VALUES (%s, %s, %s, %s, %s) "
        "ON CONFLICT (campaign_id, group_key, rect_class, deadline) "
        f"DO UPDATE SET open_items = {t}.open_items + excluded.open_items",
        [campaign_id, group_key, rect_class, deadline, n],
    )


def _group_key(campaign_id: int, participation_id: int) -> int | None:
    """The group the unit's items are counted under (locked: a move waits for this write)."""
    row = (
        CountedUnit.objects.select_for_update()
        .filter(pk=participation_id)
        .values_list("group_key", flat=True)
        .first()
    )
    if row is not None:
        return row
    from dudao.campaigns.models import Participation

    group = (
        Participation.objects.filter(pk=participation_id).values_list("group_id", flat=True).first()
    )
    if group is None and not Participation.objects.filter(pk=participation_id).exists():
        return None  # the unit is being deleted and was never counted
    CountedUnit.objects.bulk_create(
        [CountedUnit(participation_id=participation_id, campaign_id=campaign_id,
                     group_key=group or 0)],
        ignore_conflicts=True,
    )  # fmt: skip
    return (
        CountedUnit.objects.select_for_update()
        .filter(pk=participation_id)
        .values_list("group_key", flat=True)
        .first()
    )


def apply(old: tuple | None, new: tuple | None) -> None:
    """Move one item's contribution from ``old`` to ``new`` (either may be None)."""
    if old == new:
        return
    state = new or old
    with transaction.atomic():
        group_key = _group_key(state[0], state[1])
        if group_key is None:
            return
        with connection.cursor() as cursor:
            for s, sign in ((old, -1), (new, 1)):
                if s is None:
                    continue
                campaign_id, _unit, rect_class, is_open, deadline, no_owner = s
                _add_class(cursor, campaign_id, group_key, rect_class, sign, sign * int(no_owner))
                if is_open:
                    _add_deadline(cursor, campaign_id, group_key, rect_class, deadline, sign)


# --- signals ------------------------------------------------------------------------------------


def _remember(sender, instance: Item, **kwargs) -> None:
    if not hasattr(instance, SNAPSHOT):
        stored = None
        if not instance._state.adding and instance.pk is not None:
            row = Item.objects.filter(pk=instance.pk).values(*FIELDS).first()
            stored = _state(row) if row else None
        setattr(instance, SNAPSHOT, stored)


def _saved(sender, instance: Item, created: bool, update_fields=None, **kwargs) -> None:
    old = None if created else getattr(instance, SNAPSHOT, None)
    if update_fields is None or old is None:
        new = _state(_values(instance))
    else:
        written = {f.removesuffix("_id") for f in update_fields}
        if not written & {f.removesuffix("_id") for f in FIELDS}:
            return  # no counted field written
        # Fields not written keep what the database holds: read the row as saved.
        row = Item.objects.filter(pk=instance.pk).values(*FIELDS).first()
        new = _state(row) if row else None
    apply(old, new)
    setattr(instance, SNAPSHOT, new)


def _deleted(sender, instance: Item, **kwargs) -> None:
    old = getattr(instance, SNAPSHOT, None) or _state(_values(instance))
    apply(old, None)
    setattr(instance, SNAPSHOT, None)


def connect() -> None:
    pre_save.connect(_remember, sender=Item, dispatch_uid="rect-count-pre")
    post_save.connect(_saved, sender=Item, dispatch_uid="rect-count-save")
    post_delete.connect(_deleted, sender=Item, dispatch_uid="rect-count-delete")


# --- a unit moved to another group --------------------------------------------------------------


def heal(campaign_id: int) -> int:
    """Move the counts of the campaign's units whose group changed since their items were
    counted; count a campaign whose items were bulk-loaded past ``save()`` (items, and no unit
    counted at all: the demo's loader, a restore) from scratch. Two queries when nothing is
    amiss; returns the number of units moved or counted."""
    t = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {t['item']} WHERE campaign_id = %s) AND NOT EXISTS "
            f"(SELECT 1 FROM {t['unit']} WHERE campaign_id = %s)",
            [campaign_id, campaign_id],
        )
        if cursor.fetchone()[0]:
            return recount(campaign_id)["units"]
        cursor.execute(
            f"SELECT u.participation_id FROM {t['unit']} u JOIN {t['participation']} p "
            "ON p.id = u.participation_id WHERE u.campaign_id = %s "
            "AND u.group_key <> COALESCE(p.group_id, 0)",
            [campaign_id],
        )
        moved = [r[0] for r in cursor.fetchall()]
    for pid in moved:
        _move_unit(pid)
    return len(moved)


def _move_unit(participation_id: int) -> None:
    from dudao.campaigns.models import Participation

    with transaction.atomic():
        unit = CountedUnit.objects.select_for_update().filter(pk=participation_id).first()
        group = Participation.objects.filter(pk=participation_id).values_list("group_id", flat=True)
        if unit is None or not group:
            return
        new_key = group[0] or 0
        if unit.group_key == new_key:
            return
        rows = list(_unit_rows(participation_id))
        with connection.cursor() as cursor:
            for key, sign in ((unit.group_key, -1), (new_key, 1)):
                for cls, is_open, deadline, n, no_owner in rows:
                    _add_class(cursor, unit.campaign_id, key, cls, sign * n, sign * no_owner)
                    if is_open:
                        _add_deadline(cursor, unit.campaign_id, key, cls, deadline, sign * n)
        unit.group_key = new_key
        unit.save(update_fields=["group_key"])


def _unit_rows(participation_id: int):
    """(class, open, deadline or None, items, open without owner) of one unit's items."""
    out: dict[tuple, list[int]] = {}
    for row in Item.objects.filter(participation_id=participation_id).values(*FIELDS):
        _campaign, _unit, cls, is_open, deadline, no_owner = _state(row)
        slot = out.setdefault((cls, is_open, deadline if is_open else None), [0, 0])
        slot[0] += 1
        slot[1] += int(no_owner)
    return [(*k, n, no) for k, (n, no) in out.items()]


# --- rebuild and check --------------------------------------------------------------------------


def _fresh_rows(cursor, campaign_id: int, t: dict) -> tuple[list, list, list]:
    """What the counters of a campaign should hold, counted from its items (three queries)."""
    cursor.execute(
        f"SELECT DISTINCT i.participation_id, COALESCE(p.group_id, 0) FROM {t['item']} i "
        f"JOIN {t['participation']} p ON p.id = i.participation_id WHERE i.campaign_id = %s",
        [campaign_id],
    )
    units = sorted(cursor.fetchall())
    cursor.execute(
        f"SELECT COALESCE(p.group_id, 0), i.rect_class, COUNT(*), SUM(CASE WHEN i.status IN "
        "('open', 'closing') AND i.owner_id IS NULL THEN 1 ELSE 0 END) "
        f"FROM {t['item']} i JOIN {t['participation']} p ON p.id = i.participation_id "
        "WHERE i.campaign_id = %s GROUP BY COALESCE(p.group_id, 0), i.rect_class",
        [campaign_id],
    )
    classes = sorted(cursor.fetchall())
    cursor.execute(
        f"SELECT COALESCE(p.group_id, 0), i.rect_class, i.deadline, COUNT(*) "
        f"FROM {t['item']} i JOIN {t['participation']} p ON p.id = i.participation_id "
        "WHERE i.campaign_id = %s AND i.status IN ('open', 'closing') "
        "GROUP BY COALESCE(p.group_id, 0), i.rect_class, i.deadline",
        [campaign_id],
    )
    deadlines = sorted(cursor.fetchall())
    return units, classes, deadlines


def recount(campaign_id: int, tables: dict | None = None) -> dict:
    """Rebuild a campaign's counters from its items; returns the numbers of rows written."""
    t = tables or _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Item writes wait until the rebuild commits: none is counted twice or lost.
            cursor.execute(f"LOCK TABLE {t['item']} IN SHARE ROW EXCLUSIVE MODE")
        units, classes, deadlines = _fresh_rows(cursor, campaign_id, t)
        for table in ("unit", "cls", "deadline"):
            cursor.execute(f"DELETE FROM {t[table]} WHERE campaign_id = %s", [campaign_id])
        cursor.executemany(
            f"INSERT INTO {t['unit']} (participation_id, campaign_id, group_key) "
            "VALUES (%s, %s, %s)",
            [(pid, campaign_id, g) for pid, g in units],
        )
        cursor.executemany(
            f"INSERT INTO {t['cls']} (campaign_id, group_key, rect_class, items, no_owner) "
            "VALUES (%s, %s, %s, %s, %s)",
            [(campaign_id, g, c, n, no) for g, c, n, no in classes],
        )
        cursor.executemany(
            f"INSERT INTO {t['deadline']} (campaign_id, group_key, rect_class, deadline, "
            "open_items) VALUES (%s, %s, %s, %s, %s)",
            [(campaign_id, g, c, d, n) for g, c, d, n in deadlines],
        )
    return {"units": len(units), "classes": len(classes), "deadlines": len(deadlines)}


def differences(campaign_id: int) -> list[str]:
    """How the stored counters of a campaign differ from a fresh count (empty: they agree)."""
    t = _tables()
    heal(campaign_id)
    with connection.cursor() as cursor:
        units, classes, deadlines = _fresh_rows(cursor, campaign_id, t)
    stored_units = {
        (u.participation_id, u.group_key)
        for u in CountedUnit.objects.filter(campaign_id=campaign_id)
    }
    stored_classes = {
        (g, c): (n, no)
        for g, c, n, no in ClassCount.objects.filter(campaign_id=campaign_id).values_list(
            "group_key", "rect_class", "items", "no_owner"
        )
        if n or no
    }
    stored_deadlines = {
        (g, c, d): n
        for g, c, d, n in DeadlineCount.objects.filter(campaign_id=campaign_id).values_list(
            "group_key", "rect_class", "deadline", "open_items"
        )
        if n
    }
    out = []
    # A unit whose group changed is healed on the next overview; only a wrong group of a unit
    # that has items and no counted row at all is a difference here.
    counted = {pid for pid, _g in stored_units}
    out += [f"单位 {pid} 未计数" for pid, _g in units if pid not in counted]
    fresh_classes = {(g, c): (n, no) for g, c, n, no in classes}
    for key in sorted(set(fresh_classes) | set(stored_classes), key=str):
        if fresh_classes.get(key) != stored_classes.get(key):
            out.append(f"分类 {key}：应为 {fresh_classes.get(key)}，现为 {stored_classes.get(key)}")
    fresh_deadlines = {(g, c, d): n for g, c, d, n in deadlines}
    for key in sorted(set(fresh_deadlines) | set(stored_deadlines), key=str):
        if fresh_deadlines.get(key) != stored_deadlines.get(key):
            out.append(
                f"时限 {key}：应为 {fresh_deadlines.get(key)}，现为 {stored_deadlines.get(key)}"
            )
    return out
