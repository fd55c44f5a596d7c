"""A large campaign's records are written in parts (``demo.activity.parts``): the same demo
whether the parts are written one after the other or side by side."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import os

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction

from dudao.campaigns.models import Campaign
from dudao.core.audit import verify_chain
from dudao.core.models import AuditEvent
from dudao.demo import generator as demo
from dudao.demo.activity import Writer, parts
from dudao.demo.activity.units import U
from dudao.records.models import Attendance, StudySession
from dudao.surveys.models import SurveyCode
from dudao.transitions.models import TransitionApplication

MOMENT = dt.datetime(2026, 11, 20, 7, 30, tzinfo=dt.UTC)


def _unit(i: int, members: int) -> U:
    return U(i, 1000 + i, f"单位{i}", "", 1, [object()] * members, [], None)


def test_it_cuts_the_units_into_runs_of_work_in_their_order_the_first_a_little_longer():
    units = [_unit(i, n) for i, n in enumerate([800, 50, 50, 200, 300, 300, 200, 100])]
    runs = parts.plan_parts(units, 2)
    assert [u for run in runs for u in run] == units
    sizes = [sum(len(u.members) for u in run) for run in runs]
    # A forked part ends with work of its own before the first process can take it over:
    # 55 % of the work for the first, not half.
    assert sizes == [1100, 900]
    # Never an empty run, whatever the sizes.
    assert [len(r) for r in parts.plan_parts([_unit(0, 5000), _unit(1, 1)], 2)] == [1, 1]
    assert len(parts.plan_parts([_unit(0, 10)], 2)) == 1
    assert parts.part_count(999) == 1 and parts.part_count(10000) == 2


def _tables() -> list:
    """Every table the units' records go to, and the audit events."""
    campaign = Campaign.objects.get()
    with transaction.atomic():
        w = Writer(campaign=campaign, template=campaign.template.data, rnd=None, today=None,
                   now=None, office=(0, ""), out=io.StringIO())  # fmt: skip
        transaction.set_rollback(True)
    return [t.model for t in w.tables.order] + [AuditEvent]


def _dump() -> dict:
    found = {}
    for model in _tables():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            # Random by design: one-time codes; the archive bundle (its zip's times) and so
            # the chain's hashes from its export on.
            if not (model is SurveyCode and f.name == "code")
            and not (model is AuditEvent and f.name in ("data", "hash", "prev_hash"))
        ]
        found[model._meta.label_lower] = list(model.objects.order_by("pk").values_list(*fields))
    events = AuditEvent.objects.order_by("seq")
    first_export = events.filter(action="archive.export").values_list("seq", flat=True).first()
    found["chain"] = list(
        events.filter(seq__lt=first_export or 10**9).values_list("data", "hash", "prev_hash")
    )
    return found


def _seed(parallel: bool) -> dict:
    call_command("flush", interactive=False, verbosity=0)
    with time_machine.travel(MOMENT, tick=False):
        demo.seed(scale_name="tiny", seed_value=23, out=io.StringIO(), parts=2, parallel=parallel)
    return _dump()


@pytest.mark.django_db(transaction=True)
def test_the_parts_side_by_side_write_what_they_write_one_after_the_other():
    if connection.vendor != "sqlite" or not hasattr(os, "fork"):
        pytest.skip("parts side by side: SQLite and fork only")
    one_after_the_other = _seed(parallel=False)
    side_by_side = _seed(parallel=True)
    assert side_by_side.keys() == one_after_the_other.keys()
    for label, rows in one_after_the_other.items():
        assert side_by_side[label] == rows, label
    # The second part has ids of its own and really wrote rows, sessions with attendance
    # among them; the audit chain is one unbroken chain.
    second = [
        s for s in StudySession.objects.values_list("pk", flat=True) if s > parts.PART_ID_STRIDE
    ]
    assert second and Attendance.objects.filter(session_id__in=second).exists()
    assert TransitionApplication.objects.filter(pk__gt=parts.PART_ID_STRIDE).exists()
    assert verify_chain()[1] is None
    assert SurveyCode.objects.values("code").distinct().count() == SurveyCode.objects.count()
    # The scratch databases are gone and detached.
    with connection.cursor() as cur:
        cur.execute("PRAGMA database_list")
        assert [row[1] for row in cur.fetchall()] == ["main"]


@pytest.mark.django_db(transaction=True)
def test_a_part_that_fails_fails_the_whole_seed(monkeypatch):
    if connection.vendor != "sqlite" or not hasattr(os, "fork"):
        pytest.skip("parts side by side: SQLite and fork only")
    real = parts.write_units

    def second_part_breaks(w, units, *, first, **kwargs):
        if first > 1:
            raise RuntimeError("磁盘已满")
        return real(w, units, first=first, **kwargs)

    monkeypatch.setattr(parts, "write_units", second_part_breaks)
    with pytest.raises(RuntimeError, match="第 2 部分写入失败(.|\n)*磁盘已满"):
        demo.seed(scale_name="tiny", seed_value=23, out=io.StringIO(), parts=2, parallel=True)
    assert not demo.demo_exists() and not StudySession.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_one_time_code_both_parts_drew_is_drawn_again(monkeypatch):
    if connection.vendor != "sqlite" or not hasattr(os, "fork"):
        pytest.skip("parts side by side: SQLite and fork only")
    from dudao.demo.activity.surveys import SurveysMixin

    drawn = itertools.count(1)

    def same_codes_in_both_parts(self):
        # Both processes count from the same number: every code of the second part is one the
        # first part drew too.
        while True:
            code = f"{next(drawn):08d}"
            if code not in self.codes_seen:
                self.codes_seen.add(code)
                return code

    monkeypatch.setattr(SurveysMixin, "new_code", same_codes_in_both_parts)
    demo.seed(scale_name="tiny", seed_value=23, out=io.StringIO(), parts=2, parallel=True)
    second = SurveyCode.objects.filter(pk__gt=parts.PART_ID_STRIDE)
    assert second.exists()
    assert SurveyCode.objects.values("code").distinct().count() == SurveyCode.objects.count()


@pytest.mark.django_db(transaction=True)
def test_the_parts_one_after_the_other_on_any_database():
    """PostgreSQL (and a one-core machine) write the parts in one process: the second part's
    ids and attendance, one unbroken chain."""
    demo.seed(scale_name="tiny", seed_value=23, out=io.StringIO(), parts=2, parallel=False)
    second = StudySession.objects.filter(pk__gt=parts.PART_ID_STRIDE)
    first = StudySession.objects.filter(pk__lt=parts.PART_ID_STRIDE)
    assert second.exists() and first.exists()
    assert Attendance.objects.filter(session__in=second).exists()
    assert verify_chain()[1] is None
