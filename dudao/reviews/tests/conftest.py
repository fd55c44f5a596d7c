from __future__ import annotations

import pytest

from dudao.campaigns.template_loader import load_builtin_template
from dudao.testing import build_cast


@pytest.fixture
def cast05(db):
    """The test cast on the 2005 template (real document kinds, checklists, review rounds)."""
    return build_cast(template=load_builtin_template("xianjinxing-2005"))
