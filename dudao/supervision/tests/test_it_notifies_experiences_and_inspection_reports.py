"""Issue 13 §4, §6 and §8: a nominated typical experience reaches the office; its return (with
the reason), approval and publication reach the nominating group, the publication also the
unit; an inspection report submitted to the leading group reaches the leading group and the
office. Each kind may be mailed; nobody is told of what he may not open."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from dudao.orgs.actions import create_account
from dudao.orgs.models import Role, RoleAssignment
from dudao.supervision import experiences as ex
from dudao.supervision import inspection
from dudao.supervision.actions import set_preferences
from dudao.supervision.models import NoticeEvent, Notification

from .helpers import part

pytestmark = pytest.mark.django_db


def _told(event) -> set[str]:
    return set(Notification.objects.filter(event=event).values_list("user__username", flat=True))


def _texts(username, event) -> list[str]:
    return list(
        Notification.objects.filter(user__username=username, event=event).values_list(
            "text", flat=True
        )
    )


def _other_group_member(cast):
    """A member of the second group (its units are B and C, not A)."""
    user = create_account(
        actor=cast.user("admin"), username="group2_member", full_name="赵敏", password="x-1"
    )
    RoleAssignment.objects.create(user=user, role=Role.GROUP_MEMBER, group=cast.group2)
    return user


def _nominate(cast, token="n-1"):
    exp, _ = ex.nominate_experience(
        actor=cast.user("group_member"),
        participation=part(cast),
        title="“三会一课”台账化管理",
        practice="支部每月公示学习台账。",
        client_token=token,
    )
    return exp


def test_a_nomination_reaches_the_office_only(cast):
    _other_group_member(cast)
    exp = _nominate(cast)
    _nominate(cast)  # the same form sent again: one experience, one notice
    assert _told(NoticeEvent.EXPERIENCE_NOMINATED) == {"clerk"}
    [text] = _texts("clerk", NoticeEvent.EXPERIENCE_NOMINATED)
    assert "第一督导组推荐了典型经验" in text and "东城区财政局" in text
    note = Notification.objects.get(event=NoticeEvent.EXPERIENCE_NOMINATED)
    assert (note.url_name, note.url_arg) == ("supervision:experience", exp.pk)


def test_return_approval_and_publication_reach_the_group_and_at_last_the_unit(cast):
    _other_group_member(cast)
    office = cast.user("office")
    exp = _nominate(cast)
    exp = ex.return_experience(actor=office, experience=exp, reason="请补充参学率数据")
    assert _told(NoticeEvent.EXPERIENCE_RETURNED) == {"group_leader", "group_member"}
    assert "请补充参学率数据" in _texts("group_member", NoticeEvent.EXPERIENCE_RETURNED)[0]
    exp = ex.renominate_experience(actor=cast.user("group_leader"), experience=exp)
    assert len(_texts("clerk", NoticeEvent.EXPERIENCE_NOMINATED)) == 2
    assert "修改后重新报送" in _texts("clerk", NoticeEvent.EXPERIENCE_NOMINATED)[0]
    exp = ex.approve_experience(actor=office, experience=exp)
    assert _told(NoticeEvent.EXPERIENCE_APPROVED) == {"group_leader", "group_member"}
    ex.publish_experience(actor=office, experience=exp)
    # The unit is told once the practice is published, and may then open it.
    assert _told(NoticeEvent.EXPERIENCE_PUBLISHED) == {
        "group_leader",
        "group_member",
        "unit_head",
        "liaison",
    }
    # Until then the unit heard nothing: a nomination and a return are the group's and the
    # office's business; the other group, the office itself and outsiders hear nothing.
    for event in (
        NoticeEvent.EXPERIENCE_NOMINATED,
        NoticeEvent.EXPERIENCE_RETURNED,
        NoticeEvent.EXPERIENCE_APPROVED,
    ):
        assert not _told(event) & {"unit_head", "liaison", "group2_member", "outsider"}
    assert "group2_member" not in _told(NoticeEvent.EXPERIENCE_PUBLISHED)
    assert "clerk" not in _told(NoticeEvent.EXPERIENCE_PUBLISHED)


def test_the_published_experience_opens_for_the_unit_without_the_groups_notes(client, cast):
    from .helpers import visit

    v, _ = visit(cast, notes="组内记录：支部书记讲党课")
    exp, _ = ex.nominate_experience(
        actor=cast.user("group_member"),
        participation=part(cast),
        title="书记讲党课",
        practice="每季度一次。",
        visits=[v],
        client_token="n-2",
    )
    client.force_login(cast.user("unit_head"))
    assert client.get(f"/supervision/experiences/{exp.pk}/").status_code == 404
    exp = ex.approve_experience(actor=cast.user("office"), experience=exp)
    ex.publish_experience(actor=cast.user("office"), experience=exp)
    page = client.get(f"/supervision/experiences/{exp.pk}/").content.decode()
    assert "书记讲党课" in page and "已发布" in page
    assert f"/supervision/visits/{v.pk}/" not in page  # the group's visit stays the group's
    assert "典型经验列表" not in page and "审定" not in page.split("已发布")[1]
    client.force_login(cast.user("outsider"))
    assert client.get(f"/supervision/experiences/{exp.pk}/").status_code == 404
    client.force_login(cast.user("group_member"))
    assert (
        f"/supervision/visits/{v.pk}/"
        in client.get(f"/supervision/experiences/{exp.pk}/").content.decode()
    )


def _submitted_report(cast):
    today = timezone.localdate()
    report, _ = inspection.compile_inspection_report(
        actor=cast.user("inspector"),
        inspection_group=cast.inspection,
        period_start=today - dt.timedelta(days=today.weekday()),
        period_end=today,
    )
    return inspection.save_inspection_report(
        actor=cast.user("inspector"), report=report, narrative="本周检查市档案馆。", submit=True
    )


def test_a_submitted_inspection_report_reaches_the_leading_group_and_the_office(cast):
    today = timezone.localdate()
    report, _ = inspection.compile_inspection_report(
        actor=cast.user("inspector"),
        inspection_group=cast.inspection,
        period_start=today - dt.timedelta(days=today.weekday()),
        period_end=today,
    )
    inspection.save_inspection_report(actor=cast.user("inspector"), report=report, narrative="草稿")
    assert _told(NoticeEvent.INSPECTION_REPORT_SUBMITTED) == set()  # a saved draft tells nobody
    report = _submitted_report(cast)
    assert _told(NoticeEvent.INSPECTION_REPORT_SUBMITTED) == {"leader", "clerk"}
    [text] = _texts("leader", NoticeEvent.INSPECTION_REPORT_SUBMITTED)
    assert "第一巡回检查组报送了检查报告" in text
    note = Notification.objects.filter(event=NoticeEvent.INSPECTION_REPORT_SUBMITTED).first()
    assert (note.url_name, note.url_arg) == ("supervision:inspection_report", report.pk)


def test_the_leading_groups_reading_reaches_the_inspection_group(cast, client):
    from dudao.core.errors import AccessDenied, TransitionError

    report = _submitted_report(cast)
    with pytest.raises(AccessDenied, match="领导小组或活动办公室"):
        inspection.acknowledge_inspection_report(actor=cast.user("inspector"), report=report)
    client.force_login(cast.user("leading"))
    page = client.get(f"/supervision/inspection-reports/{report.pk}/").content.decode()
    assert "acknowledge-form" in page
    report = inspection.acknowledge_inspection_report(actor=cast.user("leading"), report=report)
    assert report.status == "acknowledged" and report.acknowledged_by == cast.user("leading")
    assert _told(NoticeEvent.INSPECTION_REPORT_ACKNOWLEDGED) == {"inspector"}
    assert (
        "领导小组成员已阅检查报告"
        in _texts("inspector", NoticeEvent.INSPECTION_REPORT_ACKNOWLEDGED)[0]
    )
    with pytest.raises(TransitionError, match="领导小组已阅"):
        inspection.acknowledge_inspection_report(actor=cast.user("office"), report=report)
    page = client.get(f"/supervision/inspection-reports/{report.pk}/").content.decode()
    assert "acknowledge-form" not in page and "已阅" in page
    from dudao.core.models import AuditEvent

    assert (
        AuditEvent.objects.filter(action="supervision.acknowledge_inspection_report").count() == 1
    )


def test_a_leading_group_member_of_another_campaign_is_not_told(cast):
    """The leading group is the campaign's: a member whose role is moved to another campaign
    neither may open the report nor is told of it; the units and the groups never are."""
    from dudao.campaigns.models import Campaign

    other = Campaign.objects.create(
        name="另一活动",
        short_name="另一活动",
        template=cast.campaign.template,
        root=cast.unit_d,
        start_date=cast.campaign.start_date,
    )
    RoleAssignment.objects.filter(user=cast.user("leading"), role=Role.LEADING_GROUP).update(
        campaign=other
    )
    _submitted_report(cast)
    told = _told(NoticeEvent.INSPECTION_REPORT_SUBMITTED)
    assert told == {"clerk"}
    assert not told & {"unit_head", "liaison", "group_leader", "group_member", "inspector"}


def test_each_new_kind_may_be_mailed(cast, django_capture_on_commit_callbacks, client):
    clerk = cast.user("office")
    clerk.email = "clerk@example.org"
    clerk.save()
    leader = cast.user("group_leader")
    leader.email = "leader@example.org"
    leader.save()
    client.force_login(leader)
    page = client.get("/supervision/notifications/settings/").content.decode()
    for label in (
        "督导组推荐典型经验",
        "典型经验被退回修改",
        "典型经验已发布",
        "巡回检查组报送检查报告",
    ):
        assert label in page
    set_preferences(actor=clerk, choices={"experience_nominated": (True, True)})
    set_preferences(actor=leader, choices={"experience_returned": (True, True)})
    with django_capture_on_commit_callbacks(execute=True):
        exp = _nominate(cast)
    with django_capture_on_commit_callbacks(execute=True):
        ex.return_experience(actor=clerk, experience=exp, reason="请补充成效")
    assert [m.to for m in mail.outbox] == [["clerk@example.org"], ["leader@example.org"]]
    assert mail.outbox[0].subject == "督导通：督导组推荐典型经验"
    assert "请补充成效" in mail.outbox[1].body


def test_a_title_with_quotes_is_quoted_as_chinese_typography_nests_them():
    from dudao.supervision.notify import quoted

    assert quoted("党员“一岗一责”承诺公示") == "“党员‘一岗一责’承诺公示”"
    assert quoted("三会一课") == "“三会一课”"
    assert quoted("长" * 80) == "“" + "长" * 60 + "”"
