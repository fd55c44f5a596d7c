from __future__ import annotations

import datetime as dt

import pytest

from dudao.campaigns.requirements.engine import evaluate_unit
from dudao.core.errors import DomainError
from dudao.core.models import AuditEvent
from dudao.records.models import Meeting
from dudao.supervision.actions import (
    answer_problem,
    draw_spot_checks,
    record_spot_check,
    verify_problem,
)
from dudao.supervision.models import CheckResult, ProblemSource, ProblemStatus
from dudao.supervision.selectors import claim_candidates

from .helpers import part

pytestmark = pytest.mark.django_db


def _meetings(cast, n=4):
    p = part(cast)
    return [
        Meeting.objects.create(
            participation=p,
            phase=p.current_phase,
            kind="mobilisation",
            date=dt.date(2005, 2, 1 + i),
            title=f"动员大会{i}",
            speaker="王建国",
            speaker_role="unit_head",
        )
        for i in range(n)
    ]


def _marks(report):
    return [e.mark for r in report.results for e in r.evidence if e.mark]


def test_the_draw_is_random_and_recorded(cast):
    _meetings(cast)
    p = part(cast)
    checks = draw_spot_checks(
        actor=cast.user("group_member"),
        participation=p,
        claim_kind="meeting",
        candidates=claim_candidates(p, "meeting"),
        count=2,
        seed=7,
    )
    assert len(checks) == 2 and all(c.drawn for c in checks)
    assert checks[0].draw["seed"] == 7 and checks[0].draw["pool"] == 4
    assert AuditEvent.objects.get(action="supervision.draw_spot_checks").data["seed"] == 7
    # Drawn claims still pending are not drawn again.
    more = draw_spot_checks(
        actor=cast.user("group_member"),
        participation=p,
        claim_kind="meeting",
        candidates=claim_candidates(p, "meeting"),
        count=5,
    )
    assert {c.claim_id for c in more}.isdisjoint({c.claim_id for c in checks})


def test_a_discrepancy_becomes_a_problem_and_marks_the_claim_until_solved(cast2005, client):
    cast = cast2005
    meetings = _meetings(cast, 1)
    p = part(cast)
    [check] = draw_spot_checks(
        actor=cast.user("group_leader"),
        participation=p,
        claim_kind="meeting",
        candidates=claim_candidates(p, "meeting"),
        count=1,
    )
    with pytest.raises(DomainError, match="核实情况"):
        record_spot_check(
            actor=cast.user("group_leader"), check=check, confirmed=False, method="电话核实 3 人"
        )
    check = record_spot_check(
        actor=cast.user("group_leader"),
        check=check,
        confirmed=False,
        method="电话核实 3 人",
        finding="3 人均称未参加该次会议",
    )
    assert check.result == CheckResult.DISCREPANCY
    problem = check.problem
    assert problem.source == ProblemSource.SPOT_CHECK and problem.status == ProblemStatus.SENT
    # Marked in the requirement report (the engine's evidence for that meeting) ...
    report = evaluate_unit(part(cast))
    targets = [e.target for r in report.results for e in r.evidence if e.mark]
    assert ("meeting", p.pk, meetings[0].pk) in targets
    assert any("电话核实 3 人" in m for m in _marks(report))
    # ... on the unit's requirement page and the supervision unit page ...
    client.force_login(cast.user("unit_head"))
    assert "抽查核实与实际不符" in client.get(f"/transitions/report/{p.pk}/").content.decode()
    client.force_login(cast.user("group_leader"))
    assert "存疑待解决" in client.get(f"/supervision/units/{p.pk}/").content.decode()
    # ... until the problem is solved.
    answer_problem(actor=cast.user("unit_head"), problem=problem, answer="补开会议并如实记录")
    problem.refresh_from_db()
    verify_problem(actor=cast.user("group_leader"), problem=problem, solved=True)
    assert _marks(evaluate_unit(part(cast))) == []
    assert "存疑待解决" not in client.get(f"/supervision/units/{p.pk}/").content.decode()


def test_a_confirmed_claim_is_not_marked(cast2005):
    cast = cast2005
    _meetings(cast, 1)
    p = part(cast)
    [check] = draw_spot_checks(
        actor=cast.user("group_leader"),
        participation=p,
        claim_kind="meeting",
        candidates=claim_candidates(p, "meeting"),
        count=1,
    )
    check = record_spot_check(
        actor=cast.user("group_leader"), check=check, confirmed=True, method="查阅会议记录和照片"
    )
    assert check.result == CheckResult.CONFIRMED and check.problem is None
    assert _marks(evaluate_unit(part(cast))) == []
