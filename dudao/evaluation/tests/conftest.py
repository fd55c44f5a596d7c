from __future__ import annotations

import pytest


@pytest.fixture
def cast2005(db):
    """The test cast on the shipped 2005 template (民主评议, 组织处理, self-analysis tests)."""
    from dudao.campaigns.template_loader import load_builtin_template
    from dudao.testing import build_cast

    return build_cast(template=load_builtin_template("xianjinxing-2005"))


@pytest.fixture
def cast2014(db):
    """The test cast on the shipped 2014 template (四必谈)."""
    from dudao.campaigns.template_loader import load_builtin_template
    from dudao.testing import build_cast

    return build_cast(template=load_builtin_template("qunzhong-luxian-2014"))
