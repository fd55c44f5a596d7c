"""Fixtures of the access-matrix and fuzz tests."""

from __future__ import annotations

import pytest
from django.db import transaction

from dudao.campaigns.template_loader import load_builtin_template
from dudao.testing import build_cast


@pytest.fixture(scope="module")
def shared_cast(django_db_setup, django_db_blocker):
    """One cast for the module inside an outer transaction that is rolled back at the end; every
    test's own ``db`` transaction nests inside it as a savepoint."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # The 2005 template: its document kinds and survey instruments give the review and
            # survey rows something to act on.
            yield build_cast(template=load_builtin_template("xianjinxing-2005"))
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def mcast(shared_cast, db):
    return shared_cast
