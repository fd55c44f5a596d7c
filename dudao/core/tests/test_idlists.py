"""``in_ids``: a long id list as one bound value selects the same rows as the plain list."""

from __future__ import annotations

import pytest
from django.db.models.expressions import RawSQL

from dudao.core.audit import record_event
from dudao.core.idlists import LONG_LIST, in_ids
from dudao.core.models import AuditEvent


def test_a_short_list_stays_a_list():
    assert in_ids([3, 1, 2]) == [3, 1, 2]
    assert in_ids(range(LONG_LIST)) == list(range(LONG_LIST))


def test_a_long_list_is_one_bound_value():
    value = in_ids(range(LONG_LIST + 1))
    assert isinstance(value, RawSQL)
    assert len(value.params) == 1


@pytest.mark.django_db
def test_a_long_list_selects_what_the_plain_list_selects():
    ids = [
        record_event(actor=None, action="demo.test", target_type="x", target_label=f"第{i}条").pk
        for i in range(5)
    ]
    wanted = [ids[1], ids[3], *range(10**9, 10**9 + LONG_LIST)]  # long: mostly absent ids
    got = set(AuditEvent.objects.filter(pk__in=in_ids(wanted)).values_list("pk", flat=True))
    assert got == {ids[1], ids[3]}
    plain = AuditEvent.objects.filter(pk__in=in_ids(wanted[:2]))
    assert set(plain.values_list("pk", flat=True)) == got
