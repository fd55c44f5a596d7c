"""Real threads against the database: one code submitted 50 times at once counts once; 1,000
different codes submitted concurrently count 1,000.

The in-memory SQLite test database cannot be shared by threads; with DUDAO_SQLITE_TEST_PATH
set (a file database, IMMEDIATE transactions) these tests run on SQLite too."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from dudao.surveys import actions
from dudao.surveys.models import SurveyCode, Tally
from dudao.surveys.tests.helpers import build_cast_2005, close, open_round

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor == 'sqlite' and not os.environ.get('DUDAO_SQLITE_TEST_PATH')",
        reason="内存中的 SQLite 测试库不能由多个线程共用：请在 PostgreSQL 上运行，"
        "或设置 DUDAO_SQLITE_TEST_PATH 使用文件库",
    ),
]

GOOD = {"found_problems": "找准抓住了", "formality": "扎实认真"}
assert os  # used by the skip condition


def _submit(code: str, barrier: threading.Barrier | None = None):
    try:
        if barrier is not None:
            barrier.wait()
        return actions.submit_ballot(code=code, answers=GOOD).status
    finally:
        connections.close_all()


def _counted(round_) -> dict[str, int]:
    totals: dict[str, int] = {}
    for question, count in Tally.objects.filter(round=round_).values_list("question", "count"):
        totals[question] = totals.get(question, 0) + count
    return totals


def test_it_counts_one_code_submitted_fifty_times_at_once_only_once():
    cast = build_cast_2005()
    round_, (code,) = open_round(cast, codes=1)
    barrier = threading.Barrier(50)
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(lambda _i: _submit(code, barrier), range(50)))
    assert statuses.count("counted") == 1
    assert statuses.count("used") == 49
    assert _counted(round_) == {"found_problems": 1, "formality": 1}
    assert connection.vendor in ("postgresql", "sqlite")


def test_it_counts_a_thousand_different_codes_submitted_concurrently_exactly_a_thousand():
    cast = build_cast_2005()
    round_, codes = open_round(cast, codes=1000)
    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(_submit, codes))
    assert statuses.count("counted") == 1000
    assert _counted(round_) == {"found_problems": 1000, "formality": 1000}
    assert SurveyCode.objects.filter(round=round_, used=True).count() == 1000
    close(cast, round_)


def test_closing_while_ballots_arrive_counts_only_acknowledged_ballots():
    cast = build_cast_2005()
    round_, codes = open_round(cast, codes=200)
    with ThreadPoolExecutor(max_workers=20) as pool:
        futures = [pool.submit(_submit, c) for c in codes]
        actions.close_round(actor=cast.user("office"), round_=round_)
        connections.close_all()
        statuses = [f.result() for f in futures]
    acknowledged = statuses.count("counted")
    assert set(statuses) <= {"counted", "closed"}
    assert _counted(round_) == {"found_problems": acknowledged, "formality": acknowledged}
    assert SurveyCode.objects.filter(round=round_, used=True).count() == acknowledged
