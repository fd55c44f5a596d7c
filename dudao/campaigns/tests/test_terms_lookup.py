"""One lookup for a campaign's words: terms_of() in Python, {% term %} and {% reword %} in pages."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe

from dudao.campaigns.template_loader import load_builtin_template
from dudao.campaigns.terms import DEFAULT_TERMS, TERM_DEFAULTS, reword, terms_of
from dudao.testing import build_cast

pytestmark = pytest.mark.django_db


def _render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_the_shipped_campaigns_keep_todays_wording():
    for code in ("xianjinxing-2005", "qunzhong-luxian-2014"):
        assert dict(terms_of(load_builtin_template(code))) == TERM_DEFAULTS
    assert terms_of(None) is DEFAULT_TERMS
    assert reword("待督导组审核", terms_of(None)) == "待督导组审核"


def test_a_template_renames_what_it_names_and_keeps_the_rest():
    cast = build_cast(template=load_builtin_template("buwang-chuxin-2019"))
    terms = terms_of(cast.campaign)
    assert terms["group"] == "指导组" and terms.group == "指导组"
    assert terms["remedial"] == "补课"  # not renamed: today's word
    assert terms_of(cast.group1)["group"] == "指导组"  # found through the group's campaign
    with pytest.raises(KeyError):
        terms["supervisor"]


def test_the_tag_finds_the_campaign_in_the_page():
    cast = build_cast(template=load_builtin_template("buwang-chuxin-2019"))
    page = '新建{% term "group" %} · {% term "application" %}'
    assert _render(page, campaign=cast.campaign) == "新建指导组 · 总结评估申请"
    assert _render('{% term "group" of=g %}', g=cast.group1) == "指导组"
    assert _render('{% term "group" %}', group=cast.group1) == "指导组"
    assert _render('{% term "group" %}') == "督导组"


def test_labels_in_todays_wording_are_reworded_longest_first():
    cast = build_cast(template=load_builtin_template("buwang-chuxin-2019"))
    terms = terms_of(cast.campaign)
    assert reword("督导组审核后转报活动办", terms) == "指导组审核后转报主题教育办"
    assert reword("转段申请已提交，等待督导组审核", terms) == "总结评估申请已提交，等待指导组审核"
    assert reword("活动办公室", terms) == "主题教育领导小组办公室"
    html = mark_safe("<label>督导组审核意见</label>")
    out = _render("{% reword form %}", campaign=cast.campaign, form=html)
    assert out == "<label>指导组审核意见</label>"
    assert _render("{% reword s %}", campaign=cast.campaign, s="<b>督导组</b>") == (
        "&lt;b&gt;指导组&lt;/b&gt;"
    )
