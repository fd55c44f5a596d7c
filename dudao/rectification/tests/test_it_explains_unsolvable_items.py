"""不能解决: a written explanation to the public, carried over where the template says so."""

from __future__ import annotations

import pytest

from dudao.core.errors import DomainError
from dudao.rectification import actions
from dudao.rectification.models import ItemStatus

from .helpers import new_item

pytestmark = pytest.mark.django_db


def test_it_records_the_explanation_and_carries_the_item_over(cast2005):
    item = new_item(cast2005)
    with pytest.raises(DomainError):
        actions.explain_item(actor=cast2005.user("liaison"), item=item, explanation=" ")
    actions.explain_item(
        actor=cast2005.user("liaison"),
        item=item,
        explanation="涉及市级编制调整，本单位无权决定，已向市编办反映。",
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.EXPLAINED
    assert item.carried_over is True  # 2005 template: carry_over_unsolvable: true


def test_it_does_not_carry_over_where_the_template_says_not(db):
    from dudao.campaigns.template_loader import load_builtin_template
    from dudao.testing import build_cast

    cast = build_cast(template=load_builtin_template("qunzhong-luxian-2014"))
    item = new_item(cast)
    actions.explain_item(actor=cast.user("liaison"), item=item, explanation="政策有明确规定")
    item.refresh_from_db()
    assert item.carried_over is False
