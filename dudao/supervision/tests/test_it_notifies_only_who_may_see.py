from __future__ import annotations

import pytest
from django.core import mail

from dudao.supervision.actions import answer_problem, set_preferences
from dudao.supervision.models import Notification
from dudao.transitions.actions import order_remedial_work
from dudao.transitions.tests.helpers import apply

from .helpers import problem

pytestmark = pytest.mark.django_db


def _told(event):
    return set(Notification.objects.filter(event=event).values_list("user__username", flat=True))


def test_a_sent_problem_notifies_the_units_staff_only(cast):
    problem(cast)
    assert _told("problem_sent") == {"unit_head", "liaison"}


def test_a_draft_notifies_nobody_at_the_unit(cast):
    problem(cast, who="group_member")
    assert _told("problem_sent") == set()


def test_an_answer_notifies_the_group_not_the_other_group(cast):
    p = problem(cast)
    answer_problem(actor=cast.user("liaison"), problem=p, answer="已解决")
    assert _told("problem_answered") == {"group_leader", "group_member"}


def test_nobody_is_told_what_he_may_not_see(cast):
    """A recipient the role tables would name but the access layer does not let see the
    problem is left out (here: the unit head's role is moved to another unit)."""
    from dudao.orgs.models import Role, RoleAssignment

    RoleAssignment.objects.filter(user=cast.user("liaison"), role=Role.UNIT_LIAISON).update(
        organisation=cast.unit_b
    )
    problem(cast)
    assert "liaison" not in _told("problem_sent")


def test_a_remedial_order_notifies_the_unit_in_the_same_transaction(cast, client):
    app = apply(cast)
    order_remedial_work(
        actor=cast.user("group_leader"), application=app, reason="学习不扎实", work="补学两次"
    )
    assert _told("remedial") == {"unit_head", "liaison"}
    client.force_login(cast.user("unit_head"))
    html = client.get("/supervision/notifications/").content.decode()
    assert "补学两次" in html
    client.post("/supervision/notifications/")
    assert not Notification.objects.filter(user=cast.user("unit_head"), read_at=None).exists()


def test_mail_goes_only_to_who_opted_in(cast, django_capture_on_commit_callbacks):
    head = cast.user("unit_head")
    head.email = "head@example.org"
    head.save()
    liaison = cast.user("liaison")
    liaison.email = "liaison@example.org"
    liaison.save()
    set_preferences(actor=head, choices={"problem_sent": (True, True)})
    with django_capture_on_commit_callbacks(execute=True):
        problem(cast)
    assert [m.to for m in mail.outbox] == [["head@example.org"]]
    assert "督导组发现问题" in mail.outbox[0].body


def test_a_user_may_turn_in_app_notices_off(cast, client):
    client.force_login(cast.user("liaison"))
    data = {"app_problem_sent": ""}
    assert client.post("/supervision/notifications/settings/", data).status_code == 302
    problem(cast)
    assert _told("problem_sent") == {"unit_head"}
