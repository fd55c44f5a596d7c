"""Nobody certifies himself (issue 10.2): the unit proposes an exemption, its supervision group
confirms it or refuses it with a reason, and only a confirmed exemption counts."""

from __future__ import annotations

import pytest

from dudao.campaigns.requirements import evaluate_unit
from dudao.core.errors import AccessDenied, DomainError
from dudao.core.models import AuditEvent
from dudao.records import actions
from dudao.records.models import ExemptionStatus

pytestmark = pytest.mark.django_db


def _propose(cast, pa):
    return actions.record_exemption(
        actor=cast.user("liaison"),
        participation=pa,
        person=cast.people["away"],
        requirement="study_hours",
        reason="away",
        explanation="外出务工，在广州",
    )


def _exempted(pa) -> list:
    result = evaluate_unit(pa).result("study_hours")
    return [e.label for e in result.exempted]


def test_an_exemption_counts_only_once_the_group_confirms_it(cast, pa):
    e = _propose(cast, pa)
    assert e.status == ExemptionStatus.PROPOSED
    assert "孙流动" not in _exempted(pa)
    actions.confirm_exemption(actor=cast.user("group_member"), exemption=e)
    e.refresh_from_db()
    assert e.status == ExemptionStatus.CONFIRMED and e.decided_by == cast.user("group_member")
    assert "孙流动" in _exempted(pa)
    assert AuditEvent.objects.filter(action="records.exemption.confirm").exists()


def test_the_unit_cannot_confirm_its_own_exemption(cast, pa):
    e = _propose(cast, pa)
    for role in ("liaison", "unit_head", "office"):
        with pytest.raises(AccessDenied, match="督导组确认"):
            actions.confirm_exemption(actor=cast.user(role), exemption=e)
    e.refresh_from_db()
    assert e.status == ExemptionStatus.PROPOSED


def test_a_refusal_needs_a_reason_and_the_unit_may_propose_again(cast, pa):
    e = _propose(cast, pa)
    with pytest.raises(DomainError, match="理由"):
        actions.refuse_exemption(actor=cast.user("group_leader"), exemption=e, reason="")
    actions.refuse_exemption(actor=cast.user("group_leader"), exemption=e, reason="已返回单位")
    e.refresh_from_db()
    assert e.status == ExemptionStatus.REFUSED and e.decision_reason == "已返回单位"
    assert "孙流动" not in _exempted(pa)
    again = _propose(cast, pa)
    assert again.pk == e.pk and again.status == ExemptionStatus.PROPOSED


def test_the_group_confirms_on_the_page_and_the_unit_sees_no_button(client, cast, pa):
    e = _propose(cast, pa)
    client.force_login(cast.user("liaison"))
    body = client.get(f"/records/{pa.pk}/exemptions/").content.decode()
    assert "待督导组确认" in body and 'value="confirm"' not in body
    assert (
        client.post(
            f"/records/{pa.pk}/exemptions/{e.pk}/decide/", {"decision": "confirm"}
        ).status_code
        == 404
    )
    client.force_login(cast.user("group_leader"))
    body = client.get(f"/records/{pa.pk}/exemptions/").content.decode()
    assert 'value="confirm"' in body
    response = client.post(f"/records/{pa.pk}/exemptions/{e.pk}/decide/", {"decision": "confirm"})
    assert response.status_code == 302
    e.refresh_from_db()
    assert e.status == ExemptionStatus.CONFIRMED
