from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from dudao.core.audit import record_event, verify_chain
from dudao.core.models import AuditEvent


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "connection.vendor == 'sqlite'",
    reason="in-memory SQLite test database is shared-cache; writers are serialised anyway",
)
def test_it_keeps_one_unbroken_chain_when_actions_append_concurrently():
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for i in range(15):
                with transaction.atomic():
                    record_event(
                        actor=None, action="test.concurrent", target_type="w", target_id=f"{n}-{i}"
                    )
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEvent.objects.count() == 60
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, 61)
    )
    assert verify_chain() == (60, None)
    assert connection.vendor == "postgresql"
