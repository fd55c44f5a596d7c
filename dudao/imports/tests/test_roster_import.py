"""Good rosters: real-world cells, idempotent re-import, only-valid mode, moves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from dudao.core.audit import verify_chain
from dudao.core.models import AuditEvent
from dudao.imports import roster
from dudao.orgs.models import Organisation, Person, RoleAssignment

from .helpers import ORGS, person
from .helpers import roster as make

pytestmark = pytest.mark.django_db


def _import(data: bytes, *, only_valid=False, actor=None):
    plan, lookups = roster.check(data)
    return plan, roster.apply(
        plan, lookups, actor=actor, only_valid=only_valid, file_name="名册.xlsx"
    )


def test_it_cleans_real_world_cells():
    data = make(
        people=[
            person(
                "　Ｐ００１ ",
                " 陈𠮷 ",
                **{
                    "身份证号": "11010519491231002x",
                    "出生日期": "1949年12月31日",
                    "入党日期": "2005.1.23",
                    "人员类别": "离退休",
                    "班子成员": "是",
                    "干部级别": "县处级及以上",
                    "性别": "男",
                },
            )
        ]
    )
    plan, summary = _import(data)
    assert not plan.problems and summary["people_created"] == 1
    p = Person.objects.get()
    assert (p.code, p.name, p.id_number) == ("P001", "陈𠮷", "11010519491231002X")
    assert (p.birth_date, p.joined_on) == (dt.date(1949, 12, 31), dt.date(2005, 1, 23))
    assert (p.category, p.is_leadership, p.cadre_level) == ("retired", True, "county")
    assert p.unit.code == "T-U1" and p.branch.code == "T-U1-B1"


def test_it_builds_the_tree_even_when_parents_come_after_children():
    _import(make(orgs=list(reversed(ORGS))))
    branch = Organisation.objects.get(code="T-U1-B1")
    unit = Organisation.objects.get(code="T-U1")
    assert branch.unit_id == unit.pk and branch.path.startswith(unit.path) and branch.depth == 3


def test_importing_the_same_file_again_changes_nothing():
    data = make(
        people=[
            person(f"P{i}", f"党员{i}", **{"登录账号": f"u{i}" if i < 3 else ""}) for i in range(20)
        ],
        roles=[["u0", "单位主要负责人", "T-U1"], ["u1", "支部书记", "T-U1-B1"]],
    )
    _plan, first = _import(data)
    assert (
        first["people_created"] == 20 and first["orgs_created"] == 6 and first["roles_created"] == 2
    )
    events = AuditEvent.objects.count()
    snapshot = list(Person.objects.order_by("code").values())
    _plan, second = _import(data)
    assert (
        second["changed"] == 0
        and second["people_unchanged"] == 20
        and second["orgs_unchanged"] == 6
    )
    assert AuditEvent.objects.count() == events
    assert list(Person.objects.order_by("code").values()) == snapshot
    assert RoleAssignment.objects.count() == 2 and get_user_model().objects.count() == 3
    assert verify_chain()[1] is None


def test_a_changed_row_is_updated_and_recorded():
    _import(make(people=[person("P1", "甲")]))
    _plan, summary = _import(make(people=[person("P1", "甲", **{"职务": "支部书记"})]))
    assert summary["people_updated"] == 1
    assert Person.objects.get().position == "支部书记"
    assert AuditEvent.objects.filter(action="roster.import").count() == 2


def test_only_valid_rows_imports_the_rest_and_skips_dependents():
    orgs = ORGS + [
        ["T-U3", "坏单位", "没有这种类型", "T-D1"],
        ["T-U3-B1", "坏单位支部", "党支部", "T-U3"],
    ]
    data = make(
        orgs=orgs,
        people=[person("P1", "甲"), person("P2", "乙", branch="T-U3-B1"), person("P3", "")],
    )
    plan, lookups = roster.check(data)
    messages = {(p.sheet, p.row): p.message for p in plan.problems}
    assert "组织类型只能填" in messages[("组织", 8)]
    assert "上级组织（第 8 行）有错误" in messages[("组织", 9)]
    assert "所在支部（“组织”表第 9 行）有错误" in messages[("人员", 3)]
    summary = roster.apply(plan, lookups, actor=None, only_valid=True, file_name="x.xlsx")
    assert list(Person.objects.values_list("code", flat=True)) == ["P1"]
    assert not Organisation.objects.filter(code__startswith="T-U3").exists()
    assert summary["skipped"] == 4


def test_moving_a_unit_updates_its_subtree_and_people():
    orgs = ORGS + [["T-D2", "另一区委", "区县", "T000"]]
    _import(make(orgs=orgs, people=[person("P1", "甲")]))
    moved = [r if r[0] != "T-U1" else ["T-U1", "测试区财政局", "单位", "T-D2"] for r in orgs]
    _plan, summary = _import(make(orgs=moved, people=[person("P1", "甲")]))
    assert summary["orgs_updated"] == 1
    d2 = Organisation.objects.get(code="T-D2")
    unit = Organisation.objects.get(code="T-U1")
    branch = Organisation.objects.get(code="T-U1-B1")
    assert unit.parent_id == d2.pk and unit.path.startswith(d2.path)
    assert branch.path.startswith(unit.path) and branch.depth == 3 and branch.unit_id == unit.pk
    assert Person.objects.get().unit_id == unit.pk


def test_moving_a_branch_to_another_unit_moves_its_people_with_it():
    _import(make(people=[person("P1", "甲")]))
    moved = [
        r if r[0] != "T-U1-B1" else ["T-U1-B1", "财政局第一党支部", "党支部", "T-U2"] for r in ORGS
    ]
    _import(make(orgs=moved, people=[person("P1", "甲")]))
    assert Person.objects.get().unit.code == "T-U2"
    assert Organisation.objects.get(code="T-U1-B1").unit.code == "T-U2"


def test_an_account_already_owned_by_another_person_is_refused():
    _import(make(people=[person("P1", "甲", **{"登录账号": "jia"})]))
    plan, _ = roster.check(make(people=[person("P2", "乙", **{"登录账号": "jia"})]))
    assert any(p.column == "登录账号" and "已属于人员“P1”" in p.message for p in plan.problems)
