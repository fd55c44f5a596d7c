"""Campaign set-up from one workbook: batches, supervision groups (leader, members) and the
units in each batch with their group. Same reporting rules as the roster import."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction

from dudao.campaigns import actions as campaign_actions
from dudao.campaigns.models import Participation
from dudao.core.audit import record_event
from dudao.core.errors import DomainError
from dudao.orgs.actions import grant_role
from dudao.orgs.independence import find_conflicts
from dudao.orgs.models import Organisation, OrgKind, Role, RoleAssignment

from .excel import (
    CellError,
    Problem,
    clean_bool,
    clean_code,
    clean_date,
    clean_text,
)
from .roster import Progress, RosterPlan, Row, _duplicates, _noop, read_tables

SHEETS = {
    "批次": {
        "columns": {
            "批次序号": "number",
            "批次名称": "name",
            "参加范围": "scope",
            "开始日期": "start",
            "结束日期": "end",
        },
        "required": {"number", "name"},
    },
    "督导组": {
        "columns": {
            "组编号": "code",
            "组名称": "name",
            "批次序号": "batch",
            "组长账号": "leader",
            "组员账号": "members",
        },
        "required": {"code", "name"},
    },
    "参加单位": {
        "columns": {
            "单位编码": "unit",
            "批次序号": "batch",
            "督导组编号": "group",
            "直报": "direct",
        },
        "required": {"unit", "batch"},
    },
}
_SPLIT = re.compile(r"[、,，;；\s]+")


class SetupPlan(RosterPlan):
    pass


def check(data: bytes, progress: Progress = _noop, *, campaign) -> tuple[SetupPlan, dict]:
    plan = SetupPlan(sha256=hashlib.sha256(data).hexdigest())
    plan.batches, plan.groups, plan.units = [], [], []
    read_tables(
        plan,
        data,
        SHEETS,
        {"批次": plan.batches, "督导组": plan.groups, "参加单位": plan.units},
        "活动设置",
        progress,
    )
    for name, rows in (("批次", plan.batches), ("督导组", plan.groups), ("参加单位", plan.units)):
        labels = {k: h for h, k in SHEETS[name]["columns"].items()}
        for row in rows:
            for key in SHEETS[name]["required"]:
                if clean_text(row.values.get(key)) == "" and (name, row.row) not in plan.bad:
                    plan.add(row, labels[key], "", f"“{labels[key]}”不能为空")
    lookups = _validate(plan, campaign)
    plan.problems.sort(
        key=lambda p: (list(SHEETS).index(p.sheet) if p.sheet in SHEETS else 9, p.row)
    )
    return plan, lookups


def _number(plan, row, key, label):
    text = clean_code(row.values.get(key))
    if not text:
        return None
    if not text.isdigit():
        plan.add(row, label, text, f"{label}应为整数，如 1、2、3")
        return None
    return int(text)


def _validate(plan: SetupPlan, campaign) -> dict:
    User = get_user_model()
    for row in plan.batches:
        v = row.values
        v["number"] = _number(plan, row, "number", "批次序号")
        v["name"], v["scope"] = clean_text(v.get("name")), clean_text(v.get("scope"))
        for key, label in (("start", "开始日期"), ("end", "结束日期")):
            try:
                v[key] = clean_date(v.get(key))
            except CellError as exc:
                plan.add(row, label, v.get(key), str(exc))
                v[key] = None
        if v.get("start") and v.get("end") and v["end"] < v["start"]:
            plan.add(row, "结束日期", v["end"], "结束日期不能早于开始日期")
    _duplicates(plan, plan.batches, "number", "批次序号")
    batch_numbers = set(campaign.batches.values_list("number", flat=True)) | {
        r.values["number"] for r in plan.batches if r.values["number"]
    }

    for row in plan.groups:
        v = row.values
        v["code"], v["name"] = clean_code(v.get("code")), clean_text(v.get("name"))
        v["batch"] = _number(plan, row, "batch", "批次序号")
        v["leader"] = clean_code(v.get("leader"))
        v["members"] = [m for m in _SPLIT.split(clean_text(v.get("members"))) if m]
        if v["batch"] and v["batch"] not in batch_numbers:
            plan.add(row, "批次序号", v["batch"], f"第{v['batch']}批不存在：请在“批次”表中添加")
    _duplicates(plan, plan.groups, "code", "组编号")
    usernames = {r.values["leader"] for r in plan.groups} | {
        m for r in plan.groups for m in r.values["members"]
    }
    usernames.discard("")
    users = {
        u.username: u for u in User.objects.filter(username__in=usernames).select_related("person")
    }
    for row in plan.groups:
        v = row.values
        for name in [v["leader"], *v["members"]]:
            if name and name not in users:
                plan.add(
                    row,
                    "组长账号" if name == v["leader"] else "组员账号",
                    name,
                    f"账号“{name}”不存在，请先导入名册",
                )
        if v["leader"] and v["leader"] in v["members"]:
            plan.add(row, "组员账号", v["leader"], "组长不必再列为组员")
    group_codes = set(campaign.groups.values_list("code", flat=True)) | {
        r.values["code"] for r in plan.groups if r.values["code"]
    }

    for row in plan.units:
        v = row.values
        v["unit"] = clean_code(v.get("unit"))
        v["batch"] = _number(plan, row, "batch", "批次序号")
        v["group"] = clean_code(v.get("group"))
        try:
            v["direct"] = clean_bool(v.get("direct"))
        except CellError as exc:
            plan.add(row, "直报", v.get("direct"), str(exc))
        if v["batch"] and v["batch"] not in batch_numbers:
            plan.add(row, "批次序号", v["batch"], f"第{v['batch']}批不存在：请在“批次”表中添加")
        if v["group"] and v["group"] not in group_codes:
            plan.add(
                row, "督导组编号", v["group"], f"督导组“{v['group']}”不存在：请在“督导组”表中添加"
            )
    _duplicates(plan, plan.units, "unit", "单位编码")
    codes = [r.values["unit"] for r in plan.units if r.values["unit"]]
    units = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    existing = {
        p.unit_id: p
        for p in Participation.objects.filter(campaign=campaign).select_related("batch")
    }
    for row in plan.units:
        code = row.values["unit"]
        org = units.get(code)
        if code and org is None:
            plan.add(row, "单位编码", code, f"单位编码“{code}”不存在，请先导入名册")
        elif org is not None and org.kind != OrgKind.UNIT:
            plan.add(row, "单位编码", code, f"“{org.name}”是{org.get_kind_display()}，不是单位")
        elif org is not None and not org.path.startswith(campaign.root.path):
            plan.add(
                row, "单位编码", code, f"“{org.name}”不在本活动的组织范围（{campaign.root.name}）内"
            )
        elif (
            org is not None
            and org.pk in existing
            and row.values["batch"]
            and existing[org.pk].batch.number != row.values["batch"]
        ):
            plan.add(
                row,
                "批次序号",
                row.values["batch"],
                f"“{org.name}”已在{existing[org.pk].batch.name}，一个单位只能参加一个批次",
            )

    # Nobody supervises his own unit: ask the one rule (dudao/orgs/independence.py) about the
    # state after this file, and report each conflict on the row that would cause it.
    group_ids = dict(campaign.groups.values_list("code", "id"))

    def group_key(code: str):
        return group_ids.get(code, ("new", code))

    staff_rows: dict[tuple, tuple[Row, str]] = {}
    for row in plan.groups:
        for name in [row.values["leader"], *row.values["members"]]:
            user = users.get(name)
            if user is not None:
                staff_rows.setdefault((user.pk, group_key(row.values["code"])), (row, name))
    unit_rows: dict[tuple, Row] = {}
    for row in plan.units:
        org = units.get(row.values["unit"])
        if org is not None and row.values["group"]:
            unit_rows.setdefault((org.pk, group_key(row.values["group"])), row)
    new_groups = {group_key(r.values["code"]): r for r in plan.groups if r.values["code"]}
    conflicts = find_conflicts(
        extra_staff=list(staff_rows),
        assignments=list(unit_rows),
        group_campaign={k: campaign.pk for k in new_groups if not isinstance(k, int)},
        group_names={k: r.values["name"] or r.values["code"] for k, r in new_groups.items()},
    )
    usernames_by_id = {u.pk: u.username for u in users.values()}
    for c in conflicts:
        username = usernames_by_id.get(c.user) or get_user_model().objects.get(pk=c.user).username
        message = f"账号“{username}”是“{c.unit_name}”的人员，不能督导本单位"
        if (c.user, c.group) in staff_rows:
            plan.add(
                staff_rows[(c.user, c.group)][0],
                "组员账号",
                username,
                message + "：请换一位组员，或把该单位分给其他组",
            )
        elif (c.unit_id, c.group) in unit_rows:
            row = unit_rows[(c.unit_id, c.group)]
            plan.add(row, "督导组编号", row.values["group"], message + "：请把该单位分给其他督导组")
    return {"users": users, "units": units}


@transaction.atomic
def apply(
    plan: SetupPlan,
    lookups: dict,
    *,
    actor,
    only_valid: bool,
    file_name: str,
    progress: Progress = _noop,
    campaign,
) -> dict:
    if plan.bad and not only_valid:
        raise DomainError(
            f"文件有 {len(plan.bad)} 行错误，未导入任何数据。请改正后重新上传，或选择“仅导入无误的行”。"
        )
    counts = defaultdict(int)
    batches = {b.number: b for b in campaign.batches.all()}
    for row in plan.batches:
        if not plan.is_ok(row):
            counts["skipped"] += 1
            continue
        v = row.values
        if v["number"] in batches:
            before = batches[v["number"]]
            after = campaign_actions.update_batch(
                actor=actor,
                batch=before,
                name=v["name"],
                scope=v["scope"] or before.scope,
                start_date=v["start"],
                end_date=v["end"],
            )
            counts[
                "batches_updated"
                if (before.name, before.start_date, before.end_date)
                != (after.name, after.start_date, after.end_date)
                else "unchanged"
            ] += 1
            batches[v["number"]] = after
        else:
            batches[v["number"]] = campaign_actions.add_batch(
                actor=actor,
                campaign=campaign,
                number=v["number"],
                name=v["name"],
                scope=v["scope"],
                start_date=v["start"],
                end_date=v["end"],
            )
            counts["batches_created"] += 1
    groups = {g.code: g for g in campaign.groups.all()}
    users = lookups["users"]
    for row in plan.groups:
        if not plan.is_ok(row):
            counts["skipped"] += 1
            continue
        v = row.values
        group = groups.get(v["code"])
        if group is None:
            group = campaign_actions.create_group(
                actor=actor,
                campaign=campaign,
                code=v["code"],
                name=v["name"],
                batch=batches.get(v["batch"]),
            )
            groups[v["code"]] = group
            counts["groups_created"] += 1
        for name, role in [(v["leader"], Role.GROUP_LEADER)] + [
            (m, Role.GROUP_MEMBER) for m in v["members"]
        ]:
            if not name:
                continue
            if RoleAssignment.objects.filter(user=users[name], role=role, group=group).exists():
                continue
            try:
                with transaction.atomic():
                    grant_role(
                        actor=actor,
                        user=users[name],
                        role=role,
                        group=group,
                        reason=f"活动设置导入：{file_name}",
                    )
                counts["roles_created"] += 1
            except DomainError as exc:
                if not only_valid:
                    raise DomainError(f"“督导组”表第 {row.row} 行：{exc.message}") from None
                plan.problems.append(Problem(row.sheet, row.row, "组员账号", name, exc.message))
    units = lookups["units"]
    for i, row in enumerate(plan.units, 1):
        if not plan.is_ok(row):
            counts["skipped"] += 1
            continue
        v = row.values
        before = (
            Participation.objects.filter(campaign=campaign, unit=units[v["unit"]])
            .values_list("group__code", flat=True)
            .first()
        )
        existed = (
            before is not None
            or Participation.objects.filter(campaign=campaign, unit=units[v["unit"]]).exists()
        )
        try:
            with transaction.atomic():
                campaign_actions.enrol_unit(
                    actor=actor,
                    campaign=campaign,
                    batch=batches[v["batch"]],
                    unit=units[v["unit"]],
                    group=groups.get(v["group"]) if v["group"] else None,
                    reports_directly=bool(v.get("direct")),
                    reason=f"活动设置导入：{file_name}",
                )
        except DomainError as exc:
            if not only_valid:
                raise DomainError(f"“参加单位”表第 {row.row} 行：{exc.message}") from None
            plan.problems.append(Problem(row.sheet, row.row, "单位编码", v["unit"], exc.message))
            continue
        if not existed:
            counts["units_enrolled"] += 1
        elif (before or "") != v["group"]:
            counts["units_reassigned"] += 1
        else:
            counts["unchanged"] += 1
        if i % 200 == 0:
            progress("写入", i, len(plan.units))
    summary = dict(counts)
    summary["changed"] = sum(n for k, n in counts.items() if k not in {"unchanged", "skipped"})
    if summary["changed"]:
        record_event(
            actor=actor,
            action="setup.import",
            target=campaign,
            campaign_id=campaign.pk,
            data={"file": file_name, "sha256": plan.sha256, "counts": summary},
        )
    return summary
