"""延期: a reason and the group's approval; the original deadline stays visible."""

from __future__ import annotations

import datetime as dt

import pytest

from dudao.core.errors import AccessDenied, DomainError
from dudao.rectification import actions
from dudao.rectification.models import ExtensionStatus

from .helpers import new_item

pytestmark = pytest.mark.django_db


def test_it_keeps_the_original_deadline_after_an_approved_extension(cast2005, client):
    item = new_item(cast2005, deadline=dt.date(2030, 1, 10))
    with pytest.raises(DomainError, match="延期理由"):
        actions.request_extension(
            actor=cast2005.user("member"), item=item, new_deadline=dt.date(2030, 2, 1), reason=""
        )
    actions.request_extension(
        actor=cast2005.user("member"),
        item=item,
        new_deadline=dt.date(2030, 2, 1),
        reason="需等待区财政预算批复",
    )
    with pytest.raises(AccessDenied):
        actions.decide_extension(actor=cast2005.user("unit_head"), item=item, approve=True)
    client.force_login(cast2005.user("group_member"))
    client.post(f"/rectification/items/{item.pk}/extension/decide/", {"decision": "approve"})
    item.refresh_from_db()
    assert item.deadline == dt.date(2030, 2, 1)
    assert item.original_deadline == dt.date(2030, 1, 10)
    page = client.get(f"/rectification/items/{item.pk}/").content.decode()
    assert "原定 2030年1月10日" in page


def test_it_needs_a_reason_to_refuse_an_extension(cast2005):
    item = new_item(cast2005, deadline=dt.date(2030, 1, 10))
    actions.request_extension(
        actor=cast2005.user("member"), item=item, new_deadline=dt.date(2030, 2, 1), reason="等批复"
    )
    with pytest.raises(DomainError, match="理由"):
        actions.decide_extension(actor=cast2005.user("group_leader"), item=item, approve=False)
    ext = actions.decide_extension(
        actor=cast2005.user("group_leader"), item=item, approve=False, reason="可先行整改"
    )
    item.refresh_from_db()
    assert ext.status == ExtensionStatus.REFUSED
    assert item.deadline == dt.date(2030, 1, 10)
