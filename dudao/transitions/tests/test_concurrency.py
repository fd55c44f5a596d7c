"""A forward and a remedial order on one application at the same moment: one wins, the other
is told who decided and when, and the audit trail holds exactly the winner's event."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from dudao.core.audit import verify_chain
from dudao.core.errors import TransitionError
from dudao.core.models import AuditEvent
from dudao.testing import build_cast
from dudao.transitions.actions import forward_application, order_remedial_work
from dudao.transitions.models import ApplicationStatus, RemedialOrder, TransitionApplication

from .helpers import apply


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "connection.vendor == 'sqlite'",
    reason="in-memory SQLite test database is shared-cache; writers are serialised anyway",
)
@pytest.mark.parametrize("repeat", range(5))
def test_it_leaves_exactly_one_decision_when_forward_and_remedial_race(repeat):
    cast = build_cast()
    app = apply(cast)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def run(name, fn):
        try:
            barrier.wait()
            outcomes[name] = fn()
        except TransitionError as exc:
            outcomes[name] = exc
        except BaseException as exc:  # surfaced by the assertions below
            outcomes[name] = ("crash", exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=run,
            args=(
                "forward",
                lambda: forward_application(
                    actor=cast.user("group_leader"), application=app, expected_version=1
                ),
            ),
        ),
        threading.Thread(
            target=run,
            args=(
                "remedial",
                lambda: order_remedial_work(
                    actor=cast.user("group_leader"),
                    application=app,
                    reason="学习走过场",
                    work="重新组织集中学习",
                    expected_version=1,
                ),
            ),
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    errors = [v for v in outcomes.values() if isinstance(v, TransitionError)]
    crashes = [v for v in outcomes.values() if isinstance(v, tuple)]
    assert not crashes, crashes
    assert len(errors) == 1, outcomes
    app = TransitionApplication.objects.get(pk=app.pk)
    assert app.version == 2
    decisions = AuditEvent.objects.filter(
        action__in=["transition.forward", "transition.remedial"]
    ).values_list("action", flat=True)
    assert len(decisions) == 1
    if isinstance(outcomes["forward"], TransitionError):
        assert app.status == ApplicationStatus.REMEDIAL
        assert list(decisions) == ["transition.remedial"]
        assert RemedialOrder.objects.count() == 1
        assert "刘振华已于" in errors[0].message and "责令补课" in errors[0].message
    else:
        assert app.status == ApplicationStatus.FORWARDED
        assert list(decisions) == ["transition.forward"]
        assert not RemedialOrder.objects.exists()
        assert "刘振华已于" in errors[0].message and "转报活动办" in errors[0].message
    assert verify_chain()[1] is None
    assert connection.vendor == "postgresql"
