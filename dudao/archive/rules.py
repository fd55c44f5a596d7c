"""What the campaign template says a unit's archive must hold (its ``archive`` section).

A template without one (an older file, the test cast's minimal template) gets a checklist
derived from the template itself: every document kind approved once, the transition out of
every phase but the last decided, and the unit's rectification items all closed.
"""

from __future__ import annotations

from dataclasses import dataclass

KIND_LABELS = {
    "documents": "文书（审核通过）",
    "records": "记录",
    "surveys": "测评（已结束）",
    "decisions": "转段批复",
    "rectification": "整改事项",
}


@dataclass(frozen=True)
class ArchiveLine:
    code: str
    name: str
    kind: str
    phase: str = ""
    document_kind: str = ""
    record_kind: str = ""
    instrument: str = ""
    min_count: int = 1
    all_closed: bool = False


def _data(template) -> dict:
    return template.data if hasattr(template, "data") else (template or {})


def derived_items(data: dict) -> list[dict]:
    items: list[dict] = []
    for doc in data.get("document_kinds") or []:
        items.append(
            {
                "code": f"doc_{doc['code']}",
                "name": f"{doc['name']}（审核通过）",
                "kind": "documents",
                "document_kind": doc["code"],
            }
        )
    phases = data.get("phases") or []
    for phase in phases[:-1]:
        items.append(
            {
                "code": f"decision_{phase['code']}",
                "name": f"{phase['name']}阶段转段批复",
                "kind": "decisions",
                "phase": phase["code"],
            }
        )
    items.append(
        {
            "code": "rectification",
            "name": "整改事项（全部办结或说明情况）",
            "kind": "rectification",
            "all_closed": True,
            "min_count": 0,
        }
    )
    return items


def lines_of(template) -> list[ArchiveLine]:
    data = _data(template)
    section = data.get("archive") or {}
    raw = section.get("items") or derived_items(data)
    fields = ArchiveLine.__dataclass_fields__
    return [ArchiveLine(**{k: v for k, v in item.items() if k in fields}) for item in raw]


def source_of(template) -> str:
    section = _data(template).get("archive") or {}
    return section.get("source", "")


def phase_names(template) -> dict[str, str]:
    return {p["code"]: p["name"] for p in _data(template).get("phases") or []}


def document_names(template) -> dict[str, str]:
    return {d["code"]: d["name"] for d in _data(template).get("document_kinds") or []}


def instrument_names(template) -> dict[str, str]:
    return {s["code"]: s["name"] for s in _data(template).get("survey_instruments") or []}
