"""Campaign rules are template data: each shipped template has its own opinion categories,
and the section is validated on load (template_schema.OpinionsSpec)."""

from __future__ import annotations

import pytest

from dudao.campaigns.template_loader import load_builtin_template
from dudao.opinions import rules

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "names"),
    [
        ("xianjinxing-2005", ["思想方面", "组织方面", "作风方面", "工作方面"]),
        ("qunzhong-luxian-2014", ["形式主义", "官僚主义", "享乐主义", "奢靡之风"]),
        ("buwang-chuxin-2019", ["理论学习", "思想政治", "干事创业", "为民服务", "清正廉洁"]),
    ],
)
def test_each_template_names_its_own_categories(code, names):
    template = load_builtin_template(code)
    assert list(rules.category_names(template).values()) == names
    assert all(c["keywords"] for c in rules.categories(template))
    assert rules.box_daily_limit(template) >= 1


def test_a_category_code_twice_is_refused():
    from pydantic import ValidationError

    from dudao.campaigns.template_schema import OpinionsSpec

    with pytest.raises(ValidationError):
        OpinionsSpec.model_validate(
            {
                "categories": [{"code": "a", "name": "甲"}, {"code": "a", "name": "乙"}],
                "source": "test",
            }
        )
