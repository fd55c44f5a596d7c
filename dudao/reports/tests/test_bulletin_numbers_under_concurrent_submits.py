"""Two submits of "新建简报" at the same moment, on separate connections: the same form twice
makes one bulletin; two offices' forms get consecutive numbers, never the same one. Needs a
database with concurrent writers (PostgreSQL); SQLite's one writer serialises them anyway."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from dudao.reports import actions
from dudao.reports.models import Bulletin

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
    ),
]


def _race(cast, tokens):
    from django.db import connections

    barrier = threading.Barrier(len(tokens))
    errors = []

    def submit(token):
        try:
            barrier.wait()
            actions.create_bulletin(
                actor=cast.user("office"),
                campaign=cast.campaign,
                issued_on=dt.date(2005, 2, 1),
                token=token,
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_the_same_form_twice_makes_one_bulletin(cast2005):
    _race(cast2005, ["same", "same"])
    assert list(Bulletin.objects.values_list("number", flat=True)) == [1]


def test_two_forms_get_consecutive_numbers(cast2005):
    _race(cast2005, ["one", "two", "three"])
    assert sorted(Bulletin.objects.values_list("number", flat=True)) == [1, 2, 3]
