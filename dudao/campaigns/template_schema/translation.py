"""Turning pydantic errors into Chinese messages with field paths, and the small parsing helpers
validation uses."""

from __future__ import annotations

import re
import typing
from typing import Any

from pydantic import (
    BaseModel,
    ValidationError,
)

from .base import Strict, TemplateError

# --- error translation -------------------------------------------------------------------------

_MESSAGES = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不认识的字段（检查拼写，或删去）",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "bool_type": "应为 true 或 false",
    "list_type": "应为列表（每项以“- ”开头，或写成 [a, b]）",
    "dict_type": "应为键值映射（key: value）",
    "model_type": "应为键值映射（key: value）",
    "model_attributes_type": "应为键值映射（key: value）",
    "string_pattern_mismatch": "编码只能用小写字母、数字、下划线和连字符，且以字母开头",
    "string_too_short": "不能为空",
    "string_too_long": "太长，最多 {max_length} 个字符",
    "too_short": "至少需要 {min_length} 项",
    "greater_than": "应为大于 {gt} 的数字",
    "greater_than_equal": "应为不小于 {ge} 的数字",
    "less_than": "应为小于 {lt} 的数字",
    "less_than_equal": "应为不大于 {le} 的数字",
    "literal_error": "只能取 {expected} 之一",
}


def _loc_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _ctx_value(key: str, value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if key == "expected" and isinstance(value, str):
        # pydantic says "'a', 'b' or 'c'"; show "a、b、c".
        return "、".join(v.strip().strip("'") for v in re.split(r", | or ", value))
    return value


def _translate(err: dict) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    template = _MESSAGES.get(kind)
    if template is None:
        return f"不符合要求（{err['msg']}），实际为 {_show(err.get('input'))}"
    message = template.format(**{k: _ctx_value(k, v) for k, v in ctx.items()})
    if kind not in {"missing", "extra_forbidden"} and "input" in err:
        message += f"，实际为 {_show(err['input'])}"
    return message


def _parse(model: type[Strict], raw: Any, prefix: tuple, errors: list[TemplateError]):
    """Validate one piece; on failure add its errors (with their full path) and return None."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for e in exc.errors():
            message = _translate(e)
            if e["type"] == "extra_forbidden":
                allowed = _allowed_keys(model, tuple(e["loc"])[:-1])
                if allowed:
                    message = f"不认识的字段“{e['loc'][-1]}”（检查拼写，或删去）；此处可用的字段：{'、'.join(allowed)}"
            errors.append(TemplateError(_loc_path(prefix + tuple(e["loc"])), message))
        return None


def _model_in(annotation) -> type[BaseModel] | None:
    """The model an annotation holds (through Optional, list, dict and Annotated), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names of the model found at ``loc`` inside ``model`` (list indexes and dict
    keys skipped)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return []
        if isinstance(part, int) or part not in current.model_fields:
            continue
        current = _model_in(current.model_fields[part].annotation)
    return list(current.model_fields) if current is not None else []


def _duplicates(
    items, what: str, path: str, errors: list[TemplateError], field: str | None = "code"
) -> None:
    """Report repeated values. ``items`` is a list of values, or of (index, value) pairs when
    some entries failed to parse and the indexes must still match the file."""
    pairs = list(items.items()) if isinstance(items, dict) else list(enumerate(items))
    seen: dict[Any, int] = {}
    for i, value in pairs:
        if value in seen:
            where = f"{path}[{i}].{field}" if field else f"{path}[{i}]"
            errors.append(TemplateError(where, f"{what}“{value}”与第 {seen[value] + 1} 项重复"))
        else:
            seen[value] = i


def _list_of(raw: Any, key: str) -> list:
    value = raw.get(key) if isinstance(raw, dict) else None
    return value if isinstance(value, list) else []
