from __future__ import annotations

import pytest


@pytest.fixture
def cast2005(db):
    """The test cast on the shipped 2005 template (its reports section)."""
    from dudao.campaigns.template_loader import load_builtin_template
    from dudao.testing import build_cast

    return build_cast(template=load_builtin_template("xianjinxing-2005"))


@pytest.fixture
def records2005(cast2005):
    from .helpers import seed_records

    return seed_records(cast2005)
