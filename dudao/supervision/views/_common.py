"""Helpers shared by the supervision pages: form errors as one message, today, a link that
may not resolve."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils import timezone


def _form_errors(form) -> str:
    parts = []
    for key, errors in form.errors.items():
        label = form.fields[key].label if key in form.fields else ""
        parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return "；".join(parts)


def _today():
    return timezone.localdate()


def _link(url_name: str, args) -> str:
    try:
        return reverse(url_name, args=list(args))
    except NoReverseMatch:
        return ""
