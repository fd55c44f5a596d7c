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
