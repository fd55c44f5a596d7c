"""The demo's accounts as printed after a seed: one per role, with what it may see."""

from __future__ import annotations

import sys

from django.contrib.auth import get_user_model

from dudao.campaigns.models import (
    Campaign,
)
from dudao.orgs.models import Role, RoleAssignment
from dudao.testing import PASSWORD

from .city import DEMO_ROOT_CODE

ROLE_LABELS = {
    "admin": "系统管理员",
    "clerk": Role.OFFICE.label,
    "leader": Role.LEADING_GROUP.label,
    "group_leader": Role.GROUP_LEADER.label,
    "group_member": Role.GROUP_MEMBER.label,
    "inspector": Role.INSPECTOR.label,
    "unit_head": Role.UNIT_HEAD.label,
    "liaison": Role.UNIT_LIAISON.label,
    "secretary": Role.BRANCH_SECRETARY.label,
    "member": "党员",
}
ADMIN_SCOPE = "全部数据（/admin/ 数据维护）"


def demo_campaign() -> Campaign | None:
    return Campaign.objects.filter(root__code=DEMO_ROOT_CODE).order_by("pk").first()


def demo_accounts() -> dict:
    """The printed accounts of an existing demo (for a second `seed_demo` run)."""
    User = get_user_model()
    campaign = demo_campaign()
    out = {}
    for key in ROLE_LABELS:
        user = User.objects.filter(username=key).first()
        if user is None:
            continue
        where = ADMIN_SCOPE if key == "admin" else (campaign.short_name if campaign else "")
        ra = (
            RoleAssignment.objects.filter(user=user)
            .select_related("organisation", "group", "inspection_group")
            .first()
        )
        if ra is not None:
            where = ra.organisation or ra.group or ra.inspection_group or campaign
            where = str(where)
        elif hasattr(user, "person"):
            where = user.person.unit.name if user.person.unit else ""
        out[key] = (key, ROLE_LABELS[key], where)
    return out


def _pad(text: str, width: int) -> str:
    """Left-justify in terminal columns: Chinese characters take two."""
    from unicodedata import east_asian_width

    cols = sum(2 if east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - cols)


def print_accounts(accounts: dict, out=sys.stdout) -> None:
    out.write(f"\n演示账号（密码均为 {PASSWORD}）：\n")
    out.write(f"  {_pad('账号', 16)}{_pad('角色', 18)}范围\n")
    for username, label, where in accounts.values():
        out.write(f"  {_pad(username, 16)}{_pad(label, 18)}{where}\n")
    out.write("\n")
