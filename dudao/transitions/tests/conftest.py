from __future__ import annotations

import pytest


@pytest.fixture
def cast2005(db):
    """The test cast on the 2005 template: real phases, durations and requirements."""
    from dudao.campaigns.template_loader import load_builtin_template
    from dudao.testing import build_cast

    return build_cast(template=load_builtin_template("xianjinxing-2005"))
