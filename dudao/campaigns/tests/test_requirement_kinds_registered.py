"""Every requirement kind the template schema admits has an evaluator registered with the engine
(each module of requirements/kinds/ registers its own) and a Chinese label; the engine has no
evaluator for a kind the schema does not know."""

from __future__ import annotations

import re

from dudao.campaigns.requirements.engine import EVALUATORS
from dudao.campaigns.template_schema import REQUIREMENT_KINDS


def test_it_registers_one_evaluator_per_kind_of_the_schema():
    assert set(EVALUATORS) == set(REQUIREMENT_KINDS)


def test_it_names_every_kind_in_chinese():
    for code, kind in REQUIREMENT_KINDS.items():
        assert re.search(r"[\u4e00-\u9fff]", kind.label), code
