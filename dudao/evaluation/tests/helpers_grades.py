"""A closed A1 ballot with the member graded by the branch and the committee."""

from __future__ import annotations

from dudao.evaluation import actions

from .helpers import part


def closed_ballot(cast):
    ballot = actions.create_ballot(
        actor=cast.user("secretary"), participation=part(cast), branch=cast.branch_a1
    )
    codes = actions.issue_codes(actor=cast.user("secretary"), ballot=ballot, count=2)
    actions.open_ballot(actor=cast.user("secretary"), ballot=ballot)
    ids = list(ballot.members.values_list("person_id", flat=True))
    for code in codes:
        actions.cast_vote(code=code, grades={pk: "qualified" for pk in ids})
    actions.close_ballot(actor=cast.user("secretary"), ballot=ballot)
    ballot.refresh_from_db()
    return ballot


def graded(cast, person_key="liaison", grade="unqualified"):
    ballot = closed_ballot(cast)
    person = cast.people[person_key]
    evaluation = actions.propose_evaluation(
        actor=cast.user("secretary"), ballot=ballot, person=person,
        opinion="长期不参加组织生活，不履行党员义务。", grade=grade,
    )  # fmt: skip
    return actions.decide_grade(actor=cast.user("unit_head"), evaluation=evaluation, grade=grade)
