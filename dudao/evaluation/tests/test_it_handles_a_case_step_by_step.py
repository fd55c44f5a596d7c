"""组织处理 (seed 001): a case per member graded unqualified follows the template's steps in order
(限期改正 with a deadline → review at the deadline → 劝其退党 / 党内除名, or closed as corrected);
no step is skipped; deadlines are reminded once; a referral to discipline bodies is recorded."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dudao.core.errors import AccessDenied, DomainError, TransitionError
from dudao.evaluation import actions
from dudao.evaluation.models import CaseReminder
from dudao.evaluation.reminders import send_case_reminders

from .helpers_grades import graded

pytestmark = pytest.mark.django_db

D0 = dt.date(2005, 4, 1)


def _step(cast, case, step, outcome, on, who="secretary", **kw):
    case.refresh_from_db()
    return actions.record_step(
        actor=cast.user(who), case=case, step=step, outcome=outcome,
        decided_by_name="财政局第一支部", decided_on=on, **kw,
    )  # fmt: skip


@time_machine.travel(dt.datetime(2005, 12, 1, 10, 0), tick=False)
def test_a_case_cannot_skip_a_step(cast2005):
    ev = graded(cast2005)
    case = actions.open_case(actor=cast2005.user("secretary"), evaluation=ev)
    assert actions.open_case(actor=cast2005.user("secretary"), evaluation=ev).pk == case.pk
    assert case.current_step == "deadline_correction"
    with pytest.raises(TransitionError, match="不能跳过"):
        _step(cast2005, case, "persuade", "left", D0)
    with pytest.raises(TransitionError, match="不能跳过"):
        _step(cast2005, case, "review", "corrected", D0)
    row = _step(cast2005, case, "deadline_correction", "ordered", D0, statement="本人表示接受")
    assert row.deadline == D0 + dt.timedelta(days=90)
    case.refresh_from_db()
    assert case.current_step == "review" and case.deadline == row.deadline
    # The review waits for the deadline.
    with pytest.raises(TransitionError, match="期限届满后"):
        _step(cast2005, case, "review", "not_corrected", D0 + dt.timedelta(days=30))
    _step(cast2005, case, "review", "not_corrected", row.deadline)
    with pytest.raises(TransitionError):
        _step(cast2005, case, "removal", "removed", row.deadline, who="unit_head")
    _step(cast2005, case, "persuade", "refused", row.deadline, statement="本人不同意退党")
    # 党内除名 is the unit committee's: the secretary may not record it.
    with pytest.raises(AccessDenied):
        _step(cast2005, case, "removal", "removed", row.deadline)
    _step(cast2005, case, "removal", "removed", row.deadline, who="unit_head")
    case.refresh_from_db()
    assert case.status == "closed" and case.outcome == "removed"
    assert [s.step for s in case.steps.all()] == [
        "deadline_correction", "review", "persuade", "removal",
    ]  # fmt: skip
    with pytest.raises(TransitionError):
        _step(cast2005, case, "removal", "removed", row.deadline, who="unit_head")


@time_machine.travel(dt.datetime(2005, 12, 1, 10, 0), tick=False)
def test_corrected_closes_the_case(cast2005):
    case = actions.open_case(actor=cast2005.user("secretary"), evaluation=graded(cast2005))
    row = _step(cast2005, case, "deadline_correction", "ordered", D0)
    _step(cast2005, case, "review", "corrected", row.deadline)
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_on == row.deadline


def test_only_unqualified_members_get_a_case(cast2005):
    ev = graded(cast2005, grade="qualified")
    with pytest.raises(TransitionError):
        actions.open_case(actor=cast2005.user("secretary"), evaluation=ev)


def test_deadlines_are_reminded_once(cast2005):
    cast2005.user("unit_head").email = "head@example.cn"
    cast2005.user("unit_head").save()
    case = actions.open_case(actor=cast2005.user("secretary"), evaluation=graded(cast2005))
    with time_machine.travel(dt.datetime(2005, 4, 2, 9, 0), tick=False):
        row = _step(cast2005, case, "deadline_correction", "ordered", dt.date(2005, 4, 1))
    deadline = row.deadline
    with pytest.MonkeyPatch.context():
        assert send_case_reminders(today=deadline - dt.timedelta(days=30)) == 0
        assert send_case_reminders(today=deadline - dt.timedelta(days=7)) == 1
        assert send_case_reminders(today=deadline - dt.timedelta(days=6)) == 0
        assert send_case_reminders(today=deadline - dt.timedelta(days=1)) == 1
        assert send_case_reminders(today=deadline + dt.timedelta(days=1)) == 1
        assert send_case_reminders(today=deadline + dt.timedelta(days=2)) == 0
    assert CaseReminder.objects.filter(case=case).count() == 3


def test_a_referral_is_recorded(cast2005):
    case = actions.open_case(actor=cast2005.user("secretary"), evaluation=graded(cast2005))
    with pytest.raises(DomainError):
        actions.refer_to_discipline(
            actor=cast2005.user("secretary"), case=case, body="", referred_on=D0, note=""
        )
    r = actions.refer_to_discipline(
        actor=cast2005.user("unit_head"), case=case, body="区纪委", referred_on=D0,
        note="涉嫌违反财经纪律",
    )  # fmt: skip
    assert case.referrals.get() == r
    with pytest.raises(AccessDenied):
        actions.refer_to_discipline(
            actor=cast2005.user("group_leader"), case=case, body="区纪委", referred_on=D0, note="x"
        )


@time_machine.travel(dt.datetime(2005, 12, 1, 10, 0), tick=False)
def test_step_documents_are_kept_and_checked(cast2005):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = actions.open_case(actor=cast2005.user("secretary"), evaluation=graded(cast2005))
    with pytest.raises(DomainError, match="类型不支持"):
        _step(cast2005, case, "deadline_correction", "ordered", D0,
              files=[SimpleUploadedFile("决定.exe", b"MZ")])  # fmt: skip
    assert not case.steps.exists()
    row = _step(cast2005, case, "deadline_correction", "ordered", D0,
                files=[SimpleUploadedFile("限期改正决定.pdf", b"%PDF-1.4")])  # fmt: skip
    assert [d.original_name for d in row.documents.all()] == ["限期改正决定.pdf"]
    # A stale form (the version it was rendered with) is refused.
    from dudao.core.errors import ConflictError

    with pytest.raises(ConflictError):
        _step(cast2005, case, "review", "corrected", row.deadline, expected_version="1")
