"""This app's rows of the access matrix (dudao.testing.matrix): every URL pattern, the roles
that may open it, and a text the allowed page shows. Seed 001 / issue 12 §8: only the branch
secretary, the unit head, the supervision group and the office see a handling case."""

from __future__ import annotations

import datetime as dt

from dudao.testing import ROLES
from dudao.testing.matrix import ALL_ROLES, GROUP1, READ_ALL, UNIT_A, Row, part

ADMIN = {"admin"}
UNIT_PAGE = READ_ALL | GROUP1 | UNIT_A | ADMIN
BALLOT = READ_ALL | GROUP1 | UNIT_A | {"secretary"} | ADMIN
RUNNERS = UNIT_A | {"secretary"}
CASE = {"office", "unit_head", "secretary"} | GROUP1 | ADMIN
EVERYONE = set(ROLES)


def _ballot(c):
    from dudao.evaluation.actions import create_ballot

    return create_ballot(actor=c.user("secretary"), participation=part(c), branch=c.branch_a1)


def _closed(c):
    from dudao.evaluation import actions

    ballot = _ballot(c)
    if ballot.status == "preparing":
        code = actions.issue_codes(actor=c.user("secretary"), ballot=ballot, count=1)[0]
        actions.open_ballot(actor=c.user("secretary"), ballot=ballot)
        ids = list(ballot.members.values_list("person_id", flat=True))
        actions.cast_vote(code=code, grades={pk: "qualified" for pk in ids})
        actions.close_ballot(actor=c.user("secretary"), ballot=ballot)
        ballot.refresh_from_db()
    return ballot


def _evaluation(c, decided=True):
    from dudao.evaluation import actions

    ballot = _closed(c)
    ev = actions.propose_evaluation(
        actor=c.user("secretary"), ballot=ballot, person=c.people["liaison"],
        opinion="矩阵测试评议意见", grade="unqualified",
    )  # fmt: skip
    if decided and ev.status != "decided":
        ev = actions.decide_grade(actor=c.user("unit_head"), evaluation=ev, grade="unqualified")
    return ev


def _case(c):
    from dudao.evaluation.actions import open_case

    return open_case(actor=c.user("secretary"), evaluation=_evaluation(c))


def _closed_round(c):
    from dudao.surveys import actions as survey_actions
    from dudao.surveys.models import SurveyRound

    p = part(c)
    survey_actions.create_member_rounds(
        actor=c.user("liaison"), participation=p, instrument="self_analysis_test"
    )
    round_ = SurveyRound.objects.get(participation=p, subject_person=c.people["liaison"])
    if round_.status == "preparing":
        survey_actions.open_round(actor=c.user("liaison"), round_=round_)
        survey_actions.close_round(actor=c.user("liaison"), round_=round_)
    return round_


TODAY = lambda: dt.date.today().isoformat()  # noqa: E731

