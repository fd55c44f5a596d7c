"""Review load: characters read per reviewer, pending reviews per group with their age."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dudao.reviews import actions, selectors
from dudao.reviews.models import Document

from .helpers import participation, submit_plan


def test_characters_read_and_pending_age(cast05):
    text = "方案正文。" * 100  # 500 characters
    doc = submit_plan(cast05, text=text)
    actions.decide(
        actor=cast05.user("group_leader"), document=doc, decision="returned", reason="请修改。"
    )
    doc = submit_plan(cast05, text=text + "补充", document=doc)
    actions.decide(
        actor=cast05.user("group_member"), document=doc, decision="returned", reason="再修改。"
    )
    doc = submit_plan(cast05, text=text + "再补充", document=doc)
    Document.objects.filter(pk=doc.pk).update(
        last_submitted_at=timezone.now() - dt.timedelta(days=6)
    )
    actions.submit_document(
        actor=cast05.users["admin"],
        participation=participation(cast05, cast05.unit_b),
        kind="implementation_plan",
        text="教育局方案。" * 20,
    )
    office = cast05.user("office")
    read = {
        r["name"]: (r["chars"], r["rounds"])
        for r in selectors.characters_read(office, cast05.campaign)
    }
    assert read == {"刘振华": (500, 1), "何丽": (502, 1)}
    pending = {
        r["group"]: (r["count"], r["oldest_days"])
        for r in selectors.pending_by_group(office, cast05.campaign)
    }
    assert pending == {"第一督导组": (1, 6), "第二督导组": (1, 0)}
    # The group sees only its own units.
    mine = selectors.pending_by_group(cast05.user("group_member"), cast05.campaign)
    assert [r["group"] for r in mine] == ["第一督导组"]
