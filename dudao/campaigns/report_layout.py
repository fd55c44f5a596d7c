"""A requirement report laid out as the template is: by measure (when a stage runs several in
parallel) and by step, with progress per measure. Sequential phases without measures get one
section whose rows are grouped by step (or one flat list when the phase names no steps)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class StepRows:
    code: str | None
    name: str
    results: list = field(default_factory=list)


@dataclass
class Section:
    code: str | None
    name: str
    steps: list[StepRows] = field(default_factory=list)
    passed: int = 0
    total: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.passed / self.total) if self.total else 100

    @property
    def done(self) -> bool:
        return self.passed == self.total


def phase_of(template_data: dict, code: str) -> dict:
    for phase in template_data.get("phases", []):
        if phase.get("code") == code:
            return phase
    return {}


def report_sections(results, template_data: dict, phase_code: str) -> list[Section]:
    """``results`` (RequirementResult or snapshot dicts) in sections by measure, then step."""
    phase = phase_of(template_data or {}, phase_code)
    measures = phase.get("measures") or []
    measure_of = {r["code"]: r.get("measure") for r in phase.get("requirements", [])}
    step_names = {s["code"]: s["name"] for s in phase.get("steps", [])}
    order = [None] + [m["code"] for m in measures]
    sections = {None: Section(None, "")}
    for m in measures:
        sections[m["code"]] = Section(m["code"], m["name"])
    step_order = {s["code"]: i for i, s in enumerate(phase.get("steps", []))}

    def get(obj, key):
        return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)

    for r in results:
        section = sections.get(measure_of.get(get(r, "code"))) or sections[None]
        step = get(r, "step")
        rows = next((s for s in section.steps if s.code == step), None)
        if rows is None:
            rows = StepRows(step, step_names.get(step, "") if step else "")
            section.steps.append(rows)
        rows.results.append(r)
        section.total += 1
        section.passed += get(r, "status") == "passed"
    for section in sections.values():
        section.steps.sort(key=lambda s: step_order.get(s.code, len(step_order)))
    return [sections[c] for c in order if sections[c].total or c is not None]
