"""What the campaign template says about rectification, and the light of an item.

Every number of days comes from the template's ``rectification`` section; a template without
one (an older file, the test cast's minimal template) uses :data:`DEFAULT_SPEC`, which is the
2005 template's section.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .models import RectClass

DEFAULT_SPEC = {
    "classes": [
        {"code": "immediate", "name": "立即整改", "default_days": 7, "yellow_days_left": 2},
        {"code": "near_term", "name": "近期整改", "default_days": 30, "yellow_days_left": 7},
        {"code": "gradual", "name": "逐步整改", "default_days": 180, "yellow_days_left": 15},
    ],
    "close_signoff": ["unit_head", "group"],
    "remind_before_days": [3],
    "escalation": [
        {"days_overdue": 1, "to": "owner"},
        {"days_overdue": 7, "to": "unit_head"},
        {"days_overdue": 14, "to": "group"},
        {"days_overdue": 30, "to": "office"},
    ],
    "carry_over_unsolvable": True,
    "plan_documents": {
        "personal_rectification_plan": "individual",
        "grassroots_rectification_plan": "organisation",
        "organ_rectification_plan": "leadership",
    },
    "look_back_document": "look_back_report",
    "source": "seed 001",
}

SIGNOFF_LABELS = {"unit_head": "单位主要负责人", "group": "督导组", "office": "活动办公室"}

RED, YELLOW, GREEN = "red", "yellow", "green"
LIGHT_LABELS = {RED: "红灯（逾期）", YELLOW: "黄灯（临期）", GREEN: "绿灯"}
LIGHTS = (RED, YELLOW, GREEN)


def spec_of(template) -> dict:
    """The rectification section of a template (a CampaignTemplate or its data dict)."""
    data = template.data if hasattr(template, "data") else (template or {})
    return data.get("rectification") or DEFAULT_SPEC


@dataclass(frozen=True)
class ClassRule:
    code: str
    name: str
    default_days: int
    yellow_days_left: int


def classes(template) -> dict[str, ClassRule]:
    return {c["code"]: ClassRule(**c) for c in spec_of(template)["classes"]}


def class_choices(template) -> list[tuple[str, str]]:
    rules = classes(template)
    return [(c.value, rules[c.value].name if c.value in rules else c.label) for c in RectClass]


def default_deadline(template, rect_class: str, start: dt.date) -> dt.date:
    return start + dt.timedelta(days=classes(template)[rect_class].default_days)


def signoff_roles(template) -> list[str]:
    return list(spec_of(template)["close_signoff"])


def light(template, *, status: str, rect_class: str, deadline: dt.date, today: dt.date) -> str:
    """Red: past its deadline and not done. Yellow: at most ``yellow_days_left`` days left.
    Green: done (closed or explained), or time enough left. Mirrors ``selectors.light_case``."""
    if status in ("closed", "explained"):
        return GREEN
    days_left = (deadline - today).days
    if days_left < 0:
        return RED
    if days_left <= classes(template)[rect_class].yellow_days_left:
        return YELLOW
    return GREEN


def special_areas(template) -> list[dict]:
    """The named areas of special rectification (专项整治) the template's ``rectification_areas``
    requirements list, in their order, each once: ``[{"code", "name"}, …]``. Wherever the
    requirement sits (a phase, or a measure of a stage), the areas are read from it."""
    data = template.data if hasattr(template, "data") else (template or {})
    found: dict[str, dict] = {}

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("kind") == "rectification_areas":
                for area in (node.get("params") or {}).get("areas") or []:
                    found.setdefault(area["code"], {"code": area["code"], "name": area["name"]})
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data.get("phases") or [])
    return list(found.values())


def plan_documents(template) -> dict[str, str]:
    """{document kind: item level} of the kinds that are rectification plans (template)."""
    data = template.data if hasattr(template, "data") else (template or {})
    kinds = {d["code"] for d in data.get("document_kinds", [])}
    spec = spec_of(template).get("plan_documents") or {}
    return {k: v for k, v in spec.items() if k in kinds}


def look_back_document(template) -> str | None:
    """The document kind of the 回头看 result, when the template names one it has."""
    data = template.data if hasattr(template, "data") else (template or {})
    kinds = {d["code"] for d in data.get("document_kinds", [])}
    kind = spec_of(template).get("look_back_document")
    return kind if kind in kinds else None


def plan_passages(text: str, *, shortest: int = 8) -> list[str]:
    """The passages of a plan a person can pick as items: its paragraphs as written (one per
    line of the extracted text), without blank lines and headings shorter than ``shortest``."""
    return [line.strip() for line in (text or "").splitlines() if len(line.strip()) >= shortest]
