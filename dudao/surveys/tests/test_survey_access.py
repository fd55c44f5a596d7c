"""Every staff survey page as every role: allowed → 200, otherwise 404; writes only by those
the instrument's run_by (and sampling.by) name; anonymous visitors are sent to log in."""

from __future__ import annotations

import pytest

from dudao.surveys import actions
from dudao.surveys.models import RoundStatus, SurveyRound
from dudao.surveys.tests.helpers import participation
from dudao.testing import ROLES

pytestmark = pytest.mark.django_db

READ_ALL = {"office", "leading"}
GROUP1 = {"group_leader", "group_member"}
UNIT_A = {"unit_head", "liaison"}


def _round(cast, instrument, unit=None):
    return actions.create_round(
        actor=cast.user("office"), participation=participation(cast, unit), instrument=instrument
    )


PAGES = [
    (
        "campaign",
        lambda c: f"/surveys/campaigns/{c.campaign.pk}/",
        READ_ALL | GROUP1 | UNIT_A | {"inspector"},
    ),
    ("unit A", lambda c: f"/surveys/units/{participation(c).pk}/", READ_ALL | GROUP1 | UNIT_A),
    ("unit B", lambda c: f"/surveys/units/{participation(c, c.unit_b).pk}/", READ_ALL),
    (
        "round A",
        lambda c: f"/surveys/rounds/{_round(c, 'phase_effectiveness').pk}/",
        READ_ALL | GROUP1 | UNIT_A,
    ),
    (
        "round B",
        lambda c: f"/surveys/rounds/{_round(c, 'phase_effectiveness', c.unit_b).pk}/",
        READ_ALL,
    ),
    # Hand-outs: whoever runs the instrument (run_by office / unit / higher_organisation).
    (
        "codes office",
        lambda c: f"/surveys/rounds/{_round(c, 'phase_effectiveness').pk}/codes.docx",
        {"office"},
    ),
    (
        "codes unit",
        lambda c: f"/surveys/rounds/{_round(c, 'rectification_survey').pk}/codes.xlsx",
        {"office"} | UNIT_A,
    ),
    (
        "codes group",
        lambda c: f"/surveys/rounds/{_round(c, 'mass_satisfaction').pk}/codes.xlsx",
        {"office"} | GROUP1,
    ),
    # Seed 004: the supervision group draws the sample.
    (
        "sample list",
        lambda c: f"/surveys/rounds/{_round(c, 'mass_satisfaction').pk}/sample.xlsx",
        GROUP1,
    ),
]


@pytest.mark.parametrize("name, url, allowed", PAGES, ids=[p[0] for p in PAGES])
def test_it_allows_exactly_the_roles_in_scope(client, cast05, name, url, allowed):
    target = url(cast05)
    wrong = []
    for role in ROLES:
        client.force_login(cast05.user(role))
        status = client.get(target).status_code
        expected = 200 if role in allowed else 404
        if status != expected:
            wrong.append(f"{role}: {status} (expected {expected})")
    assert not wrong, f"{target}: " + "; ".join(wrong)
    client.logout()
    response = client.get(target)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# Who sees unit A's surveys: the office, the leading group, its group and the unit.
SEES_UNIT_A = {"office", "leading"} | GROUP1 | UNIT_A


@pytest.mark.parametrize(
    "instrument, runners",
    [
        ("phase_effectiveness", {"office"}),
        ("rectification_survey", {"office"} | UNIT_A),
        ("mass_satisfaction", {"office"} | GROUP1),
    ],
)
def test_only_the_runners_may_open_a_round(client, cast05, instrument, runners):
    for role in ROLES:
        round_ = _round(cast05, instrument)
        if instrument == "mass_satisfaction":
            actions.draw_sample(actor=cast05.user("group_leader"), round_=round_, size=3)
        client.force_login(cast05.user(role))
        response = client.post(f"/surveys/rounds/{round_.pk}/open/")
        round_.refresh_from_db()
        if role in runners:
            assert response.status_code == 302 and round_.status == RoundStatus.OPEN, role
        else:
            # Who sees the unit is told why (403); anyone else does not learn the round exists.
            expected = 403 if role in SEES_UNIT_A else 404
            assert response.status_code == expected, role
            assert round_.status == RoundStatus.PREPARING, role
        SurveyRound.objects.filter(pk=round_.pk).delete()


def test_only_the_group_may_draw_the_sample(client, cast05):
    round_ = _round(cast05, "mass_satisfaction")
    for role in ROLES:
        client.force_login(cast05.user(role))
        response = client.post(f"/surveys/rounds/{round_.pk}/sample/", {"size": "2"})
        round_.refresh_from_db()
        if role in GROUP1:
            assert response.status_code == 302 and round_.sample_seed, role
            break
        assert response.status_code == (403 if role in SEES_UNIT_A else 404), role
        assert not round_.sample_seed


def test_the_leading_group_sees_results_but_cannot_create_rounds(client, cast05):
    client.force_login(cast05.user("leading"))
    response = client.post(
        f"/surveys/units/{participation(cast05).pk}/new/", {"instrument": "phase_effectiveness"}
    )
    assert response.status_code == 403
    assert "由活动办公室组织实施" in response.content.decode()
    assert not SurveyRound.objects.exists()


def test_the_actions_ask_the_same_rule_as_the_pages(cast05):
    """Called directly (another app, the API, a script), an action refuses whom the page
    refuses, with the same reason, and changes nothing."""
    from dudao.core.errors import AccessDenied

    round_ = _round(cast05, "phase_effectiveness")
    member = cast05.user("member")
    for call in (
        lambda: actions.issue_codes(actor=member, round_=round_, count=3),
        lambda: actions.open_round(actor=member, round_=round_),
        lambda: actions.close_round(actor=member, round_=round_),
        lambda: actions.enable_open_link(actor=member, round_=round_),
    ):
        with pytest.raises(AccessDenied, match="由活动办公室组织实施"):
            call()
    with pytest.raises(AccessDenied, match="由活动办公室组织实施"):
        actions.create_round(
            actor=cast05.user("leading"),
            participation=participation(cast05),
            instrument="phase_effectiveness",
        )
    round_.refresh_from_db()
    assert round_.status == RoundStatus.PREPARING and not round_.codes.exists()
    sampled = _round(cast05, "mass_satisfaction")
    with pytest.raises(AccessDenied):
        actions.draw_sample(actor=cast05.user("office"), round_=sampled, size=2)
