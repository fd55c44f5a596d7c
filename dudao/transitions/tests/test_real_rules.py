"""The whole study phase of the 2005 template through the real requirements engine: the group
can forward only once the unit's records meet every blocking requirement."""

from __future__ import annotations

import datetime as dt

import pytest

from dudao.campaigns.requirements import evaluate_unit
from dudao.core.audit import verify_chain
from dudao.core.errors import DomainError
from dudao.records import actions as records_actions
from dudao.transitions.actions import (
    approve_transition,
    forward_application,
    order_remedial_work,
)

from .helpers import apply, complete_study_phase_except_mobilisation, part

pytestmark = pytest.mark.django_db


def test_it_forwards_after_the_unit_does_the_remedial_work(cast2005):
    p = complete_study_phase_except_mobilisation(cast2005)
    report = evaluate_unit(p)
    assert [r.code for r in report.blocking_failures] == ["mobilisation_meeting"]

    first = apply(cast2005)
    with pytest.raises(DomainError, match="单位主要负责同志亲自作动员报告"):
        forward_application(actor=cast2005.user("group_leader"), application=first)
    order = order_remedial_work(
        actor=cast2005.user("group_leader"),
        application=first,
        reason="未召开动员大会",
        work="由局长亲自作动员报告",
    )
    assert order.requirement_codes == ["mobilisation_meeting"]

    records_actions.record_meeting(
        actor=cast2005.user("liaison"),
        participation=p,
        kind="mobilisation",
        date=dt.date(2005, 3, 2),
        title="先进性教育活动动员大会",
        speaker="王建国",
        speaker_role="unit_head",
        speaker_person=cast2005.people["head"],
        attendees=29,
    )
    second = apply(cast2005)
    forward_application(actor=cast2005.user("group_leader"), application=second, comment="同意")
    approve_transition(actor=cast2005.user("office"), application=second)
    assert part(cast2005).current_phase == "analysis"
    second.refresh_from_db()
    assert second.report_snapshot["ready"] is True
    assert verify_chain()[1] is None
