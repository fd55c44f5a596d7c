from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dudao.core.errors import DomainError, TransitionError
from dudao.records import actions as records_actions
from dudao.transitions import selectors
from dudao.transitions.actions import (
    approve_transition,
    decide_extension,
    forward_application,
    propose_extension,
    record_transition_meeting,
)
from dudao.transitions.models import TransitionApplication

from .helpers import apply, part, timed_cast

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(day: str):
    return time_machine.travel(dt.datetime.fromisoformat(day).replace(hour=10, tzinfo=SHANGHAI))


def _through(cast, day):
    with at(day):
        app = apply(cast)
        forward_application(actor=cast.user("group_leader"), application=app)
        return approve_transition(actor=cast.user("office"), application=app)


def test_it_flags_a_phase_as_overdue_only_after_its_due_date(db):
    cast = timed_cast()
    # Campaign starts 2005-01-23; 45 days → due 2005-03-09.
    with at("2005-03-09"):
        s = selectors.schedule_for(part(cast))
        assert s.due_on == dt.date(2005, 3, 9) and not s.overdue()
        assert selectors.overdue_units(cast.campaign)[0] == 0
    with at("2005-03-12"):
        s = selectors.schedule_for(part(cast))
        assert s.overdue() and s.days_over() == 3
        count, rows = selectors.overdue_units(cast.campaign)
        assert count == 3 and {p.unit_name for p, _s in rows} >= {"东城区财政局"}


def test_it_moves_the_flag_when_an_extension_is_approved(db):
    cast = timed_cast()
    with at("2005-03-01"):
        ext = propose_extension(
            actor=cast.user("group_member"), participation=part(cast), days=7, reason="学习未完成"
        )
        decide_extension(actor=cast.user("office"), extension=ext, approve=True)
    with at("2005-03-12"):
        assert not selectors.schedule_for(part(cast)).overdue()
    with at("2005-03-17"):
        assert selectors.schedule_for(part(cast)).days_over() == 1


def test_it_refuses_an_extension_where_the_template_forbids_one(db):
    cast = timed_cast()
    _through(cast, "2005-03-01")
    _through(cast, "2005-04-01")
    with pytest.raises(DomainError, match="不能延长"):
        propose_extension(
            actor=cast.user("group_member"), participation=part(cast), days=7, reason="理由"
        )


def test_it_flags_applications_waiting_longer_than_the_limit(db, settings):
    cast = timed_cast()
    with at("2005-03-01"):
        app = apply(cast)
    with at("2005-03-08"):
        row = selectors.group_queue(cast.group1)[0]
        assert (row.days, row.too_long) == (7, False)
    with at("2005-03-09"):
        row = selectors.group_queue(cast.group1)[0]
        assert (row.days, row.too_long) == (8, True)
        assert selectors.queue_stats(cast.campaign)["too_long"] == 1
        forward_application(actor=cast.user("group_leader"), application=app)
        # Waiting restarts at the office's desk.
        row = selectors.office_queue(cast.campaign)[0]
        assert (row.days, row.too_long) == (0, False)
    settings.DUDAO_TRANSITION_WAIT_DAYS = 3
    with at("2005-03-13"):
        assert selectors.office_queue(cast.campaign)[0].too_long


def test_it_shows_each_phase_with_its_dates_and_every_decision(db):
    cast = timed_cast()
    with at("2005-03-05"):
        first = apply(cast)
    with at("2005-03-06"):
        from dudao.transitions.actions import order_remedial_work

        order_remedial_work(
            actor=cast.user("group_leader"), application=first, reason="走过场", work="重新学习"
        )
    _through(cast, "2005-03-12")  # three days late
    p = part(cast)
    assert (p.current_phase, p.phase_started_on) == ("analysis", dt.date(2005, 3, 12))

    with at("2005-03-14"):
        t = selectors.timeline(p)
    study, analysis, rectify = t["phases"]
    assert (study.state, study.started_on, study.due_on, study.ended_on, study.late_days) == (
        "done",
        dt.date(2005, 1, 23),
        dt.date(2005, 3, 9),
        dt.date(2005, 3, 12),
        3,
    )
    assert (analysis.state, analysis.started_on, analysis.due_on) == (
        "current",
        dt.date(2005, 3, 12),
        dt.date(2005, 4, 11),
    )
    assert analysis.meeting_expected and analysis.meeting is None
    assert rectify.state == "future"
    whats = [e.what for e in t["events"]]
    assert whats == [
        "提出转段申请（学习动员，第1次）",
        "督导组责令补课",
        "提出转段申请（学习动员，第2次）",
        "督导组审核后转报活动办",
        "活动办批准转段",
    ]
    assert "走过场" in t["events"][1].detail and "重新学习" in t["events"][1].detail


def test_it_records_the_summary_and_mobilisation_meeting_of_the_new_phase(db):
    cast = timed_cast()
    p = part(cast)
    # Recorded in the old phase while it was open: once its transition is approved that
    # phase's records are frozen (issue 10.1).
    with at("2005-02-27"):
        old = records_actions.record_meeting(
            actor=cast.user("liaison"),
            participation=p,
            kind="summary_mobilisation",
            date=dt.date(2005, 2, 27),
            title="学习动员阶段小结会（旧阶段）",
            phase="study",
        )
    app = _through(cast, "2005-03-01")
    p = part(cast)
    with at("2005-03-03"):
        meeting = records_actions.record_meeting(
            actor=cast.user("liaison"),
            participation=p,
            kind="summary_mobilisation",
            date=dt.date(2005, 3, 3),
            title="学习动员阶段小结暨分析评议阶段动员会",
        )
    pending, choices = selectors.awaiting_meeting(p)
    assert pending == app and choices == [meeting]
    with pytest.raises(DomainError, match="新阶段"):
        record_transition_meeting(actor=cast.user("unit_head"), application=app, meeting=old)
    record_transition_meeting(actor=cast.user("unit_head"), application=app, meeting=meeting)
    assert selectors.awaiting_meeting(p) == (None, [])
    t = selectors.timeline(p)
    assert t["phases"][1].meeting == meeting
    assert t["events"][-1].what == "登记小结和转段动员会"


def test_it_refuses_the_meeting_before_the_transition_is_approved(db):
    cast = timed_cast()
    app = apply(cast)
    meeting = records_actions.record_meeting(
        actor=cast.user("liaison"),
        participation=part(cast),
        kind="summary_mobilisation",
        date=dt.date(2005, 3, 3),
        title="小结会",
    )
    with pytest.raises(TransitionError, match="已批准"):
        record_transition_meeting(actor=cast.user("unit_head"), application=app, meeting=meeting)
    assert TransitionApplication.objects.get(pk=app.pk).meeting is None
