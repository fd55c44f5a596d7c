from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from dudao.core.errors import AccessDenied, DomainError, TransitionError
from dudao.core.models import AuditEvent
from dudao.supervision.access import get_interview_for_user
from dudao.supervision.actions import record_interview, record_interview_outcome
from dudao.supervision.models import WeeklyReport
from dudao.supervision.weekly import compile_week

from .helpers import part, problem

pytestmark = pytest.mark.django_db


def _interview(cast, who="group_leader", **extra):
    today = timezone.localdate()
    return record_interview(
        actor=cast.user(who),
        participation=part(cast),
        interviewee="王建国（局长、党委书记）",
        held_on=extra.pop("held_on", today),
        reason="动员讲话照本宣科，学习签到与实际不符",
        said="指出敷衍应付问题，要求带头讲党课",
        promised="两周内补讲党课",
        follow_up_on=extra.pop("follow_up_on", today + dt.timedelta(days=14)),
        **extra,
    )


def test_it_records_who_why_what_and_the_follow_up(cast):
    p = problem(cast)
    interview = _interview(cast, problems=[p])
    assert list(interview.problems.all()) == [p]
    event = AuditEvent.objects.get(action="supervision.record_interview")
    assert event.reason.startswith("动员讲话") and event.data["problems"] == [p.pk]
    interview = record_interview_outcome(
        actor=cast.user("group_member"), interview=interview, outcome="已补讲党课，群众反映良好"
    )
    assert interview.outcome_recorded_at is not None
    with pytest.raises(TransitionError):
        record_interview_outcome(actor=cast.user("group_member"), interview=interview, outcome="x")


def test_only_the_group_office_and_leading_group_see_it(cast):
    interview = _interview(cast)
    for role in ("group_leader", "group_member", "office", "leading"):
        assert get_interview_for_user(cast.user(role), interview.pk) == interview
    for role in ("unit_head", "liaison", "inspector", "member", "outsider"):
        with pytest.raises(Http404):
            get_interview_for_user(cast.user(role), interview.pk)


def test_it_refuses_others_and_bad_dates(cast):
    with pytest.raises(AccessDenied):
        _interview(cast, who="office")
    with pytest.raises(DomainError, match="跟踪日期"):
        _interview(cast, follow_up_on=timezone.localdate() - dt.timedelta(days=1))


def test_the_weekly_report_counts_it(cast):
    _interview(cast)
    compile_week(cast.campaign, timezone.localdate())
    assert WeeklyReport.objects.get(group=cast.group1).figures["interviews"] == 1
