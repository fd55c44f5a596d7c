"""What the campaign template says about opinions (``opinions`` section, template_schema
``OpinionsSpec``): the categories with their keywords and the opinion box's limits."""

from __future__ import annotations

DEFAULT_BOX_DAILY_LIMIT = 200
DEFAULT_DEVICE_DAILY_LIMIT = 5


def _data(template) -> dict:
    data = getattr(template, "data", template) or {}
    return data.get("opinions") or {}


def categories(template) -> list[dict]:
    return list(_data(template).get("categories") or [])


def category_names(template) -> dict[str, str]:
    return {c["code"]: c["name"] for c in categories(template)}


def box_daily_limit(template) -> int:
    return int(_data(template).get("box_daily_limit") or DEFAULT_BOX_DAILY_LIMIT)


def device_daily_limit(template) -> int:
    return int(_data(template).get("box_device_daily_limit") or DEFAULT_DEVICE_DAILY_LIMIT)
