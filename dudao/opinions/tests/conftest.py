from __future__ import annotations

import pytest


@pytest.fixture
def cast2014(db):
    """The test cast on the shipped 2014 template (the 四风 categories)."""
    from dudao.campaigns.template_loader import load_builtin_template
    from dudao.testing import build_cast

    return build_cast(template=load_builtin_template("qunzhong-luxian-2014"))


@pytest.fixture
def cast2005(db):
    from dudao.campaigns.template_loader import load_builtin_template
    from dudao.testing import build_cast

    return build_cast(template=load_builtin_template("xianjinxing-2005"))
