from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from .helpers import apply, timed_cast

pytestmark = pytest.mark.django_db


def test_it_lists_overdue_units_and_applications_waiting_too_long(db):
    cast = timed_cast()
    with time_machine.travel(dt.datetime(2005, 3, 1, 10, tzinfo=dt.UTC)):
        apply(cast)
    out = StringIO()
    with time_machine.travel(dt.datetime(2005, 3, 12, 10, tzinfo=dt.UTC)):
        call_command("transition_delays", stdout=out)
    text = out.getvalue()
    assert "阶段超期 3 个单位" in text and "等待超过 7 天 1 份" in text
    assert "东城区财政局  在督导组已等待 11 天" in text
    assert "超期  东城区教育局  学习动员  应于 2005-03-09 完成，已超 3 天" in text
