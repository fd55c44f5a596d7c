"""Helpers shared by the endpoints that take input: the JSON body, form data as text, cleaned
input, permits and choices."""

from __future__ import annotations

from django import forms

from dudao.core.errors import AccessDenied

from .base import FormRejected, _form_errors

# --- shared by the workflow endpoints ------------------------------------------------------------


JSON_OBJECT = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "additionalProperties": True, "title": "表单字段"}
            }
        },
    }
}


def _json_object(request) -> dict:
    import json

    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise FormRejected([{"field": "", "label": "请求", "message": "不是有效的 JSON"}]) from None
    if not isinstance(data, dict):
        raise FormRejected([{"field": "", "label": "请求", "message": "应为 JSON 对象"}])
    return data


def _dates_as_text(form) -> None:
    """A JSON body's date and time values as text before the form reads them: Django's date
    and time fields strip their input and fail with a server error on a number (20050201) or a
    list. A number becomes its digits (then refused by the field in Chinese); a list or an
    object is refused here."""
    data = dict(form.data)
    for name, field in form.fields.items():
        value = data.get(name)
        if value is None or isinstance(value, str):
            continue
        if not isinstance(field, forms.fields.BaseTemporalField):
            continue
        if isinstance(value, (list, dict)):
            raise FormRejected(
                [{"field": name, "label": str(field.label or name), "message": "应为文本"}]
            )
        data[name] = str(value)
    form.data = data


def _clean(form) -> dict:
    """The form's cleaned data, or a 422 naming each field in Chinese."""
    _dates_as_text(form)
    if not form.is_valid():
        raise FormRejected(_form_errors(form))
    return form.cleaned_data


def _require(permits, action: str) -> None:
    """As the pages: 403 with the reason when the caller does not hold the role for ``action``;
    a refusal by state goes on to the action, which says who decided first (409)."""
    if not permits.may(action) and not permits.refused_by_state(action):
        raise AccessDenied(permits.reason(action))


def _pick(payload: dict, key: str, choices: tuple[str, ...]) -> str:
    value = payload.get(key)
    if value not in choices:
        raise FormRejected(
            [{"field": key, "label": key, "message": f"应为 {'、'.join(choices)} 之一"}]
        )
    return value
