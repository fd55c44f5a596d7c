"""A roster row that would let someone supervise his own unit is a bad row, named and explained."""

from __future__ import annotations

import pytest

from dudao.core.errors import DomainError
from dudao.imports import roster
from dudao.orgs.models import Person, RoleAssignment

from .helpers import person
from .helpers import roster as make

pytestmark = pytest.mark.django_db


def _check(data: bytes):
    plan, lookups = roster.check(data)
    return plan, lookups


def test_it_refuses_moving_a_group_members_person_into_a_unit_his_group_supervises(cast):
    # 何丽 (group_member of 第一督导组, person of unit C) moved into unit A, which group 1 supervises.
    data = make(orgs=[], people=[person("P-group_member", "何丽", branch="U001-B1")])
    plan, lookups = _check(data)
    assert [(p.sheet, p.row, p.column, p.value) for p in plan.problems] == [
        ("人员", 2, "所在支部编码", "U001-B1")
    ]
    message = plan.problems[0].message
    assert "group_member" in message and "第一督导组" in message and "东城区财政局" in message
    assert "不能督导本单位" in message
    with pytest.raises(DomainError):
        roster.apply(plan, lookups, actor=None, only_valid=False, file_name="名册.xlsx")
    assert Person.objects.get(code="P-group_member").unit == cast.unit_c


def test_it_imports_the_other_rows_only_when_asked(cast):
    data = make(
        orgs=[],
        people=[
            person("P-group_member", "何丽", branch="U001-B1"),
            person("P-new", "新同志", branch="U001-B1"),
        ],
    )
    plan, lookups = _check(data)
    assert [p.row for p in plan.problems] == [2]
    roster.apply(plan, lookups, actor=None, only_valid=True, file_name="名册.xlsx")
    assert Person.objects.get(code="P-group_member").unit == cast.unit_c
    assert Person.objects.get(code="P-new").unit == cast.unit_a


def test_it_allows_moving_him_into_a_unit_another_group_supervises(cast):
    data = make(orgs=[], people=[person("P-group_member", "何丽", branch="U002-B1")])
    plan, lookups = _check(data)
    assert not plan.problems, plan.problems
    roster.apply(plan, lookups, actor=None, only_valid=False, file_name="名册.xlsx")
    assert Person.objects.get(code="P-group_member").unit == cast.unit_b


def test_it_refuses_making_a_group_member_head_of_a_unit_his_group_supervises(cast):
    data = make(orgs=[], roles=[["group_leader", "单位主要负责人", "U001"]])
    plan, _lookups = _check(data)
    assert [(p.sheet, p.row, p.column) for p in plan.problems] == [("角色", 2, "组织编码")]
    assert "不能督导本单位" in plan.problems[0].message
    assert not RoleAssignment.objects.filter(
        user=cast.user("group_leader"), organisation=cast.unit_a
    ).exists()


def test_it_refuses_moving_a_person_with_a_group_account_named_in_the_row(cast):
    """The row names the account: linking a new person in a supervised unit to it is refused."""
    data = make(
        orgs=[],
        people=[person("P-other", "何丽", branch="U001-B2", **{"登录账号": "group_member"})],
    )
    plan, _ = _check(data)
    messages = [p.message for p in plan.problems]
    assert any("不能督导本单位" in m or "已属于人员" in m for m in messages)
