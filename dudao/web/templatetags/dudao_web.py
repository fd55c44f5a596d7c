"""Small display helpers for the pages."""

from __future__ import annotations

import re

from django import template
from django.urls import NoReverseMatch, reverse

from dudao.imports.excel import SPREADSHEET_ACCEPT
from dudao.reviews.rules import ENDORSEMENT_LABELS, PUBLICITY_LABELS

register = template.Library()


@register.simple_tag
def spreadsheet_accept() -> str:
    """What a file picker offers wherever a list is uploaded: .xlsx, .xls, .ods and .csv."""
    return SPREADSHEET_ACCEPT


# Audit action codes are English identifiers; pages show them in Chinese. A code without an
# entry is put together from its parts (``records.talk.edit`` → 修改谈心谈话记录) and, failing
# that, shown as 其他操作 — never as the code (test_no_internal_codes checks every literal).
ACTION_LABELS = {
    "supervision.log_visit": "记录督导工作",
    "supervision.nominate_experience": "推荐典型经验",
    "supervision.edit_experience": "修改典型经验",
    "supervision.renominate_experience": "重新推荐典型经验",
    "supervision.approve_experience": "审定典型经验",
    "supervision.return_experience": "退回典型经验",
    "supervision.publish_experience": "发布典型经验",
    "supervision.inspection_check": "巡回检查制度落实情况",
    "supervision.record_exchange": "记录交换意见",
    "supervision.compile_inspection_report": "汇总巡回检查报告",
    "supervision.edit_inspection_report": "填写巡回检查报告",
    "supervision.submit_inspection_report": "向领导小组报送巡回检查报告",
    "supervision.acknowledge_inspection_report": "阅示巡回检查报告",
    "document.comment_reply": "答复审核批注",
    "supervision.record_problem": "登记督导组发现的问题",
    "supervision.send_problem": "签发督导组发现的问题",
    "supervision.answer_problem": "答复督导组发现的问题",
    "supervision.verify_problem": "核实问题已解决",
    "supervision.send_back_problem": "退回问题答复",
    "supervision.draw_spot_checks": "随机抽取抽查事项",
    "supervision.record_spot_check": "记录抽查核实结果",
    "supervision.edit_report": "填写督导组周报",
    "supervision.submit_report": "报送督导组周报",
    "supervision.compile_reports": "汇总督导组周报",
    "supervision.set_preferences": "修改通知设置",
    "supervision.record_interview": "记录一把手约谈",
    "supervision.record_interview_outcome": "记录约谈跟踪结果",
    "archive.export": "导出活动档案包",
    "archive.export_fail": "活动档案包生成失败",
    "archive.export_stalled": "活动档案包导出中断",
    "reports.bulletin_create": "新建简报",
    "reports.bulletin_edit": "修改简报",
    "reports.bulletin_issue": "印发简报",
    "archive.export_request": "申请导出活动档案包",
    "audit.rekey": "用新密钥重算审计链",
    "auth.first_password": "首次登录设置密码",
    "auth.locked_out": "登录被锁定",
    "auth.login": "登录成功",
    "auth.login_failed": "登录失败",
    "auth.password_reset": "通过邮件重设密码",
    "tokens.create": "建立接口令牌",
    "tokens.revoke": "吊销接口令牌",
    "opinions.classify": "确认意见类别",
    "opinions.close_box": "关闭意见箱",
    "opinions.feed_back": "反馈意见建议",
    "opinions.hide": "屏蔽意见",
    "opinions.import": "导入征求意见汇总表",
    "opinions.merge": "合并同类意见",
    "opinions.open_box": "开设意见箱",
    "opinions.record": "登记意见建议",
    "opinions.to_rectification": "意见转为整改事项",
    "opinions.unmerge": "移出同类意见",
    "rectification.apply_close": "申请整改事项办结",
    "rectification.approve_extension": "审批整改事项延期",
    "rectification.check_regulation": "检查制度是否有效执行",
    "rectification.create_item": "建立整改事项",
    "rectification.explain": "对暂不能解决的事项说明情况",
    "rectification.look_back": "回头看处理整改事项",
    "rectification.post_progress": "报告整改进展",
    "rectification.publish": "公示整改清单",
    "rectification.record_special_action": "登记专项整治和为民办实事",
    "rectification.register_regulation": "登记建章立制",
    "rectification.area_status": "填报专项整治进展",
    "rectification.reminders": "发出整改催办",
    "rectification.request_extension": "申请整改事项延期",
    "rectification.sign_off": "审核整改事项办结",
    "rectification.update_item": "修改整改事项",
    "survey.paper.agree": "纸质票两次录入一致，计入结果",
    "survey.paper.mismatch": "纸质票两次录入不一致",
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
    "document.submit": "提交文书",
    "document.returned": "文书退回修改",
    "document.rejected": "文书推倒重来",
    "document.approved": "文书审核通过",
    "document.return_for_rewrite": "测评未达要求，文书退回重写",
    "evaluation.self_analysis.settle": "确认党性分析测评结果",
    "evaluation.ballot.create": "建立民主评议党员票",
    "evaluation.ballot.codes": "生成民主评议评议码",
    "evaluation.ballot.open": "开始民主评议党员",
    "evaluation.ballot.close": "结束民主评议并计票",
    "evaluation.ballot.paper": "录入纸质评议票",
    "evaluation.ballot.paper.enter": "录入纸质评议票",
    "evaluation.ballot.paper.correct": "更正纸质评议票录入",
    "evaluation.ballot.paper.agree": "纸质评议票两次录入一致，计入结果",
    "evaluation.ballot.paper.mismatch": "纸质评议票两次录入不一致",
    "evaluation.division.create": "登记内设机构",
    "evaluation.division.change": "修改内设机构",
    "evaluation.division.delete": "删除内设机构",
    "evaluation.division.import": "导入内设机构名单",
    "evaluation.ballot.notice": "通报民主评议党员情况",
    "evaluation.member.propose": "提出党员评议意见",
    "evaluation.member.decide": "确定党员评议等次",
    "evaluation.member.letter": "书面告知党员评议结果",
    "evaluation.case.open": "启动组织处理",
    "evaluation.case.step": "记录组织处理步骤",
    "evaluation.case.refer": "移送纪检机关",
    "evaluation.case.reminders": "发送组织处理期限提醒",
    "document.comment": "批注文书",
    "document.comment_check": "核对批注的修改",
    "document.publicity": "登记文书公示",
    "document.endorsement": "登记文书审议或批准",
    "reference.add": "添加比对参考文本",
    "survey.round.create": "建立测评",
    "survey.round.resurvey": "组织再次测评",
    "survey.round.open": "开始测评",
    "survey.round.close": "结束测评",
    "survey.codes.issue": "发放测评码",
    "survey.sample.draw": "随机抽取测评对象",
    "survey.roll.import": "导入通报范围内的测评名单",
    "survey.roll.remove": "从测评名单中删除人员",
    "survey.link.enable": "开通公开测评链接",
    "survey.member_rounds.create": "建立党员党性分析测评",
    "survey.paper.enter": "录入纸质测评票",
    "survey.paper.correct": "更正纸质测评票录入",
    "survey.paper.confirm": "核对确认纸质测评票",
    "org.create": "新建组织",
    "org.rename": "组织更名",
    "person.create": "登记党员",
    "account.create": "开设账号",
    "role.grant": "授予角色",
    "role.revoke": "撤销角色",
    "campaign.create": "创建活动",
    "campaign.update": "修改活动设置",
    "batch.create": "新增批次",
    "batch.update": "修改批次",
    "group.create": "新建督导组",
    "group.update": "调整督导组",
    "inspection_group.create": "新建巡回检查组",
    "inspection_group.assign_departments": "确定巡回检查组负责的部门",
    "participation.enrol": "确定参加单位",
    "participation.assign_group": "调整督导组",
    "participation.withdraw": "撤出参加单位",
    "roster.import": "导入组织人员名册",
    "setup.import": "导入活动设置",
    "template.load": "载入活动模板",
    "demo.seed": "生成演示数据",
    "admin.create": "数据维护：新建",
    "admin.change": "数据维护：修改",
    "admin.delete": "数据维护：删除",
}

