"""Issue 13 §4: a group nominates a unit's practice with its evidence; the office edits,
approves (or returns with a reason) and publishes; the list filters by group and status; the
published ones are what the bulletin picks (``published_experiences``), the weekly report counts
them and the reports registry tallies them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dudao.core.errors import AccessDenied, DomainError, TransitionError
from dudao.core.models import AuditEvent
from dudao.reports.registry import all_tallies
from dudao.supervision import experiences as ex
from dudao.supervision.access import experience_permits, visible_experiences
from dudao.supervision.models import ExperienceStatus, TypicalExperience
from dudao.supervision.selectors import published_experiences
from dudao.supervision.weekly import compile_week, week_start_of

from .helpers import part, photo, visit

pytestmark = pytest.mark.django_db


def _nominate(cast, token="e-1", **extra):
    v, _ = visit(cast, token=f"v-{token}")
    return ex.nominate_experience(
        actor=cast.user(extra.pop("who", "group_member")),
        participation=part(cast),
        title=extra.pop("title", "“三会一课”台账化管理"),
        practice="支部每月公示学习台账，党员互查互评。",
        evidence="查阅台账 12 本，座谈 8 人。",
        visits=[v],
        files=extra.pop("files", [photo("台账.png")]),
        client_token=token,
        **extra,
    )


def test_the_group_nominates_once_with_its_evidence(cast):
    exp, created = _nominate(cast)
    again, created_again = _nominate(cast)
    assert created and not created_again and again.pk == exp.pk
    assert TypicalExperience.objects.count() == 1
    assert exp.status == ExperienceStatus.NOMINATED and exp.group_id == cast.group1.pk
    assert exp.attachments.count() == 1 and exp.visits.count() == 1
    event = AuditEvent.objects.get(action="supervision.nominate_experience")
    assert event.organisation_id == cast.unit_a.pk and event.data["attachments"] == 1


def test_a_renamed_file_and_other_units_records_are_refused(cast):
    with pytest.raises(DomainError, match="内容与扩展名不符"):
        _nominate(cast, files=[SimpleUploadedFile("假.pdf", b"not a pdf")])
    other, _ = visit(cast, token="other")
    other.participation_id = part(cast, cast.unit_b).pk
    with pytest.raises(DomainError, match="相关调研记录须是该单位的"):
        ex.nominate_experience(
            actor=cast.user("group_member"),
            participation=part(cast),
            title="x",
            practice="y",
            visits=[other],
        )


@pytest.mark.parametrize("role", ["unit_head", "inspector", "office", "secretary"])
def test_only_the_units_group_nominates(cast, role):
    with pytest.raises(AccessDenied, match="督导组"):
        ex.nominate_experience(
            actor=cast.user(role), participation=part(cast), title="t", practice="p"
        )


def test_the_office_edits_returns_approves_and_publishes(cast):
    exp, _ = _nominate(cast)
    office, member = cast.user("office"), cast.user("group_member")
    assert not experience_permits(member, exp).may("approve")
    with pytest.raises(AccessDenied):
        ex.approve_experience(actor=member, experience=exp)
    exp = ex.edit_experience(
        actor=office,
        experience=exp,
        title="台账化管理“三会一课”",
        practice=exp.practice,
        evidence=exp.evidence,
        expected_version=1,
    )
    with pytest.raises(DomainError, match="退回须写明理由"):
        ex.return_experience(actor=office, experience=exp, reason=" ")
    exp = ex.return_experience(actor=office, experience=exp, reason="请补充成效数据")
    assert exp.status == ExperienceStatus.RETURNED
    assert experience_permits(member, exp).may("edit")
    exp = ex.edit_experience(
        actor=member,
        experience=exp,
        title=exp.title,
        practice=exp.practice + "参学率 98%。",
    )
    exp = ex.renominate_experience(actor=member, experience=exp)
    with pytest.raises(TransitionError, match="已被他人修改"):
        ex.approve_experience(actor=office, experience=exp, expected_version=1)
    with pytest.raises(TransitionError, match="当前为“待活动办审核”"):
        ex.publish_experience(actor=office, experience=exp)
    exp = ex.approve_experience(actor=office, experience=exp)
    assert published_experiences(cast.campaign) == []
    exp = ex.publish_experience(actor=office, experience=exp)
    assert exp.status == ExperienceStatus.PUBLISHED and exp.published_at is not None
    assert [e.pk for e in published_experiences(cast.campaign, group=cast.group1)] == [exp.pk]
    assert published_experiences(cast.campaign, group=cast.group2) == []
    today = timezone.localdate()
    assert len(published_experiences(cast.campaign, since=today, until=today)) == 1
    actions = list(
        AuditEvent.objects.filter(action__contains="experience")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[-1] == "supervision.publish_experience" and len(actions) == 7


def test_the_list_filters_and_is_scoped(client, cast):
    _nominate(cast, token="a", title="台账化管理")
    exp, _ = _nominate(cast, token="b", title="党员积分制")
    ex.approve_experience(actor=cast.user("office"), experience=exp)
    url = f"/supervision/campaigns/{cast.campaign.pk}/experiences/"
    client.force_login(cast.user("office"))
    body = client.get(url + "?status=approved").content.decode()
    assert "党员积分制" in body and "台账化管理" not in body
    # On a phone each row is a card whose cells say what they are.
    assert '<table class="list responsive">' in body and 'data-label="推荐督导组"' in body
    body = client.get(url + "?q=积分").content.decode()
    assert "党员积分制" in body and "台账化管理" not in body
    body = client.get(url + f"?group={cast.group2.pk}").content.decode()
    assert "没有符合条件的典型经验" in body
    assert visible_experiences(cast.user("unit_head")).count() == 0
    client.force_login(cast.user("unit_head"))
    assert client.get(url).status_code == 404


def test_the_weekly_report_and_the_tally_count_them(cast):
    from dudao.reports.selectors import tally_report

    exp, _ = _nominate(cast)
    week = week_start_of(timezone.localdate())
    compile_week(cast.campaign, week)
    report = cast.group1.weekly_reports.get(week_start=week)
    assert report.figures["experiences_nominated"] == 1
    assert report.figures["experiences_published"] == 0
    assert "typical_experiences" in all_tallies()
    office = cast.user("office")
    assert tally_report(user=office, campaign=cast.campaign).values["typical_experiences"] == 0
    ex.publish_experience(
        actor=office, experience=ex.approve_experience(actor=office, experience=exp)
    )
    compile_week(cast.campaign, week)
    report.refresh_from_db()
    assert report.figures["experiences_published"] == 1
    assert tally_report(user=office, campaign=cast.campaign).values["typical_experiences"] == 1


def test_the_pages_nominate_and_publish(client, cast):
    client.force_login(cast.user("group_member"))
    url = f"/supervision/units/{part(cast).pk}/experience/"
    assert "推荐给活动办" in client.get(url).content.decode()
    data = {"title": "支部“微党课”", "practice": "每周一次十分钟微党课", "client_token": "p-1"}
    response = client.post(url, data)
    exp = TypicalExperience.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{exp.pk}/")
    client.post(url, data)
    assert TypicalExperience.objects.count() == 1
    client.force_login(cast.user("office"))
    page = f"/supervision/experiences/{exp.pk}/"
    client.post(page, {"action": "approve", "version": "1"})
    client.post(page, {"action": "publish", "version": "2"})
    exp.refresh_from_db()
    assert exp.status == ExperienceStatus.PUBLISHED
    assert "已发布" in client.get(page).content.decode()
