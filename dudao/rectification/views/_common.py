"""Helpers shared by the rectification pages: the page size, form errors as one message,
today, and each item's light and class name."""

from __future__ import annotations

from django.utils import timezone

from .. import rules

PAGE_SIZE = 100


def _form_errors(form) -> str:
    parts = []
    for key, errors in form.errors.items():
        label = form.fields[key].label if key in form.fields else ""
        parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return "；".join(parts)


def _today():
    return timezone.localdate()


def _with_lights(items, template, today):
    """Each item's light (from the SQL annotation when the list has one) and class name."""
    names = dict(rules.class_choices(template))
    for item in items:
        item.light_code = getattr(item, "light", None) or rules.light(
            template,
            status=item.status,
            rect_class=item.rect_class,
            deadline=item.deadline,
            today=today,
        )
        item.class_name = names.get(item.rect_class, item.rect_class)
    return items