ROWS = [
    Row(
        "ev_home",
        "evaluation:home",
        lambda c: "/evaluation/",
        ALL_ROLES,
        shows=lambda c: "民主评议与组织处理",
    ),  # fmt: skip
    Row(
        "ev_campaign",
        "evaluation:campaign",
        lambda c: f"/evaluation/campaigns/{c.campaign.pk}/",
        READ_ALL | GROUP1 | UNIT_A | {"inspector"} | ADMIN,
        shows=lambda c: "民主评议党员情况",
    ),
    Row(
        "ev_unit",
        "evaluation:unit",
        lambda c: f"/evaluation/units/{part(c).pk}/",
        UNIT_PAGE,
        shows=lambda c: "分析评议",
    ),  # fmt: skip
    Row(
        "ev_talks",
        "evaluation:talks",
        lambda c: f"/evaluation/units/{part(c).pk}/talks/",
        UNIT_PAGE,
        shows=lambda c: "谈心谈话应谈对象",
    ),  # fmt: skip
    Row(
        "ev_divisions",
        "evaluation:divisions",
        lambda c: f"/evaluation/units/{part(c).pk}/divisions/",
        UNIT_PAGE,
        shows=lambda c: "内设机构及分管班子成员",
        post=lambda c: {"name": "矩阵测试科"},
        post_allowed=UNIT_A,
    ),  # fmt: skip
    Row(
        "ev_divisions_import",
        "evaluation:divisions_import",
        lambda c: f"/evaluation/units/{part(c).pk}/divisions/import/",
        set(),
        post=lambda c: {},
        post_allowed=UNIT_A,
        post_only=True,
    ),  # fmt: skip
    Row(
        "ev_self_analysis",
        "evaluation:self_analysis",
        lambda c: f"/evaluation/units/{part(c).pk}/self-analysis/",
        UNIT_PAGE,
        shows=lambda c: "满意度测评结果",
    ),  # fmt: skip
    Row(
        "ev_ballot_new",
        "evaluation:ballot_new",
        lambda c: f"/evaluation/units/{part(c).pk}/ballots/new/",
        set(),
        post=lambda c: {"branch": str(c.branch_a1.pk)},
        post_allowed=UNIT_A,
        post_only=True,
    ),  # fmt: skip
    Row(
        "ev_settle",
        "evaluation:settle",
        lambda c: f"/evaluation/rounds/{_closed_round(c).pk}/settle/",
        set(),
        post=lambda c: {},
        post_allowed=UNIT_A | GROUP1 | {"office"} | ADMIN,
        post_only=True,
    ),  # fmt: skip
    Row(
        "ev_ballot",
        "evaluation:ballot",
        lambda c: f"/evaluation/ballots/{_ballot(c).pk}/",
        BALLOT,
        shows=lambda c: "民主评议党员",
    ),  # fmt: skip
    Row(
        "ev_ballot_export",
        "evaluation:ballot_export",
        lambda c: f"/evaluation/ballots/{_closed(c).pk}/results.xlsx",
        BALLOT,
    ),
    Row(
        "ev_ballot_action",
        "evaluation:ballot_action",
        lambda c: f"/evaluation/ballots/{_ballot(c).pk}/open/",
        set(),
        post=lambda c: {},
        post_allowed=RUNNERS,
        post_only=True,
    ),  # fmt: skip
    Row(
        "ev_propose",
        "evaluation:propose",
        lambda c: f"/evaluation/ballots/{_closed(c).pk}/members/{c.people['liaison'].pk}/propose/",
        set(),
        post=lambda c: {"opinion": "意见", "grade": "qualified"},
        post_allowed=RUNNERS,
        post_only=True,
    ),  # fmt: skip
    Row(
        "ev_decide",
        "evaluation:decide",
        lambda c: f"/evaluation/evaluations/{_evaluation(c, decided=False).pk}/decide/",
        set(),
        post=lambda c: {"grade": "unqualified"},
        post_allowed={"unit_head"},
        post_only=True,
    ),  # fmt: skip
    Row(
        "ev_letter",
        "evaluation:letter",
        lambda c: f"/evaluation/evaluations/{_evaluation(c).pk}/letter/",
        set(),
        post=lambda c: {},
        post_allowed=RUNNERS,
        post_only=True,
    ),  # fmt: skip
    Row(
        "ev_open_case",
        "evaluation:open_case",
        lambda c: f"/evaluation/evaluations/{_evaluation(c).pk}/case/",
        set(),
        post=lambda c: {},
        post_allowed={"unit_head", "secretary"},
        post_only=True,
    ),  # fmt: skip
    Row(
        "ev_case",
        "evaluation:case",
        lambda c: f"/evaluation/cases/{_case(c).pk}/",
        CASE,
        shows=lambda c: "组织处理",
    ),  # fmt: skip
    Row(
        "ev_case_step",
        "evaluation:case_step",
        lambda c: f"/evaluation/cases/{_case(c).pk}/step/",
        set(),
        post=lambda c: {
            "step": "deadline_correction",
            "outcome": "ordered",
            "decided_by_name": "财政局第一支部",
            "decided_on": TODAY(),
        },
        post_allowed={"unit_head", "secretary"},
        post_only=True,
    ),  # fmt: skip
    Row(
        "ev_case_refer",
        "evaluation:case_refer",
        lambda c: f"/evaluation/cases/{_case(c).pk}/refer/",
        set(),
        post=lambda c: {"body": "区纪委", "referred_on": TODAY(), "note": "事由"},
        post_allowed={"unit_head", "secretary"},
        post_only=True,
    ),  # fmt: skip
    Row(
        "ev_public_start",
        "evaluation_public:start",
        lambda c: "/e/",
        EVERYONE,
        public=True,
        post=lambda c: {"code": "ABCD"},
    ),  # fmt: skip
    Row(
        "ev_public_vote",
        "evaluation_public:vote",
        lambda c: "/e/vote/",
        EVERYONE,
        public=True,
        post=lambda c: {"code": "NOPE-NOPE"},
        post_only=True,
    ),  # fmt: skip
]
