"""Helpers for the apps that consume templates."""

from __future__ import annotations

from fractions import Fraction

from .base import parse_fraction

# --- helpers for the issues that consume templates --------------------------------------------


def survey_rule_passes(rule: dict, *, counted: int, total: int) -> bool:
    """Decide one question's tally under a template rule (the dumped ``rule`` dict).

    ``counted`` is the number of answers among the question's ``satisfied`` options for
    ``satisfied_share_at_least``, or among ``rule.options`` for ``remedial_when_share_above``.
    Exact arithmetic: with threshold 2/3, 20 of 30 passes; with 1/2, 15 of 30 is not "more
    than half" and needs no remedial work.
    """
    if total <= 0:
        raise ValueError("total must be positive")
    if rule["kind"] == "report_only":
        return True
    share = Fraction(counted, total)
    threshold = parse_fraction(rule["threshold"])
    if rule["kind"] == "satisfied_share_at_least":
        return share >= threshold
    return share <= threshold
