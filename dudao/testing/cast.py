"""The named test cast, built in one place (DESIGN.md convention 12).

``build_cast()`` makes a small city with one campaign and one account per role:

    示范市委 (city)
    ├── 东城区委 (district)
    │   ├── 东城区财政局 (unit A) → 财政局党委 → 第一支部 (A1), 第二支部 (A2)   supervised by 第一督导组
    │   └── 东城区教育局 (unit B) → 第一支部 (B1)                               supervised by 第二督导组
    └── 市委组织部 (department, inspected by 第一巡回检查组)
        └── 市档案馆 (unit C) → 第一支部 (C1)                                   supervised by 第二督导组
    外市市委 (another root) └── 外市某局 (unit D) → 支部 (D1)                   not in the campaign

Accounts (password ``demo-pass-2005`` for all): clerk (office), leader (leading group),
group_leader / group_member (第一督导组, both from unit C), inspector, unit_head / liaison
(unit A), secretary (branch A1), member (a member of A2), outsider (no role, no person).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from dudao.campaigns import actions as campaign_actions
from dudao.campaigns.models import Campaign, CampaignTemplate, InspectionGroup, SupervisionGroup
from dudao.orgs import actions as org_actions
from dudao.orgs.models import Organisation, OrgKind, Person, Role

PASSWORD = "demo-pass-2005"

MINIMAL_TEMPLATE = {
    "code": "test-minimal",
    "version": "1",
    "name": "测试模板",
    "names": {"full": "测试教育活动", "short": "测试活动"},
    "phases": [
        {"code": "study", "name": "学习动员"},
        {"code": "analysis", "name": "分析评议"},
        {"code": "rectify", "name": "整改提高"},
    ],
    "batches": [{"number": 1, "name": "第一批"}, {"number": 2, "name": "第二批"}],
}


@dataclass
class Cast:
    campaign: Campaign
    city: Organisation
    district: Organisation
    department: Organisation
    unit_a: Organisation
    unit_b: Organisation
    unit_c: Organisation
    unit_d: Organisation
    branch_a1: Organisation
    branch_a2: Organisation
    branch_b1: Organisation
    branch_c1: Organisation
    branch_d1: Organisation
    group1: SupervisionGroup
    group2: SupervisionGroup
    inspection: InspectionGroup
    users: dict
    people: dict

    def user(self, role: str):
        return self.users[role]


def build_cast(template: CampaignTemplate | None = None) -> Cast:
    User = get_user_model()
    root = User.objects.create_superuser("cast-admin", password=PASSWORD)
    mk = org_actions.create_organisation

    city = mk(actor=root, code="C000", name="示范市委", kind=OrgKind.CITY_COMMITTEE)
    district = mk(actor=root, code="D001", name="东城区委", kind=OrgKind.DISTRICT, parent=city)
    department = mk(
        actor=root, code="P001", name="市委组织部", kind=OrgKind.DEPARTMENT, parent=city
    )
    unit_a = mk(actor=root, code="U001", name="东城区财政局", kind=OrgKind.UNIT, parent=district)
    pc_a = mk(
        actor=root, code="U001-PC", name="财政局党委", kind=OrgKind.PARTY_COMMITTEE, parent=unit_a
    )
    branch_a1 = mk(
        actor=root, code="U001-B1", name="财政局第一支部", kind=OrgKind.BRANCH, parent=pc_a
    )
    branch_a2 = mk(
        actor=root, code="U001-B2", name="财政局第二支部", kind=OrgKind.BRANCH, parent=pc_a
    )
    unit_b = mk(actor=root, code="U002", name="东城区教育局", kind=OrgKind.UNIT, parent=district)
    branch_b1 = mk(
        actor=root, code="U002-B1", name="教育局第一支部", kind=OrgKind.BRANCH, parent=unit_b
    )
    unit_c = mk(actor=root, code="U003", name="市档案馆", kind=OrgKind.UNIT, parent=department)
    branch_c1 = mk(
        actor=root, code="U003-B1", name="档案馆第一支部", kind=OrgKind.BRANCH, parent=unit_c
    )
    other = mk(actor=root, code="X000", name="外市市委", kind=OrgKind.CITY_COMMITTEE)
    unit_d = mk(actor=root, code="X001", name="外市某局", kind=OrgKind.UNIT, parent=other)
    branch_d1 = mk(actor=root, code="X001-B1", name="某局支部", kind=OrgKind.BRANCH, parent=unit_d)

    if template is None:
        template, _ = CampaignTemplate.objects.get_or_create(
            code=MINIMAL_TEMPLATE["code"],
            version=MINIMAL_TEMPLATE["version"],
            defaults={
                "name": MINIMAL_TEMPLATE["name"],
                "data": MINIMAL_TEMPLATE,
                "sha256": "0" * 64,
            },
        )
    campaign = campaign_actions.create_campaign(
        actor=root, template=template, root=city, start_date=dt.date(2005, 1, 23)
    )
    batch1 = campaign.batches.get(number=1)
    group1 = campaign_actions.create_group(
        actor=root, campaign=campaign, code="G01", name="第一督导组", batch=batch1
    )
    group2 = campaign_actions.create_group(
        actor=root, campaign=campaign, code="G02", name="第二督导组", batch=batch1
    )
    campaign_actions.enrol_unit(
        actor=root, campaign=campaign, batch=batch1, unit=unit_a, group=group1
    )
    campaign_actions.enrol_unit(
        actor=root, campaign=campaign, batch=batch1, unit=unit_b, group=group2
    )
    campaign_actions.enrol_unit(
        actor=root, campaign=campaign, batch=batch1, unit=unit_c, group=group2
    )
    inspection = InspectionGroup.objects.create(
        campaign=campaign, code="I01", name="第一巡回检查组"
    )
    inspection.departments.add(department)

    people: dict[str, Person] = {}

    def person(key: str, name: str, branch: Organisation, **fields) -> Person:
        people[key] = org_actions.create_person(
            actor=root, code=f"P-{key}", name=name, branch=branch, **fields
        )
        return people[key]

    person(
        "head",
        "王建国",
        branch_a1,
        is_leadership=True,
        position="局长、党委书记",
        cadre_level="county",
    )
    person("liaison", "李晓梅", branch_a1)
    person("secretary", "张志强", branch_a1, position="支部书记")
    person("member", "陈𠮷", branch_a2)  # a name outside the BMP on purpose
    person("retired", "赵德才", branch_a2, category="retired")
    person("away", "孙流动", branch_a2, category="away")
    person("b_member", "周敏", branch_b1)
    person("group_leader", "刘振华", branch_c1, position="督导组组长")
    person("group_member", "何丽", branch_c1)
    person("d_member", "吴外", branch_d1)

    users = {}

    def account(key: str, username: str, full_name: str, person_key: str | None = None):
        users[key] = org_actions.create_account(
            actor=root,
            username=username,
            full_name=full_name,
            password=PASSWORD,
            person=people.get(person_key) if person_key else None,
        )
        return users[key]

    grant = org_actions.grant_role
    grant(
        actor=root,
        user=account("office", "clerk", "办公室文员"),
        role=Role.OFFICE,
        campaign=campaign,
    )
    grant(
        actor=root,
        user=account("leading", "leader", "领导小组成员"),
        role=Role.LEADING_GROUP,
        campaign=campaign,
    )
    grant(
        actor=root,
        user=account("group_leader", "group_leader", "刘振华", "group_leader"),
        role=Role.GROUP_LEADER,
        group=group1,
    )
    grant(
        actor=root,
        user=account("group_member", "group_member", "何丽", "group_member"),
        role=Role.GROUP_MEMBER,
        group=group1,
    )
    grant(
        actor=root,
        user=account("inspector", "inspector", "巡回检查员"),
        role=Role.INSPECTOR,
        inspection_group=inspection,
    )
    grant(
        actor=root,
        user=account("unit_head", "unit_head", "王建国", "head"),
        role=Role.UNIT_HEAD,
        organisation=unit_a,
    )
    grant(
        actor=root,
        user=account("liaison", "liaison", "李晓梅", "liaison"),
        role=Role.UNIT_LIAISON,
        organisation=unit_a,
    )
    grant(
        actor=root,
        user=account("secretary", "secretary", "张志强", "secretary"),
        role=Role.BRANCH_SECRETARY,
        organisation=branch_a1,
    )
    account("member", "member", "陈𠮷", "member")
    account("outsider", "outsider", "无关人员")
    users["admin"] = root

    return Cast(
        campaign=campaign,
        city=city,
        district=district,
        department=department,
        unit_a=unit_a,
        unit_b=unit_b,
        unit_c=unit_c,
        unit_d=unit_d,
        branch_a1=branch_a1,
        branch_a2=branch_a2,
        branch_b1=branch_b1,
        branch_c1=branch_c1,
        branch_d1=branch_d1,
        group1=group1,
        group2=group2,
        inspection=inspection,
        users=users,
        people=people,
    )


ROLES = [
    "office",
    "leading",
    "group_leader",
    "group_member",
    "inspector",
    "unit_head",
    "liaison",
    "secretary",
    "member",
    "outsider",
]
