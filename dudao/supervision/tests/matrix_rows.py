"""This app's rows of the access matrix (dudao.testing.matrix): every URL pattern, the roles
that may open it, and a text the allowed page shows."""

from __future__ import annotations

from dudao.testing.matrix import ALL_ROLES, GROUP1, READ_ALL, UNIT_A, Row

ADMIN = {"admin"}
GROUP_WRITE = GROUP1 | ADMIN
READERS = READ_ALL | GROUP1 | ADMIN


def _part(c):
    from dudao.campaigns.models import Participation

    return Participation.objects.select_related("campaign__template", "unit", "group").get(
        campaign=c.campaign, unit=c.unit_a
    )


def _visit(c):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from dudao.rectification.tests.helpers import PNG
    from dudao.supervision.actions import log_visit

    visit, _created = log_visit(
        actor=c.user("group_member"),
        participation=_part(c),
        kind="forum",
        happened_on=timezone.localdate(),
        people_count=8,
        notes="矩阵测试座谈会记录",
        photos=[SimpleUploadedFile("座谈.png", PNG, content_type="image/png")],
        client_token="matrix-visit",
    )
    return visit


def _photo(c):
    return _visit(c).photos.first()


def _problem(c):
    from dudao.supervision.actions import record_problem
    from dudao.supervision.models import Problem

    found = Problem.objects.filter(participation__unit=c.unit_a).first()
    return found or record_problem(
        actor=c.user("group_leader"),
        participation=_part(c),
        description="矩阵测试问题：签到表与实际不符",
    )


def _check(c):
    from dudao.supervision.actions import draw_spot_checks
    from dudao.supervision.models import SpotCheck

    found = SpotCheck.objects.filter(participation__unit=c.unit_a).first()
    if found is None:
        [found] = draw_spot_checks(
            actor=c.user("group_leader"),
            participation=_part(c),
            claim_kind="meeting",
            candidates=[(1, "矩阵测试会议")],
            count=1,
            seed=1,
        )
    return found


def _report(c):
    from django.utils import timezone

    from dudao.supervision.models import WeeklyReport
    from dudao.supervision.weekly import compile_week

    compile_week(c.campaign, timezone.localdate())
    return WeeklyReport.objects.filter(group=c.group1).first()


def _interview(c):
    import datetime as dt

    from dudao.supervision.actions import record_interview
    from dudao.supervision.models import Interview

    found = Interview.objects.filter(participation__unit=c.unit_a).first()
    return found or record_interview(
        actor=c.user("group_leader"),
        participation=_part(c),
        interviewee="矩阵测试约谈对象",
        held_on=dt.date(2005, 3, 1),
        reason="动员不力",
        said="指出问题",
        follow_up_on=dt.date(2005, 3, 15),
    )


def _part_c(c):
    """Unit C, under the department the cast's inspection group inspects."""
    from dudao.campaigns.models import Participation

    return Participation.objects.select_related("campaign__template", "unit", "group").get(
        campaign=c.campaign, unit=c.unit_c
    )


def _experience(c):
    from dudao.supervision.experiences import nominate_experience
    from dudao.supervision.models import TypicalExperience

    found = TypicalExperience.objects.filter(participation__unit=c.unit_a).first()
    if found is None:
        found, _created = nominate_experience(
            actor=c.user("group_leader"),
            participation=_part(c),
            title="矩阵测试典型经验",
            practice="支部书记带头讲党课",
            client_token="matrix-experience",
        )
    return found


def _experience_file(c):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dudao.rectification.tests.helpers import PNG
    from dudao.supervision.models import ExperienceAttachment

    exp = _experience(c)
    found = exp.attachments.first()
    return found or ExperienceAttachment.objects.create(
        experience=exp,
        file=SimpleUploadedFile("经验.png", PNG, content_type="image/png"),
        original_name="经验.png",
        size=len(PNG),
    )


def _inspection_report(c):
    import datetime as dt

    from django.utils import timezone

    from dudao.supervision.inspection import compile_inspection_report

    today = timezone.localdate()
    report, _created = compile_inspection_report(
        actor=c.user("inspector"),
        inspection_group=c.inspection,
        period_start=today - dt.timedelta(days=6),
        period_end=today,
    )
    return report


INSPECTION_READERS = READ_ALL | {"inspector", "admin"}


