from __future__ import annotations

import pytest

from dudao.surveys.tests.helpers import build_cast_2005


@pytest.fixture
def cast05(db):
    """The test cast on the 2005 template (its real survey instruments and rules)."""
    return build_cast_2005()
