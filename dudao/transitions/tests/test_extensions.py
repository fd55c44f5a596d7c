from __future__ import annotations

import datetime as dt

import pytest

from dudao.core.errors import AccessDenied, DomainError, TransitionError
from dudao.core.models import AuditEvent
from dudao.transitions import selectors
from dudao.transitions.actions import decide_extension, propose_extension
from dudao.transitions.models import ExtensionStatus

from .helpers import part

pytestmark = pytest.mark.django_db


def _propose(cast, days=10, reason="分析评议需要补开组织生活会", role="group_leader"):
    return propose_extension(
        actor=cast.user(role), participation=part(cast), days=days, reason=reason
    )


def test_it_moves_the_due_date_when_the_office_approves_an_extension(cast2005):
    # Campaign starts 2005-01-23; the study phase lasts 45 days (seed 001).
    assert selectors.schedule_for(part(cast2005)).due_on == dt.date(2005, 3, 9)
    ext = _propose(cast2005)
    assert selectors.schedule_for(part(cast2005)).due_on == dt.date(2005, 3, 9)
    decide_extension(actor=cast2005.user("office"), extension=ext, approve=True)
    assert selectors.schedule_for(part(cast2005)).due_on == dt.date(2005, 3, 19)
    assert AuditEvent.objects.get(action="transition.extension_approve").data["days"] == 10


def test_it_requires_a_reason_to_refuse_and_keeps_the_due_date(cast2005):
    ext = _propose(cast2005)
    with pytest.raises(DomainError, match="不同意延长的理由"):
        decide_extension(actor=cast2005.user("office"), extension=ext, approve=False)
    ext = decide_extension(
        actor=cast2005.user("office"), extension=ext, approve=False, reason="进度已严重滞后"
    )
    assert ext.status == ExtensionStatus.REFUSED
    assert selectors.schedule_for(part(cast2005)).due_on == dt.date(2005, 3, 9)


def test_it_refuses_a_second_decision_and_says_who_decided(cast2005):
    ext = _propose(cast2005)
    decide_extension(actor=cast2005.user("office"), extension=ext, approve=True)
    with pytest.raises(TransitionError, match="办公室文员已于.*已同意延长"):
        decide_extension(actor=cast2005.user("office"), extension=ext, approve=False, reason="x")


def test_it_refuses_a_second_pending_proposal(cast2005):
    _propose(cast2005)
    with pytest.raises(TransitionError, match="刘振华已于.*建议延长10天"):
        _propose(cast2005, role="group_member")


@pytest.mark.parametrize("days", [0, 91, "x"])
def test_it_refuses_a_number_of_days_out_of_range(cast2005, days):
    with pytest.raises(DomainError, match="1 到 90"):
        _propose(cast2005, days=days)


def test_it_requires_a_reason_to_propose(cast2005):
    with pytest.raises(DomainError, match="延长的理由"):
        _propose(cast2005, reason="")


@pytest.mark.parametrize("role", ["unit_head", "office", "leading"])
def test_it_lets_only_the_group_propose(cast2005, role):
    with pytest.raises(AccessDenied):
        _propose(cast2005, role=role)


def test_it_lets_only_the_office_decide(cast2005):
    ext = _propose(cast2005)
    with pytest.raises(AccessDenied):
        decide_extension(actor=cast2005.user("group_leader"), extension=ext, approve=True)
