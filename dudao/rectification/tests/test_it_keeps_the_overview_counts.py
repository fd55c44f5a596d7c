"""The office overview counts from kept counters (decision 0009): after every kind of write they
equal a count of the items themselves; the lights move as days pass without any write; a unit
moved to another group moves its counts; the recount command finds and repairs a difference."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dudao.campaigns.models import Participation
from dudao.rectification import actions, counters, selectors
from dudao.rectification.models import ClassCount, DeadlineCount, Item

from .helpers import new_item, part, with_evidence

pytestmark = pytest.mark.django_db


def _by_items(cast, today) -> dict:
    """The same figures counted from the items (the reference the counters must equal)."""
    items = Item.objects.filter(campaign=cast.campaign)
    group_of = dict(Participation.objects.filter(campaign=cast.campaign).values_list("pk", "group"))
    per_unit = selectors.counts_by(items, "participation_id", cast.campaign.template, today)
    out: dict = {}
    for pid, table in per_unit.items():
        out.setdefault(group_of[pid], []).append(table)
    return {g: selectors._merge(tables) for g, tables in out.items()}


def _by_counters(cast, today) -> dict:
    return {
        g: t
        for g, t in selectors.campaign_counts(cast.campaign, today).items()
        if t["total"]  # a group whose items all left keeps zero rows
    }


def _assert_same(cast, today) -> None:
    assert _by_counters(cast, today) == _by_items(cast, today)


TODAY = dt.date(2005, 5, 10)


def test_it_counts_every_write_as_the_items_do(cast2005):
    c = cast2005
    red = new_item(c, rect_class="immediate", deadline=dt.date(2005, 5, 1))
    yellow = new_item(c, rect_class="gradual", deadline=dt.date(2005, 5, 20))
    no_owner = new_item(c, rect_class="near_term", deadline=dt.date(2005, 6, 30), owner_key=None)
    new_item(c, rect_class="near_term", deadline=dt.date(2005, 5, 12))
    _assert_same(c, TODAY)
    totals = selectors.campaign_overview(c.campaign, TODAY)["totals"]
    assert totals["lights"]["red"]["all"] == 1 and totals["lights"]["yellow"]["all"] == 2
    assert totals["no_owner"] == 1 and totals["total"] == 4

    # Edit the class and the owner; close one (applying keeps it open, signing closes it).
    actions.update_item(
        actor=c.user("group_leader"), item=no_owner, changes={"rect_class": "immediate"}
    )
    _assert_same(c, TODAY)
    with_evidence(c, red)
    actions.apply_to_close(actor=c.user("member"), item=red, evidence="已整改，见照片")
    _assert_same(c, TODAY)
    actions.sign_off_close(actor=c.user("unit_head"), item=red, accept=True)
    actions.sign_off_close(actor=c.user("group_leader"), item=red, accept=True)
    red.refresh_from_db()
    assert red.status == "closed"
    _assert_same(c, TODAY)
    # An extension moves the deadline bucket; an explanation takes the item out of the open.
    actions.request_extension(
        actor=c.user("member"), item=yellow, new_deadline=dt.date(2005, 8, 1), reason="等待批复"
    )
    actions.decide_extension(actor=c.user("group_member"), item=yellow, approve=True)
    _assert_same(c, TODAY)
    actions.explain_item(actor=c.user("liaison"), item=no_owner, explanation="政策有明确规定")
    _assert_same(c, TODAY)
    Item.objects.get(pk=yellow.pk).delete()
    _assert_same(c, TODAY)
    assert counters.differences(c.campaign.pk) == []
    totals = selectors.campaign_overview(c.campaign, TODAY)["totals"]
    assert totals["total"] == 3 and totals["no_owner"] == 0


def test_the_lights_move_with_the_date_without_a_write(cast2005):
    new_item(cast2005, rect_class="immediate", deadline=dt.date(2005, 5, 20))
    lights = []
    for day in (dt.date(2005, 5, 17), dt.date(2005, 5, 18), dt.date(2005, 5, 20),
                dt.date(2005, 5, 21)):  # fmt: skip
        totals = selectors.campaign_overview(cast2005.campaign, day)["totals"]["lights"]
        lights.append([light for light in ("red", "yellow", "green") if totals[light]["all"]])
        _assert_same(cast2005, day)
    # 2005: immediate items turn yellow 2 days before their deadline, red the day after.
    assert lights == [["green"], ["yellow"], ["yellow"], ["red"]]


def test_a_unit_moved_to_another_group_takes_its_counts_along(cast2005, client):
    c = cast2005
    new_item(c, deadline=dt.date(2005, 5, 1))
    new_item(c, rect_class="gradual", deadline=dt.date(2030, 1, 1))
    assert set(_by_counters(c, TODAY)) == {c.group1.pk}
    # A bulk update, as the campaign pages or a repair may do: no signal reaches this app.
    Participation.objects.filter(pk=part(c).pk).update(group=c.group2)
    client.force_login(c.user("office"))
    page = client.get(f"/rectification/campaigns/{c.campaign.pk}/").content.decode()
    assert "第二督导组" in page
    assert set(_by_counters(c, TODAY)) == {c.group2.pk}
    _assert_same(c, TODAY)


def test_the_recount_command_finds_and_repairs_a_difference(cast2005, capsys):
    new_item(cast2005, deadline=dt.date(2005, 5, 1))
    new_item(cast2005, rect_class="near_term", deadline=dt.date(2005, 5, 30), owner_key=None)
    call_command("recount_rectification", "--check")
    assert "计数一致" in capsys.readouterr().out
    # Writes that bypass save() (raw SQL, QuerySet.update) leave the counters behind.
    Item.objects.filter(campaign=cast2005.campaign).update(status="closed", closed_on=TODAY)
    with pytest.raises(CommandError, match="不一致"):
        call_command("recount_rectification", "--check")
    call_command("recount_rectification", f"--campaign={cast2005.campaign.pk}")
    call_command("recount_rectification", "--check")
    assert not DeadlineCount.objects.filter(campaign_id=cast2005.campaign.pk, open_items__gt=0)
    assert ClassCount.objects.filter(campaign_id=cast2005.campaign.pk, no_owner__gt=0).count() == 0
    _assert_same(cast2005, TODAY)


def test_a_campaign_loaded_past_save_is_counted_on_its_first_overview(cast2005):
    from dudao.rectification.models import CountedUnit

    new_item(cast2005, deadline=dt.date(2005, 5, 1))
    new_item(cast2005, rect_class="gradual", deadline=dt.date(2030, 1, 1), owner_key=None)
    # As after a bulk load (the demo's loader writes rows without save()): no counters at all.
    for model in (CountedUnit, ClassCount, DeadlineCount):
        model.objects.all().delete()
    totals = selectors.campaign_overview(cast2005.campaign, TODAY)["totals"]
    assert totals["total"] == 2 and totals["lights"]["red"]["all"] == 1 and totals["no_owner"] == 1
    _assert_same(cast2005, TODAY)