ROWS = [
    Row(
        "sv_home", "supervision:home", lambda c: "/supervision/", ALL_ROLES, lambda c: "督导工作台"
    ),
    Row(
        "sv_todo",
        "supervision:todo",
        lambda c: "/supervision/todo/",
        ALL_ROLES,
        lambda c: "我的待办",
    ),
    Row(
        "sv_notifications",
        "supervision:notifications",
        lambda c: "/supervision/notifications/",
        ALL_ROLES,
        lambda c: "全部标为已读",
        post=lambda c: {},
        post_allowed=ALL_ROLES,
    ),
    Row(
        "sv_preferences",
        "supervision:preferences",
        lambda c: "/supervision/notifications/settings/",
        ALL_ROLES,
        lambda c: "通知设置",
        post=lambda c: {"app_problem_sent": "on"},
        post_allowed=ALL_ROLES,
    ),
    Row(
        "sv_unit",
        "supervision:unit",
        lambda c: f"/supervision/units/{_part(c).pk}/",
        READ_ALL | GROUP1 | UNIT_A | ADMIN,
        lambda c: "东城区财政局 · 督导工作",
    ),
    Row(
        "sv_visit_new",
        "supervision:visit_new",
        lambda c: f"/supervision/units/{_part(c).pk}/visit/",
        GROUP_WRITE,
        lambda c: "记录督导工作",
        post=lambda c: {"kind": "talk", "happened_on": "2005-03-01", "people_count": "2"},
        post_allowed=GROUP_WRITE,
    ),
    Row(
        "sv_problem_new",
        "supervision:problem_new",
        lambda c: f"/supervision/units/{_part(c).pk}/problem/",
        GROUP_WRITE,
        lambda c: "登记发现的问题",
        post=lambda c: {"description": "矩阵问题"},
        post_allowed=GROUP_WRITE,
    ),
    Row(
        "sv_draw",
        "supervision:draw",
        lambda c: f"/supervision/units/{_part(c).pk}/draw/",
        set(),
        post=lambda c: {"claim_kind": "session", "count": "1"},
        post_allowed=GROUP_WRITE,
        post_only=True,
    ),
    Row(
        "sv_visit",
        "supervision:visit",
        lambda c: f"/supervision/visits/{_visit(c).pk}/",
        READERS,
        lambda c: "矩阵测试座谈会记录",
    ),
    Row("sv_photo", "supervision:photo", lambda c: f"/supervision/photos/{_photo(c).pk}/", READERS),
    Row(
        "sv_problem",
        "supervision:problem",
        lambda c: f"/supervision/problems/{_problem(c).pk}/",
        READERS | UNIT_A,
        lambda c: "矩阵测试问题",
    ),
    Row(
        "sv_problem_send",
        "supervision:problem_send",
        lambda c: f"/supervision/problems/{_problem(c).pk}/send/",
        set(),
        post=lambda c: {},
        post_allowed=set(),
        post_only=True,
    ),
    Row(
        "sv_problem_answer",
        "supervision:problem_answer",
        lambda c: f"/supervision/problems/{_problem(c).pk}/answer/",
        set(),
        post=lambda c: {"answer": "已解决", "version": str(_problem(c).version)},
        post_allowed=UNIT_A,
        post_only=True,
    ),
    Row(
        "sv_problem_verify",
        "supervision:problem_verify",
        lambda c: f"/supervision/problems/{_problem(c).pk}/verify/",
        set(),
        post=lambda c: {"decision": "solved", "version": str(_problem(c).version)},
        post_allowed=set(),
        post_only=True,
    ),
    Row(
        "sv_spot_check",
        "supervision:spot_check",
        lambda c: f"/supervision/checks/{_check(c).pk}/",
        READERS,
        lambda c: "矩阵测试会议",
        post=lambda c: {"result": "confirmed", "method": "查阅会议记录"},
        post_allowed=GROUP_WRITE,
    ),
    Row(
        "sv_group_reports",
        "supervision:group_reports",
        lambda c: f"/supervision/groups/{c.group1.pk}/reports/",
        READERS,
        lambda c: "第一督导组 · 周报",
    ),
    Row(
        "sv_report",
        "supervision:report",
        lambda c: f"/supervision/reports/{_report(c).pk}/",
        READERS,
        lambda c: "第一督导组 · 周报",
        post=lambda c: {"narrative": "本周工作", "version": str(_report(c).version)},
        post_allowed={"group_leader", "admin"},
    ),
    Row(
        "sv_report_docx",
        "supervision:report_docx",
        lambda c: f"/supervision/reports/{_report(c).pk}/report.docx",
        READERS,
    ),
    Row(
        "sv_week",
        "supervision:week",
        lambda c: f"/supervision/campaigns/{c.campaign.pk}/week/",
        READ_ALL | ADMIN,
        lambda c: "督导组周报",
        post=lambda c: {},
        post_allowed={"office", "admin"},
    ),
    Row(
        "sv_interview_new",
        "supervision:interview_new",
        lambda c: f"/supervision/units/{_part(c).pk}/interview/",
        GROUP_WRITE,
        lambda c: "记录一把手约谈",
        post=lambda c: {
            "interviewee": "王建国",
            "held_on": "2005-03-01",
            "reason": "动员不力",
            "said": "指出问题",
            "follow_up_on": "2005-03-20",
        },
        post_allowed=GROUP_WRITE,
    ),
    Row(
        "sv_interview",
        "supervision:interview",
        lambda c: f"/supervision/interviews/{_interview(c).pk}/",
        READERS,
        lambda c: "矩阵测试约谈对象",
        post=lambda c: {"outcome": "已整改"},
        post_allowed=GROUP_WRITE,
    ),
    Row(
        "sv_experiences",
        "supervision:experiences",
        lambda c: f"/supervision/campaigns/{c.campaign.pk}/experiences/?status=nominated&q=党课",
        READERS,
        lambda c: "典型经验",
    ),
    Row(
        "sv_experience_new",
        "supervision:experience_new",
        lambda c: f"/supervision/units/{_part(c).pk}/experience/",
        GROUP_WRITE,
        lambda c: "推荐典型经验",
        post=lambda c: {"title": "矩阵经验", "practice": "做法", "client_token": "m-exp"},
        post_allowed=GROUP_WRITE,
    ),
    Row(
        "sv_experience",
        "supervision:experience",
        lambda c: f"/supervision/experiences/{_experience(c).pk}/",
        READERS,
        lambda c: "矩阵测试典型经验",
        post=lambda c: {"action": "approve", "version": str(_experience(c).version)},
        post_allowed={"office", "admin"},
    ),
    Row(
        "sv_experience_file",
        "supervision:experience_file",
        lambda c: f"/supervision/experience-files/{_experience_file(c).pk}/",
        READERS,
    ),
    Row(
        "sv_inspection_unit",
        "supervision:inspection_unit",
        lambda c: f"/supervision/units/{_part_c(c).pk}/inspection/",
        INSPECTION_READERS,
        lambda c: "市档案馆 · 巡回检查",
    ),
    Row(
        "sv_inspection_check",
        "supervision:inspection_check",
        lambda c: f"/supervision/units/{_part_c(c).pk}/inspection/check/",
        set(),
        post=lambda c: {
            "mechanism": "谈心谈话制度",
            "in_force": "1",
            "method": "查阅谈话记录 5 份",
            "checked_on": "2005-03-01",
        },
        post_allowed={"inspector"},
        post_only=True,
    ),
    Row(
        "sv_inspection_exchange",
        "supervision:inspection_exchange",
        lambda c: f"/supervision/units/{_part_c(c).pk}/inspection/exchange/",
        set(),
        post=lambda c: {
            "held_on": "2005-03-01",
            "attendees": "馆长、党委书记",
            "views": "制度执行记录不全",
        },
        post_allowed={"inspector"},
        post_only=True,
    ),
    Row(
        "sv_inspection_reports",
        "supervision:inspection_reports",
        lambda c: f"/supervision/inspection-groups/{c.inspection.pk}/reports/",
        INSPECTION_READERS,
        lambda c: "第一巡回检查组 · 向领导小组的检查报告",
        post=lambda c: {"period_start": "2005-03-01", "period_end": "2005-03-07"},
        post_allowed={"inspector", "admin"},
    ),
    Row(
        "sv_inspection_report",
        "supervision:inspection_report",
        lambda c: f"/supervision/inspection-reports/{_inspection_report(c).pk}/",
        INSPECTION_READERS,
        lambda c: "第一巡回检查组 · 巡回检查情况报告",
        post=lambda c: {"narrative": "检查情况", "version": str(_inspection_report(c).version)},
        post_allowed={"inspector", "admin"},
    ),
    Row(
        "sv_inspection_report_docx",
        "supervision:inspection_report_docx",
        lambda c: f"/supervision/inspection-reports/{_inspection_report(c).pk}/report.docx",
        INSPECTION_READERS,
    ),
]
