"""Small display helpers for the pages."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()

# Audit action codes are English identifiers; the archive shows them in Chinese. Codes not
# listed here (added by later features) are shown as they are rather than hidden.
ACTION_LABELS = {
    "transition.apply": "提出转段申请",
    "transition.forward": "督导组转报转段申请",
    "transition.remedial": "督导组责令补课",
    "transition.approve": "活动办批准转段",
    "transition.send_back": "活动办退回转段申请",
    "transition.meeting": "登记小结和转段动员会",
    "transition.extension_propose": "建议延长阶段",
    "transition.extension_approve": "同意延长阶段",
    "transition.extension_refuse": "不同意延长阶段",
    "records.session.create": "登记学习",
    "records.session.edit": "修改学习记录",
    "records.session.delete": "删除学习记录",
    "records.attendance.set": "登记出勤",
    "records.meeting.create": "登记会议",
    "records.meeting.edit": "修改会议记录",
    "records.test.create": "登记知识检测",
    "records.test.results": "录入检测成绩",
    "records.activity.create": "登记好人好事与活动",
    "records.exemption.create": "登记免于要求",
    "records.exemption.withdraw": "撤销免于要求",
    "records.talk.create": "登记谈心谈话",
    "records.problem.create": "登记查摆问题",
    "records.criticism.create": "登记批评意见",
    "records.import.attendance": "导入学习记录和出勤",
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


# The requirements engine names the record behind a piece of evidence; links are the view
# layer's business (the engine builds no URLs). kind → (URL name, argument names).
EVIDENCE_ROUTES = {
    "study_session": ("records:session_edit", ("participation_id", "session_id")),
    "meeting": ("records:meeting_edit", ("participation_id", "meeting_id")),
    "document": ("reviews:detail", ("pk",)),
}


@register.filter
def evidence_url(evidence) -> str:
    """The page of the record behind ``evidence`` (requirements.Evidence), or "" for none."""
    if evidence.url:
        return evidence.url
    if not evidence.target:
        return ""
    kind, *ids = evidence.target
    route = EVIDENCE_ROUTES.get(kind)
    if route is None:
        return ""
    name, params = route
    try:
        return reverse(name, kwargs=dict(zip(params, ids, strict=True)))
    except NoReverseMatch:
        # A record kind whose page has moved: show the evidence without a link, not a 500.
        return ""
