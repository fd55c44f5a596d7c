from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dudao.core.errors import AccessDenied, DomainError, TransitionError
from dudao.core.models import AuditEvent
from dudao.transitions.actions import forward_application, order_remedial_work
from dudao.transitions.models import ApplicationStatus, RemedialOrder

from .helpers import apply

pytestmark = pytest.mark.django_db


def test_it_forwards_an_application_whose_requirements_are_met(cast):
    app = apply(cast)
    app = forward_application(actor=cast.user("group_leader"), application=app, comment="同意转报")
    assert app.status == ApplicationStatus.FORWARDED
    assert app.group_decided_by == cast.user("group_leader") and app.version == 2
    assert app.report_snapshot["ready"] is True
    assert AuditEvent.objects.get(action="transition.forward").reason == "同意转报"


def test_it_refuses_to_forward_while_blocking_requirements_fail_and_lists_them(cast2005):
    app = apply(cast2005)
    with pytest.raises(DomainError, match="不能转报.*每名党员学习培训不少于45个学时") as info:
        forward_application(actor=cast2005.user("group_leader"), application=app)
    assert "中心组辅导学习不少于1天" in info.value.message
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    assert not AuditEvent.objects.filter(action="transition.forward").exists()


@pytest.mark.parametrize("role", ["unit_head", "office", "leading", "inspector"])
def test_it_lets_only_the_units_group_forward(cast, role):
    app = apply(cast)
    with pytest.raises(AccessDenied, match="督导组"):
        forward_application(actor=cast.user(role), application=app)


def test_it_orders_remedial_work_naming_the_engines_blocking_failures_by_default(cast2005):
    app = apply(cast2005)
    order = order_remedial_work(
        actor=cast2005.user("group_leader"),
        application=app,
        reason="学习时间不足，走过场",
        work="补足学时，补开中心组学习",
        deadline=dt.date.today() + dt.timedelta(days=10),
    )
    assert "study_hours" in order.requirement_codes
    assert "每名党员学习培训不少于45个学时" in order.requirement_names
    assert "concentrated_off_hours" not in order.requirement_codes  # a warning, not blocking
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REMEDIAL and app.group_comment == "学习时间不足，走过场"
    assert app.report_snapshot["ready"] is False
    event = AuditEvent.objects.get(action="transition.remedial")
    assert event.reason == "学习时间不足，走过场" and "study_hours" in event.data["requirements"]


def test_it_keeps_the_requirements_the_group_names(cast2005):
    order = order_remedial_work(
        actor=cast2005.user("group_leader"),
        application=apply(cast2005),
        reason="理由",
        work="补课内容",
        requirement_codes=["knowledge_test"],
    )
    assert order.requirement_codes == ["knowledge_test"]
    assert order.deadline == timezone.localdate() + dt.timedelta(days=14)


def test_it_refuses_a_requirement_of_another_phase(cast2005):
    with pytest.raises(DomainError, match="本阶段没有这些要求：opinion_forum"):
        order_remedial_work(
            actor=cast2005.user("group_leader"),
            application=apply(cast2005),
            reason="理由",
            work="补课内容",
            requirement_codes=["opinion_forum"],
        )


@pytest.mark.parametrize(
    "reason, work, message", [("", "补课", "理由"), ("理由", " ", "需要补课的内容")]
)
def test_it_requires_a_reason_and_the_work_to_redo(cast, reason, work, message):
    app = apply(cast)
    with pytest.raises(DomainError, match=message):
        order_remedial_work(
            actor=cast.user("group_leader"), application=app, reason=reason, work=work
        )
    assert not RemedialOrder.objects.exists()


def test_it_refuses_a_remedial_order_after_the_forward_and_says_who_forwarded(cast):
    app = apply(cast)
    forward_application(actor=cast.user("group_leader"), application=app)
    with pytest.raises(TransitionError, match="刘振华已于.*转报活动办"):
        order_remedial_work(
            actor=cast.user("group_leader"), application=app, reason="理由", work="补课"
        )


def test_it_refuses_a_decision_made_on_a_stale_version(cast):
    app = apply(cast)
    forward_application(actor=cast.user("group_leader"), application=app, expected_version=1)
    with pytest.raises(TransitionError, match="您的操作没有执行"):
        forward_application(actor=cast.user("group_leader"), application=app, expected_version=1)


def test_it_closes_the_remedial_order_when_the_unit_applies_again(cast):
    first = apply(cast)
    order = order_remedial_work(
        actor=cast.user("group_leader"), application=first, reason="走过场", work="重新学习"
    )
    second = apply(cast)
    order.refresh_from_db()
    assert order.closed_at is not None and order.closed_by_application == second
    assert second.attempt == 2 and second.from_phase == "study"
    assert AuditEvent.objects.filter(action="transition.apply").last().data["closes_remedial_order"]


def test_it_refuses_a_deadline_in_the_past(cast):
    with pytest.raises(DomainError, match="补课期限"):
        order_remedial_work(
            actor=cast.user("group_leader"),
            application=apply(cast),
            reason="理由",
            work="补课",
            deadline=dt.date(2000, 1, 1),
        )
