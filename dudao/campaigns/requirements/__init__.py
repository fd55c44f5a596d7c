"""The requirements engine: code knows requirement *kinds*, templates choose and parametrise them.

Public interface::

    evaluate_unit(participation, *, phase=None) -> UnitReport
    evaluate_campaign(campaign, *, participation_ids=None, phase=None, only=None, detail=False)
        -> dict[participation_id, UnitReport]

``phase`` None means each unit's current phase. ``only`` limits to requirement codes.
``detail=False`` skips the evidence lists (dashboards need pass/fail and shortfall counts only).
Evaluation is set-based: a fixed number of queries per requirement, whatever the number of
units or members.
"""

from __future__ import annotations

# Importing the kinds registers each evaluator with the engine (engine.register_kind).
from . import kinds  # noqa: F401
from .engine import evaluate_campaign, evaluate_unit, phase_requirements
from .types import Evidence, Exempted, RequirementResult, Shortfall, UnitReport

__all__ = [
    "Evidence",
    "Exempted",
    "RequirementResult",
    "Shortfall",
    "UnitReport",
    "evaluate_campaign",
    "evaluate_unit",
    "phase_requirements",
]
