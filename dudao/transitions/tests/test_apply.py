from __future__ import annotations

import pytest

from dudao.core.errors import AccessDenied, DomainError, TransitionError
from dudao.core.models import AuditEvent
from dudao.transitions.actions import apply_for_transition
from dudao.transitions.models import ApplicationStatus, TransitionApplication

from .helpers import apply, part

pytestmark = pytest.mark.django_db


def test_it_files_an_application_from_the_current_phase_to_the_next(cast):
    app = apply(cast)
    assert (app.from_phase, app.to_phase, app.attempt) == ("study", "analysis", 1)
    assert app.status == ApplicationStatus.SUBMITTED
    assert app.submitted_by == cast.user("unit_head")
    event = AuditEvent.objects.get(action="transition.apply")
    assert event.organisation_id == cast.unit_a.pk and event.target_id == str(app.pk)


def test_it_lets_the_liaison_apply_too(cast):
    assert apply(cast, role="liaison").submitted_by == cast.user("liaison")


def test_it_requires_a_summary(cast):
    with pytest.raises(DomainError, match="阶段小结"):
        apply(cast, summary="   ")
    assert not TransitionApplication.objects.exists()


@pytest.mark.parametrize("role", ["group_leader", "office", "leading", "secretary", "member"])
def test_it_refuses_anyone_but_the_unit_head_and_liaison(cast, role):
    with pytest.raises(AccessDenied, match="本单位主要负责人或联络员"):
        apply(cast, role=role)


def test_it_refuses_a_second_application_while_one_is_open(cast):
    apply(cast)
    with pytest.raises(TransitionError, match="王建国已于.*提交该申请.*不要重复申请"):
        apply(cast, role="liaison")
    assert TransitionApplication.objects.count() == 1


def test_it_refuses_a_unit_head_of_another_unit(cast):
    with pytest.raises(AccessDenied):
        apply_for_transition(
            actor=cast.user("unit_head"), participation=part(cast, cast.unit_b), summary="小结"
        )