# Parts of a code, for codes added later without an entry above.
_ACTION_VERBS = {
    "create": "登记",
    "add": "添加",
    "edit": "修改",
    "update": "修改",
    "delete": "删除",
    "withdraw": "撤销",
    "import": "导入",
    "set": "登记",
    "results": "录入",
    "submit": "提交",
    "approve": "批准",
    "close": "结束",
    "open": "开始",
}
_ACTION_OBJECTS = {
    "session": "学习记录",
    "attendance": "出勤",
    "meeting": "会议记录",
    "test": "知识检测",
    "activity": "好人好事与活动",
    "exemption": "免于要求登记",
    "talk": "谈心谈话记录",
    "problem": "查摆问题",
    "criticism": "批评意见",
    "note": "学习心得",
    "document": "文书",
    "survey": "测评",
    "transition": "转段",
    "rectification": "整改",
    "opinion": "意见建议",
    "org": "组织",
    "person": "党员",
    "campaign": "活动",
    "batch": "批次",
    "group": "督导组",
    "participation": "参加单位",
}


def label_action(code: str) -> str:
    """The Chinese name of an audit action code."""
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    parts = code.split(".")
    verb = next((_ACTION_VERBS[p] for p in reversed(parts) if p in _ACTION_VERBS), "")
    obj = next((_ACTION_OBJECTS[p] for p in reversed(parts) if p in _ACTION_OBJECTS), "")
    if obj:
        return f"{verb}{obj}" if verb else f"{obj}相关操作"
    return "其他操作"


@register.filter
def action_label(code: str) -> str:
    return label_action(code)


_SEED_REFERENCE = re.compile(r"seeds?\s*\d{3}(?:\s*[,，、]\s*\d{3}|\s*[,，、]\s*seed\s*\d{3})*")


@register.filter
def template_source(source: str) -> str:
    """A template's ``source`` without the references to the project's research material
    ("seed 001"), which mean nothing to users: "seed 002（整改落实阶段）" → "整改落实阶段"."""
    text = _SEED_REFERENCE.sub("", source or "")
    return text.strip(" ,，、;；()（）")


# The requirements engine names the record behind a piece of evidence; links are the view
# layer's business (the engine builds no URLs). kind → (URL name, argument names).
EVIDENCE_ROUTES = {
    "study_session": (
        "records:kind_record",
        ("participation_id", "record_id"),
        {"kind": "sessions"},
    ),
    "meeting": ("records:kind_record", ("participation_id", "record_id"), {"kind": "meetings"}),
    "document": ("reviews:detail", ("pk",), {}),
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
    name, params, fixed = route
    try:
        return reverse(name, kwargs={**fixed, **dict(zip(params, ids, strict=True))})
    except NoReverseMatch:
        # A record kind whose page has moved: show the evidence without a link, not a 500.
        return ""


@register.filter
def milestone_scope(milestone) -> str:
    """Where a document was publicised, or who endorsed it, in Chinese (the template stores
    codes such as ``higher_organisation``)."""
    labels = PUBLICITY_LABELS if milestone.kind == "publicity" else ENDORSEMENT_LABELS
    return labels.get(milestone.scope, "")
