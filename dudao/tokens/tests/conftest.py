from __future__ import annotations

import pytest


@pytest.fixture
def cast(db):
    """The test cast on the shipped 2005 template (its meeting and session kinds)."""
    from dudao.campaigns.template_loader import load_builtin_template
    from dudao.testing import build_cast

    return build_cast(template=load_builtin_template("xianjinxing-2005"))
