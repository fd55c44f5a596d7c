"""What the campaign template says about reports: the figures it reports (``reports.tallies``:
key, code, label, params) and its bulletin's masthead. A template without a ``reports``
section (an older file, the test cast's minimal template) reports every registered tally under
its own label."""

from __future__ import annotations

from dataclasses import dataclass

from .registry import TallyDef, all_tallies, get_tally


@dataclass(frozen=True)
class Figure:
    code: str
    label: str
    tally: TallyDef
    params: dict[str, list[str]]

    @property
    def section(self) -> str:
        return self.tally.section

    @property
    def unit_of_measure(self) -> str:
        return self.tally.unit_of_measure


def figures(template: dict) -> list[Figure]:
    section = (template or {}).get("reports")
    if not section:
        return [Figure(t.key, t.label, t, dict(t.defaults)) for t in all_tallies().values()]
    out = []
    for entry in section["tallies"]:
        tally = get_tally(entry["key"])
        if tally is None:  # validated on load; a tally removed since is left out
            continue
        params = {**tally.defaults, **(entry.get("params") or {})}
        out.append(Figure(entry.get("code") or entry["key"], entry["label"], tally, params))
    return out


def figure(template: dict, code: str) -> Figure | None:
    return next((f for f in figures(template) if f.code == code), None)


DEFAULT_BULLETIN = {"masthead": "工作简报", "sponsor": "活动办公室", "items": ["week_facts"]}


def bulletin_spec(template: dict) -> dict:
    section = (template or {}).get("reports") or {}
    return {**DEFAULT_BULLETIN, **(section.get("bulletin") or {})}
