"""Simple registers (建章立制 checked by the inspection group; 化解上访积案, 为民办实事 and
pledges counted) and the look-back (回头看): each unsolved or explained item is solved,
explained again or extended."""

from __future__ import annotations

import datetime as dt

import pytest

from dudao.core.errors import AccessDenied, DomainError
from dudao.orgs import actions as org_actions
from dudao.orgs.models import Role
from dudao.rectification import actions, registers
from dudao.rectification.models import CheckStatus, ExtensionStatus, ItemStatus

from .helpers import new_item, part, with_evidence

pytestmark = pytest.mark.django_db


def _head_c(cast):
    user = org_actions.create_account(
        actor=cast.user("admin"), username="head-c", full_name="档案馆负责人", password="x-pass-1"
    )
    org_actions.grant_role(
        actor=cast.user("admin"), user=user, role=Role.UNIT_HEAD, organisation=cast.unit_c
    )
    return user


def test_it_lets_the_inspection_group_mark_a_regulation_in_force_or_not(cast2005, client):
    p_c = part(cast2005, cast2005.unit_c)
    reg = registers.register_regulation(
        actor=_head_c(cast2005),
        participation=p_c,
        title="机关党员学习培训制度",
        adopted_on=dt.date(2005, 4, 20),
        adopted_by="档案馆党组",
    )
    with pytest.raises(DomainError, match="检查意见"):
        registers.check_regulation(actor=cast2005.user("inspector"), regulation=reg, in_force=False)
    with pytest.raises(AccessDenied):
        registers.check_regulation(
            actor=cast2005.user("group_member"), regulation=reg, in_force=True
        )
    client.force_login(cast2005.user("inspector"))
    client.post(f"/rectification/regulations/{reg.pk}/check/", {"decision": "in_force"})
    reg.refresh_from_db()
    assert reg.check_status == CheckStatus.IN_FORCE and reg.checked_by == cast2005.user("inspector")
    page = client.get(f"/rectification/units/{p_c.pk}/registers/").content.decode()
    assert "机关党员学习培训制度" in page and "有效执行" in page


def test_it_counts_special_actions_by_kind(cast2005, client):
    p = part(cast2005)
    client.force_login(cast2005.user("liaison"))
    for kind, title in (
        ("practice", "为困难户修缮房屋"),
        ("practice", "送温暖"),
        ("petition_case", "化解拆迁积案"),
    ):
        client.post(
            f"/rectification/units/{p.pk}/actions/",
            {"kind": kind, "title": title, "held_on": "2005-04-15", "people": 12},
        )
    page = client.get(f"/rectification/units/{p.pk}/registers/").content.decode()
    assert "为民办实事 2 项" in page and "化解上访积案 1 项" in page and "承诺宣誓 0 项" in page
    with pytest.raises(AccessDenied):
        registers.record_special_action(
            actor=cast2005.user("group_leader"),
            participation=p,
            kind="pledge",
            title="宣誓",
            held_on=dt.date(2005, 5, 1),
        )


def test_it_solves_reexplains_or_extends_in_the_look_back(cast2005, client):
    explained = new_item(cast2005)
    actions.explain_item(actor=cast2005.user("liaison"), item=explained, explanation="等政策")
    open_item = new_item(cast2005, deadline=dt.date(2030, 1, 1))
    solved = new_item(cast2005)
    p = part(cast2005)
    client.force_login(cast2005.user("liaison"))
    page = client.get(f"/rectification/units/{p.pk}/look-back/").content.decode()
    assert page.count("记录回头看") == 3
    registers.look_back_item(
        actor=cast2005.user("liaison"),
        item=explained,
        outcome="explained",
        note="政策仍未调整，已再次公开说明",
    )
    explained.refresh_from_db()
    assert explained.status == ItemStatus.EXPLAINED and explained.explanation.startswith(
        "政策仍未调整"
    )
    with pytest.raises(DomainError, match="新时限"):
        registers.look_back_item(
            actor=cast2005.user("liaison"), item=open_item, outcome="extended", note="跨部门"
        )
    registers.look_back_item(
        actor=cast2005.user("liaison"),
        item=open_item,
        outcome="extended",
        note="跨部门",
        new_deadline=dt.date(2030, 3, 1),
    )
    assert open_item.extensions.get().status == ExtensionStatus.PENDING
    with pytest.raises(DomainError, match="佐证"):
        registers.look_back_item(
            actor=cast2005.user("liaison"), item=solved, outcome="solved", note="已解决"
        )
    assert not solved.look_backs.exists()  # the refused step left nothing behind
    with_evidence(cast2005, solved)
    client.post(
        f"/rectification/items/{solved.pk}/look-back/", {"outcome": "solved", "note": "已解决"}
    )
    solved.refresh_from_db()
    assert solved.status == ItemStatus.CLOSING and solved.look_backs.count() == 1
