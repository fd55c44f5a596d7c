"""Demo data of the evaluation app (docs/evaluation.md), small on purpose: the demo secretary's
branch has a closed 民主评议党员 ballot with online votes, the branch's opinions, the committee's
grades, and one member graded unqualified whose organisational handling is under way. Written
through the app's actions, so every row has its audit event."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model

from dudao.campaigns.models import Participation
from dudao.evaluation import actions
from dudao.orgs.models import Person, Role, RoleAssignment

GRADES = ["excellent", "qualified", "qualified", "qualified", "basically_qualified"]
OPINIONS = {
    "excellent": "理论学习扎实，工作中带头攻坚，群众评价好。",
    "qualified": "能够履行党员义务，学习认真，工作积极。",
    "basically_qualified": "组织生活参加不够经常，宗旨意识有待加强，希望改进。",
    "unqualified": "长期不参加组织生活，经教育仍不履行党员义务。",
}


def seed_evaluation(*, campaign, seed_value: int, today: dt.date, out) -> dict:
    User = get_user_model()
    secretary = User.objects.filter(username="secretary").first()
    if secretary is None:
        return {}
    ra = RoleAssignment.objects.filter(user=secretary, role=Role.BRANCH_SECRETARY).first()
    branch = ra.organisation
    participation = Participation.objects.select_related("campaign__template").get(
        campaign=campaign, unit_id=branch.unit_id
    )
    head = (
        RoleAssignment.objects.filter(role=Role.UNIT_HEAD, organisation_id=branch.unit_id)
        .select_related("user")
        .first()
    )
    rnd = random.Random(f"{seed_value}:evaluation")
    ballot = actions.create_ballot(actor=secretary, participation=participation, branch=branch)
    members = list(
        Person.objects.filter(pk__in=ballot.members.values("person_id")).order_by("code")
    )
    codes = actions.issue_codes(actor=secretary, ballot=ballot, count=len(members))
    actions.open_ballot(actor=secretary, ballot=ballot)
    # One member of the branch (not the secretary, not a leader) is the unqualified one.
    weak = next((m for m in members if m.user_id is None and not m.is_leadership), None)
    voted = 0
    for code in codes[: max(1, len(codes) * 9 // 10)]:
        grades = {m.pk: ("unqualified" if m == weak and rnd.random() < 0.7
                         else rnd.choice(GRADES)) for m in members}  # fmt: skip
        voted += actions.cast_vote(code=code, grades=grades).counted
    actions.close_ballot(actor=secretary, ballot=ballot)
    ballot.refresh_from_db()
    cases = 0
    for m in members:
        grade = "unqualified" if m == weak else rnd.choice(GRADES)
        ev = actions.propose_evaluation(
            actor=secretary, ballot=ballot, person=m, opinion=OPINIONS[grade], grade=grade
        )
        if head is not None:
            ev = actions.decide_grade(actor=head.user, evaluation=ev, grade=grade)
            if grade == "unqualified":
                case = actions.open_case(actor=secretary, evaluation=ev)
                actions.record_step(
                    actor=secretary, case=case, step=case.current_step, outcome="ordered",
                    decided_by_name=branch.name, decided_on=today - dt.timedelta(days=10),
                    statement="本人表示接受，保证按期改正。",
                )  # fmt: skip
                cases += 1
    out.write(
        f"  民主评议党员：{branch.name} {len(members)} 名党员，{voted} 张评议票，组织处理 {cases} 件\n"
    )
    return {"ballot_votes": voted, "handling_cases": cases}
