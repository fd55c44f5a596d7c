"""``{% term "group" %}``: the campaign's word for a thing (dudao.campaigns.terms).

Registered as a template builtin (settings TEMPLATES builtins), so pages need no ``{% load %}``.
The tag finds the campaign in the page's context (``campaign``, ``participation``, ``p`` …);
``{% term "group" for obj %}`` names the object explicitly.
"""

from __future__ import annotations

from django import template

from dudao.campaigns.terms import reword as reword_text
from dudao.campaigns.terms import terms_in_context, terms_of

register = template.Library()


@register.simple_tag(takes_context=True)
def term(context, key: str, _for: str | None = None, obj=None):
    if _for == "for" and obj is not None:
        return terms_of(obj)[key]
    return terms_in_context(context)[key]


@register.simple_tag(takes_context=True)
def reword(context, value):
    """``{% reword app.get_status_display %}``: a label written in today's wording, in the
    campaign's terms."""
    return reword_text(value, terms_in_context(context))


@register.filter(name="reword")
def reword_filter(value, obj):
    """``{{ label|reword:campaign }}``."""
    return reword_text(value, terms_of(obj))


@register.simple_tag(takes_context=True)
def report_sections(context, report):
    """``{% report_sections report as sections %}``: the report by measure and step
    (dudao.campaigns.report_layout), for the campaign the page is about."""
    from dudao.campaigns.report_layout import report_sections as layout
    from dudao.campaigns.terms import CONTEXT_NAMES, _template_of

    template = None
    for name in CONTEXT_NAMES:
        template = _template_of(context.get(name))
        if template is not None:
            break
    results = report.get("results") if isinstance(report, dict) else report.results
    phase = report.get("phase") if isinstance(report, dict) else report.phase
    return layout(results or [], template.data if template else {}, phase)
