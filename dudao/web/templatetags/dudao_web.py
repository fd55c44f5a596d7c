"""Small display helpers for the pages."""

from __future__ import annotations

from django import template

register = template.Library()

# Audit action codes are English identifiers; the archive shows them in Chinese. Codes not
# listed here (added by later features) are shown as they are rather than hidden.
ACTION_LABELS = {
    "org.create": "新建组织",
    "org.rename": "组织更名",
    "person.create": "登记党员",
    "account.create": "开设账号",
    "role.grant": "授予角色",
    "role.revoke": "撤销角色",
    "campaign.create": "创建活动",
    "batch.create": "新增批次",
    "group.create": "新建督导组",
    "participation.enrol": "确定参加单位",
    "participation.assign_group": "调整督导组",
    "admin.create": "数据维护：新建",
    "admin.change": "数据维护：修改",
}


@register.filter
def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)
