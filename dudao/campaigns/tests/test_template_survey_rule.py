"""Thresholds are exact fractions: exactly 2/3 satisfied passes; exactly half is not "more than
half" (seed 004, seed 001)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from dudao.campaigns.template_loader import builtin_template_paths, validate_template_file
from dudao.campaigns.template_schema import parse_fraction, survey_rule_passes


@pytest.fixture(scope="module")
def rules() -> dict:
    path = next(p for p in builtin_template_paths() if p.stem == "xianjinxing-2005")
    data, _errors = validate_template_file(path)
    return {s["code"]: s["rule"] for s in data["survey_instruments"]}


@pytest.mark.parametrize(
    ("text", "value"),
    [("2/3", Fraction(2, 3)), (" 4/6 ", Fraction(2, 3)), ("1", Fraction(1)), (1, Fraction(1))],
)
def test_it_parses_exact_fractions(text, value):
    assert parse_fraction(text) == value


@pytest.mark.parametrize("bad", ["3/2", "abc", "0", "-1/3", "1/0", "", 0.5, True, None])
def test_it_refuses_what_is_not_a_fraction_in_zero_to_one(bad):
    with pytest.raises(ValueError, match="分数"):
        parse_fraction(bad)


def test_exactly_two_thirds_satisfied_passes(rules):
    mass = rules["mass_satisfaction"]
    assert survey_rule_passes(mass, counted=20, total=30)
    assert survey_rule_passes(mass, counted=2, total=3)
    assert not survey_rule_passes(mass, counted=19, total=30)
    # 0.6667 rounded would pass 6667/10001 wrongly if floats were used; fractions do not.
    assert not survey_rule_passes(mass, counted=6666, total=10000)


def test_remedial_work_only_when_more_than_half_say_formality(rules):
    effect = rules["phase_effectiveness"]
    assert survey_rule_passes(effect, counted=15, total=30)  # exactly half: no remedial work
    assert not survey_rule_passes(effect, counted=16, total=30)


def test_it_stores_thresholds_as_text(rules):
    assert rules["mass_satisfaction"]["threshold"] == "2/3"
    assert isinstance(rules["phase_effectiveness"]["threshold"], str)
