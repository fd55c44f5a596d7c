"""One evaluator per requirement kind (template_schema.REQUIREMENT_KINDS), one module per family.

Each evaluator registers itself with the engine (``@register_kind("code")``), has the signature
``(ctx, req, phase, units) -> {participation_id: result}`` and runs a fixed number of aggregate
queries over all ``units`` (the units evaluated in ``phase``). ``req`` is the requirement as
stored in the template (code, name, kind, params, scope, applies_to, step, blocking, source).
Messages are for people: Chinese, with the numbers. Records and documents are read through
``..ports`` (their apps sit above this one); evidence names its record
(``Evidence.target``) and the view layer makes the link.

A new family is a new module here, imported below.
"""

from __future__ import annotations

from ..engine import EVALUATORS, make
from . import discussion, documents, knowledge, meetings, research, study, surveys

__all__ = [
    "EVALUATORS",
    "discussion",
    "documents",
    "knowledge",
    "make",
    "meetings",
    "research",
    "study",
    "surveys",
]
