from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from dudao.core.errors import AccessDenied, DomainError, TransitionError
from dudao.core.models import AuditEvent
from dudao.supervision.access import get_problem_for_user
from dudao.supervision.actions import answer_problem, send_problem, verify_problem
from dudao.supervision.models import ProblemStatus, ProblemStep

from .helpers import problem

pytestmark = pytest.mark.django_db


def test_the_leader_sends_the_unit_answers_the_group_verifies(cast):
    p = problem(cast)
    assert p.status == ProblemStatus.SENT and p.sent_at is not None
    p = answer_problem(actor=cast.user("liaison"), problem=p, answer="已重新组织补学并核对签到")
    assert p.status == ProblemStatus.ANSWERED
    p = verify_problem(actor=cast.user("group_member"), problem=p, solved=True)
    assert p.status == ProblemStatus.SOLVED and p.solved_at is not None
    kinds = list(ProblemStep.objects.filter(problem=p).values_list("kind", flat=True))
    assert kinds == ["record", "send", "answer", "verify"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "supervision.record_problem",
        "supervision.send_problem",
        "supervision.answer_problem",
        "supervision.verify_problem",
    } <= actions


def test_a_members_problem_waits_for_the_leaders_sign_off_by_default(cast):
    """Issue 13 §9 default: the leader, or a member with the leader's sign-off."""
    p = problem(cast, who="group_member")
    assert p.status == ProblemStatus.DRAFT
    with pytest.raises(AccessDenied, match="组长"):
        send_problem(actor=cast.user("group_member"), problem=p)
    # The unit does not see the group's draft.
    with pytest.raises(Http404):
        get_problem_for_user(cast.user("unit_head"), p.pk)
    p = send_problem(actor=cast.user("group_leader"), problem=p)
    assert p.status == ProblemStatus.SENT
    assert get_problem_for_user(cast.user("unit_head"), p.pk) == p


def test_a_template_may_let_any_member_send(cast):
    template = cast.campaign.template
    template.data = {**template.data, "supervision": {"decides": {"send_problem": "member"}}}
    template.save()
    p = problem(cast, who="group_member")
    assert p.status == ProblemStatus.SENT


def test_sending_back_needs_a_reason_and_reopens_it(cast):
    p = problem(cast)
    p = answer_problem(actor=cast.user("unit_head"), problem=p, answer="已整改")
    with pytest.raises(DomainError, match="理由"):
        verify_problem(actor=cast.user("group_leader"), problem=p, solved=False)
    p = verify_problem(
        actor=cast.user("group_leader"), problem=p, solved=False, reason="签到表仍未补齐"
    )
    assert p.status == ProblemStatus.SENT and p.rounds == 1
    assert p.send_back_reason == "签到表仍未补齐"
    assert AuditEvent.objects.get(action="supervision.send_back_problem").reason == "签到表仍未补齐"


def test_only_the_unit_answers_and_only_the_group_verifies(cast):
    p = problem(cast)
    for role in ("group_leader", "office", "secretary"):
        with pytest.raises((AccessDenied, TransitionError)):
            answer_problem(actor=cast.user(role), problem=p, answer="x")
    p = answer_problem(actor=cast.user("unit_head"), problem=p, answer="已整改")
    for role in ("unit_head", "office"):
        with pytest.raises(AccessDenied):
            verify_problem(actor=cast.user(role), problem=p, solved=True)


def test_a_stale_form_is_refused(cast):
    p = problem(cast)
    shown = p.version
    answer_problem(actor=cast.user("unit_head"), problem=p, answer="第一次答复")
    p.refresh_from_db()
    with pytest.raises(TransitionError):
        verify_problem(
            actor=cast.user("group_leader"), problem=p, solved=True, expected_version=shown
        )


def test_other_groups_and_outsiders_do_not_see_it(cast):
    p = problem(cast)
    for role in ("outsider", "member", "secretary", "inspector"):
        with pytest.raises(Http404):
            get_problem_for_user(cast.user(role), p.pk)


def test_it_lights_like_a_rectification_item(cast, client):
    """The light is rectification.rules.light over the template's problem class (default
    立即整改: yellow with 2 days or fewer left)."""
    from dudao.rectification import rules as rect_rules
    from dudao.supervision.rules import problem_light

    template = cast.campaign.template
    today = dt.date(2026, 5, 10)
    for days, expected in ((-1, "red"), (2, "yellow"), (5, "green")):
        deadline = today + dt.timedelta(days=days)
        assert problem_light(template, status="sent", deadline=deadline, today=today) == expected
        assert expected == rect_rules.light(
            template, status="open", rect_class="immediate", deadline=deadline, today=today
        )
    assert problem_light(template, status="solved", deadline=today, today=today) == "green"
    p = problem(cast, deadline=dt.date.today())
    client.force_login(cast.user("unit_head"))
    html = client.get(f"/supervision/problems/{p.pk}/").content.decode()
    assert 'data-light="yellow"' in html
