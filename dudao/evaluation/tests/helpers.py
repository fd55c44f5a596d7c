"""Small helpers shared by this app's tests."""

from __future__ import annotations

from dudao.campaigns.models import Participation
from dudao.orgs import actions as org_actions


def part(cast, unit=None) -> Participation:
    return Participation.objects.select_related("campaign__template", "unit").get(
        campaign=cast.campaign, unit=unit or cast.unit_a
    )


def team(cast, size: int) -> list:
    """Unit A's leadership team of ``size``: the unit head (王建国) and ``size - 1`` more."""
    head = cast.people["head"]
    others = [
        org_actions.create_person(
            actor=None,
            code=f"P-team-{i}",
            name=name,
            branch=cast.branch_a1,
            is_leadership=True,
            position="副局长",
            audit=False,
        )
        for i, name in enumerate(
            ["刘副局", "钱副局", "孙副局", "周副局", "吴副局", "郑副局"][: size - 1]
        )
    ]
    return [head, *others]


def branch_members(cast, branch, n: int, prefix: str = "评议") -> list:
    return [
        org_actions.create_person(
            actor=None,
            code=f"P-{prefix}-{branch.pk}-{i}",
            name=f"{prefix}党员{i}",
            branch=branch,
            audit=False,
        )  # fmt: skip
        for i in range(n)
    ]
