"""The names of the tallies a template's ``reports`` section may choose (issue 14, item 1).

The tallies themselves (what they count, and how) are declared by the reports app
(``dudao.reports.tallies``) and by any record-keeping app above this layer, each with one
``register_tally`` call; each declaration also puts its key here, so the template schema — which
sits below those apps — can refuse an unknown key with a message in Chinese. Nothing here
imports an app.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# What a parameter's values name: the template section they must be defined in (checked on
# load), or None for a fixed list of values the tally itself knows (``choices``).
REFERENCE_SECTIONS = {
    "session_kind": ("session_kinds", "学习形式"),
    "meeting_kind": ("meeting_kinds", "会议类型"),
    "document_kind": ("document_kinds", "文书种类"),
    "instrument": ("survey_instruments", "测评"),
}


@dataclass(frozen=True)
class TallyParam:
    """A list-valued parameter: ``refers`` names a template section (REFERENCE_SECTIONS) whose
    codes it holds, or ``choices`` the fixed values it may hold ({code: 中文})."""

    refers: str | None = None
    choices: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TallyKey:
    key: str
    label: str
    params: dict[str, TallyParam] = field(default_factory=dict)


_KEYS: dict[str, TallyKey] = {}


def register_tally_key(key: str, *, label: str, params: dict[str, TallyParam] | None = None):
    _KEYS[key] = TallyKey(key=key, label=label, params=dict(params or {}))
    return _KEYS[key]


def tally_keys() -> dict[str, TallyKey]:
    return dict(_KEYS)
