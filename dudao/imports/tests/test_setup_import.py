from __future__ import annotations

import pytest

from dudao.campaigns.models import Participation, SupervisionGroup
from dudao.core.errors import DomainError
from dudao.imports import setup
from dudao.orgs.models import RoleAssignment

from .helpers import xlsx

pytestmark = pytest.mark.django_db

BATCH = ["批次序号", "批次名称", "参加范围", "开始日期", "结束日期"]
GROUP = ["组编号", "组名称", "批次序号", "组长账号", "组员账号"]
UNIT = ["单位编码", "批次序号", "督导组编号", "直报"]


def _run(cast, sheets, only_valid=False):
    plan, lookups = setup.check(xlsx(sheets), campaign=cast.campaign)
    if plan.bad and not only_valid:
        return plan, None
    return plan, setup.apply(
        plan,
        lookups,
        actor=cast.user("office"),
        only_valid=only_valid,
        file_name="设置.xlsx",
        campaign=cast.campaign,
    )


def test_it_sets_up_batches_groups_leaders_and_units(cast):
    plan, summary = _run(
        cast,
        {
            "批次": [BATCH, [3, "第三批", "农村", "2005-09-01", "2006-02-28"]],
            "督导组": [GROUP, ["G03", "第三督导组", 3, "unit_head", "liaison、secretary"]],
            "参加单位": [UNIT, ["U002", 1, "G03", "否"]],
        },
    )
    assert not plan.problems, plan.problems
    group = SupervisionGroup.objects.get(code="G03")
    assert group.batch.number == 3
    assert set(
        RoleAssignment.objects.filter(group=group).values_list("user__username", "role")
    ) == {("unit_head", "group_leader"), ("liaison", "group_member"), ("secretary", "group_member")}
    assert Participation.objects.get(unit=cast.unit_b).group == group
    assert (
        summary["groups_created"] == 1
        and summary["units_reassigned"] == 1
        and summary["batches_created"] == 1
    )


def test_it_refuses_a_group_member_who_would_supervise_his_own_unit(cast):
    plan, summary = _run(
        cast,
        {
            "督导组": [GROUP, ["G03", "第三督导组", 1, "unit_head", ""]],
            "参加单位": [UNIT, ["U001", 1, "G03", ""]],
        },
    )
    assert summary is None
    assert any(
        p.sheet == "督导组" and p.row == 2 and "不能督导本单位" in p.message for p in plan.problems
    )
    assert not SupervisionGroup.objects.filter(code="G03").exists()


def test_it_refuses_giving_a_group_the_unit_of_its_members(cast):
    # group1's people belong to unit C (U003).
    plan, summary = _run(cast, {"参加单位": [UNIT, ["U003", 1, "G01", ""]]})
    assert summary is None
    assert {(p.sheet, p.row, p.column) for p in plan.problems} == {("参加单位", 2, "督导组编号")}
    assert {p.message.split("”")[0] for p in plan.problems} == {
        "账号“group_leader",
        "账号“group_member",
    }
    assert all("不能督导本单位" in p.message for p in plan.problems)


def test_it_names_unknown_units_groups_and_units_outside_the_campaign(cast):
    plan, _ = _run(
        cast,
        {
            "参加单位": [
                UNIT,
                ["NOPE", 1, "", ""],
                ["X001", 1, "", ""],
                ["U001-B1", 1, "", ""],
                ["U002", 1, "G99", ""],
                ["U002", 5, "", ""],
            ]
        },
    )
    messages = [(p.row, p.message) for p in plan.problems]
    assert any(r == 2 and "不存在" in m for r, m in messages)
    assert any(r == 3 and "组织范围" in m for r, m in messages)
    assert any(r == 4 and "不是单位" in m for r, m in messages)
    assert any(r == 5 and "G99" in m for r, m in messages)
    assert any(r == 6 and "第5批不存在" in m for r, m in messages)


def test_importing_the_same_setup_twice_changes_nothing(cast):
    sheets = {
        "督导组": [GROUP, ["G03", "第三督导组", 1, "unit_head", ""]],
        "参加单位": [UNIT, ["U002", 1, "G03", ""]],
    }
    _run(cast, sheets)
    _plan, summary = _run(cast, sheets)
    assert summary["changed"] == 0


def test_apply_refuses_a_plan_with_errors(cast):
    plan, lookups = setup.check(
        xlsx({"参加单位": [UNIT, ["NOPE", 1, "", ""]]}), campaign=cast.campaign
    )
    with pytest.raises(DomainError, match="未导入任何数据"):
        setup.apply(
            plan, lookups, actor=None, only_valid=False, file_name="x", campaign=cast.campaign
        )


def test_moving_a_unit_to_another_group_records_the_import_as_its_reason(cast):
    from dudao.core.models import AuditEvent

    _run(cast, {"参加单位": [UNIT, ["U002", 1, "G01", ""]]})
    event = AuditEvent.objects.filter(action="participation.assign_group").latest("seq")
    assert event.data == {"from": "G02", "to": "G01"} and event.reason == "活动设置导入：设置.xlsx"
