"""Shared set-up for the surveys tests: the 2005 cast, extra members, rounds with codes."""

from __future__ import annotations

from dudao.campaigns.models import Participation
from dudao.campaigns.template_loader import load_builtin_template
from dudao.orgs.models import Person
from dudao.surveys import actions
from dudao.surveys.models import SurveyCode
from dudao.testing import build_cast


def build_cast_2005():
    return build_cast(template=load_builtin_template("xianjinxing-2005"))


def participation(cast, unit=None) -> Participation:
    return Participation.objects.get(campaign=cast.campaign, unit=unit or cast.unit_a)


def add_members(cast, n: int, *, branch=None, prefix="M", **fields) -> list[Person]:
    branch = branch or cast.branch_a2
    unit_id = branch.unit_id
    return Person.objects.bulk_create(
        [
            Person(
                code=f"{prefix}-{branch.pk}-{i}",
                name=f"党员{prefix}{i}",
                branch=branch,
                unit_id=unit_id,
                **fields,
            )
            for i in range(n)
        ]
    )


def open_round(cast, *, instrument="phase_effectiveness", codes=0, unit=None, actor=None):
    """A round of a unit instrument, opened, with ``codes`` one-time codes; returns (round, codes)."""
    actor = actor or cast.user("office")
    round_ = actions.create_round(
        actor=actor, participation=participation(cast, unit), instrument=instrument
    )
    if codes:
        actions.issue_codes(actor=actor, round_=round_, count=codes)
    actions.open_round(actor=actor, round_=round_)
    round_.refresh_from_db()
    return round_, list(SurveyCode.objects.filter(round=round_).values_list("code", flat=True))


def vote(codes: list[str], answers: dict[str, str]) -> None:
    for code in codes:
        result = actions.submit_ballot(code=code, answers=answers)
        assert result.counted, result.message


def close(cast, round_):
    actions.close_round(actor=cast.user("office"), round_=round_)
    round_.refresh_from_db()
    return round_
