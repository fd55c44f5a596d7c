"""办结: an application with evidence, signed off in the template's order (unit head, then the
group); refusal needs a reason; the closed item turns green."""

from __future__ import annotations

import pytest

from dudao.core.errors import AccessDenied, DomainError
from dudao.rectification import actions
from dudao.rectification.access import item_permits
from dudao.rectification.models import CloseStatus, ItemStatus

from .helpers import new_item, with_evidence

pytestmark = pytest.mark.django_db


def test_it_refuses_a_close_application_without_evidence(cast2005):
    item = new_item(cast2005)
    with pytest.raises(DomainError, match="佐证"):
        actions.apply_to_close(actor=cast2005.user("member"), item=item, evidence="")
    with pytest.raises(DomainError, match="照片或文档"):
        actions.apply_to_close(actor=cast2005.user("member"), item=item, evidence="已完成")
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN


def test_it_signs_off_unit_head_then_group_and_turns_green(cast2005, client):
    item = new_item(cast2005)
    with_evidence(cast2005, item)
    actions.apply_to_close(actor=cast2005.user("member"), item=item, evidence="流程已公开，见照片")
    item.refresh_from_db()
    assert item.status == ItemStatus.CLOSING
    # The group may not sign before the unit head (template: close_signoff [unit_head, group]).
    assert not item_permits(cast2005.user("group_leader"), item).may("sign_off")
    with pytest.raises(AccessDenied, match="单位主要负责人"):
        actions.sign_off_close(actor=cast2005.user("group_leader"), item=item, accept=True)
    actions.sign_off_close(actor=cast2005.user("unit_head"), item=item, accept=True)
    item.refresh_from_db()
    assert item.status == ItemStatus.CLOSING
    client.force_login(cast2005.user("group_leader"))
    page = client.get(f"/rectification/items/{item.pk}/").content.decode()
    assert "审批办结申请（督导组）" in page
    response = client.post(f"/rectification/items/{item.pk}/sign-off/", {"decision": "accept"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.CLOSED and item.closed_on is not None
    page = client.get(f"/rectification/items/{item.pk}/").content.decode()
    assert 'data-light="green"' in page


def test_it_needs_a_reason_to_refuse_and_reopens_the_item(cast2005):
    item = new_item(cast2005)
    with_evidence(cast2005, item)
    application = actions.apply_to_close(
        actor=cast2005.user("member"), item=item, evidence="已完成"
    )
    with pytest.raises(DomainError, match="理由"):
        actions.sign_off_close(actor=cast2005.user("unit_head"), item=item, accept=False)
    actions.sign_off_close(
        actor=cast2005.user("unit_head"), item=item, accept=False, reason="照片看不出流程已公开"
    )
    item.refresh_from_db()
    application.refresh_from_db()
    assert item.status == ItemStatus.OPEN
    assert application.status == CloseStatus.REFUSED
    assert application.signoffs.get().reason == "照片看不出流程已公开"
