from __future__ import annotations

import pytest


@pytest.fixture
def cast(db):
    from dudao.core.testing import build_cast

    return build_cast()
