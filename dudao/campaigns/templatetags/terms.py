"""``{% term "group" %}``: the campaign's word for a thing (dudao.campaigns.terms).

Registered as a template builtin (settings TEMPLATES builtins), so pages need no ``{% load %}``.
The tag finds the campaign in the page's context (``campaign``, ``participation``, ``p`` …);
``{% term "group" of=obj %}`` names the object explicitly.
"""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

from dudao.campaigns.terms import Terms, terms_in_context, terms_of
from dudao.campaigns.terms import reword as reword_text

register = template.Library()


@register.simple_tag(takes_context=True)
def term(context, key: str, of=None):
    if of is not None:
        return terms_of(of)[key]
    return terms_in_context(context)[key]


@register.simple_tag(takes_context=True)
def reword(context, value):
    """``{% reword app.get_status_display %}``: a label written in today's wording, in the
    campaign's terms."""
    return _reworded(value, terms_in_context(context))


def _reworded(value, terms):
    """Safe HTML (a form's ``as_p``) stays safe: the words put in are escaped."""
    if isinstance(value, SafeData):
        escaped = Terms({k: escape(v) for k, v in terms.items()})
        return mark_safe(reword_text(value, escaped))  # noqa: S308 - input safe, words escaped
    return reword_text(value, terms)


@register.filter(name="reword")
def reword_filter(value, obj):
    """``{{ label|reword:campaign }}``."""
    return _reworded(value, terms_of(obj))


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
