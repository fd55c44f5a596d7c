from __future__ import annotations

import pytest
from django.utils import timezone

from dudao.campaigns.models import Participation
from dudao.core.audit import verify_chain
from dudao.core.errors import AccessDenied, DomainError, TransitionError
from dudao.core.models import AuditEvent
from dudao.transitions.actions import (
    approve_transition,
    forward_application,
    send_back_application,
)
from dudao.transitions.models import (
    ApplicationStatus,
    ParticipationEnd,
    PhasePeriod,
    TransitionApplication,
)

from .helpers import apply, part

pytestmark = pytest.mark.django_db


def _forwarded(cast):
    return forward_application(actor=cast.user("group_leader"), application=apply(cast))


def test_it_opens_the_next_phase_when_the_office_approves(cast):
    app = approve_transition(
        actor=cast.user("office"), application=_forwarded(cast), comment="同意"
    )
    assert app.status == ApplicationStatus.APPROVED and app.office_decided_by == cast.user("office")
    p = part(cast)
    assert p.current_phase == "analysis" and p.phase_started_on == timezone.localdate()
    period = PhasePeriod.objects.get(participation=p)
    assert (period.phase, period.ended_on, period.application) == ("study", p.phase_started_on, app)
    assert AuditEvent.objects.get(action="transition.approve").data["to"] == "analysis"
    assert verify_chain()[1] is None


def test_it_refuses_to_approve_what_the_group_has_not_forwarded(cast):
    app = apply(cast)
    with pytest.raises(TransitionError, match="王建国已于.*提交该申请"):
        approve_transition(actor=cast.user("office"), application=app)
    assert part(cast).current_phase == "study"


def test_it_lets_the_office_approve_a_district_level_unit_directly(cast):
    Participation.objects.filter(unit=cast.unit_a).update(reports_directly=True)
    app = approve_transition(actor=cast.user("office"), application=apply(cast))
    assert app.approved_directly and app.report_snapshot["ready"] is True
    assert part(cast).current_phase == "analysis"


def test_it_refuses_a_direct_approval_while_requirements_fail(cast2005):
    Participation.objects.filter(unit=cast2005.unit_a).update(reports_directly=True)
    app = apply(cast2005)
    with pytest.raises(DomainError, match="不能批准.*45个学时"):
        approve_transition(actor=cast2005.user("office"), application=app)


@pytest.mark.parametrize("role", ["group_leader", "leading", "unit_head"])
def test_it_lets_only_the_office_approve_or_send_back(cast, role):
    app = _forwarded(cast)
    with pytest.raises(AccessDenied, match="活动办公室"):
        approve_transition(actor=cast.user(role), application=app)
    with pytest.raises(AccessDenied, match="活动办公室"):
        send_back_application(actor=cast.user(role), application=app, reason="不行")


def test_it_sends_back_with_a_reason_and_lets_the_unit_apply_again(cast):
    app = _forwarded(cast)
    with pytest.raises(DomainError, match="退回的理由"):
        send_back_application(actor=cast.user("office"), application=app, reason="")
    app = send_back_application(actor=cast.user("office"), application=app, reason="小结过于简单")
    assert app.status == ApplicationStatus.SENT_BACK
    assert AuditEvent.objects.get(action="transition.send_back").reason == "小结过于简单"
    assert apply(cast).attempt == 2


def test_it_ends_the_participation_after_the_last_phase(cast):
    office = cast.user("office")
    for _ in range(3):
        approve_transition(actor=office, application=_forwarded(cast))
    last = TransitionApplication.objects.order_by("-pk").first()
    assert last.from_phase == "rectify" and last.ends_participation and last.to_phase == ""
    assert ParticipationEnd.objects.get(participation=part(cast)).application == last
    assert part(cast).current_phase == "rectify"
    with pytest.raises(TransitionError, match="已结束集中教育"):
        apply(cast)


def test_it_ends_the_2005_campaign_after_the_look_back_stage(cast2005):
    from dudao.transitions.rules import next_phase

    template = cast2005.campaign.template
    assert next_phase(template, "study")["code"] == "analysis"
    assert next_phase(template, "rectify")["code"] == "consolidate"
    assert next_phase(template, "consolidate") is None
