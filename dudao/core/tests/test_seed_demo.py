from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from dudao.campaigns.models import Participation, SupervisionGroup
from dudao.core import demo
from dudao.core.audit import verify_chain
from dudao.core.models import AuditEvent
from dudao.core.testing import PASSWORD
from dudao.orgs.access import scope_for
from dudao.orgs.models import Organisation, Person, RoleAssignment


def _snapshot() -> tuple:
    return (
        list(Organisation.objects.order_by("code").values_list("code", "name", "kind")),
        list(
            Person.objects.order_by("code").values_list("code", "name", "category", "branch__code")
        ),
        list(
            Participation.objects.order_by("unit__code").values_list(
                "unit__code", "group__code", "current_phase"
            )
        ),
    )


@pytest.mark.django_db
def test_it_builds_the_promised_counts_and_one_account_per_role(client):
    accounts = demo.seed(scale_name="tiny", seed_value=7, out=io.StringIO())
    scale = demo.SCALES["tiny"]
    assert Organisation.objects.filter(kind="unit").count() == scale.units
    assert Person.objects.count() == scale.members
    assert SupervisionGroup.objects.count() == scale.groups
    assert Participation.objects.count() == scale.units
    assert set(accounts) == {
        "admin",
        "clerk",
        "leader",
        "group_leader",
        "group_member",
        "inspector",
        "unit_head",
        "liaison",
        "secretary",
        "member",
    }
    for username, _label, _where in accounts.values():
        assert client.login(username=username, password=PASSWORD), username
        assert client.get("/").status_code == 200
    expected_roles = {
        "clerk": "office",
        "leader": "leading_group",
        "group_leader": "group_leader",
        "group_member": "group_member",
        "inspector": "inspector",
        "unit_head": "unit_head",
        "liaison": "unit_liaison",
        "secretary": "branch_secretary",
    }
    for username, role in expected_roles.items():
        assert RoleAssignment.objects.filter(user__username=username, role=role).exists(), username
    assert verify_chain()[1] is None
    assert AuditEvent.objects.filter(action="demo.seed").count() == 1


@pytest.mark.django_db
def test_nobody_in_the_demo_supervises_his_own_unit():
    demo.seed(scale_name="tiny", seed_value=7, out=io.StringIO())
    for ra in RoleAssignment.objects.filter(group__isnull=False).select_related("user"):
        own = Person.objects.filter(user=ra.user).values_list("unit_id", flat=True).first()
        assert not Participation.objects.filter(group=ra.group, unit_id=own).exists(), (
            ra.user.username
        )


@pytest.mark.django_db
def test_the_demo_member_sees_only_himself_and_the_group_member_only_his_units():
    from django.contrib.auth import get_user_model

    demo.seed(scale_name="tiny", seed_value=7, out=io.StringIO())
    User = get_user_model()
    assert scope_for(User.objects.get(username="member")).roles == set()
    member_scope = scope_for(User.objects.get(username="group_member"))
    assert len(member_scope.groups) == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_seed_gives_the_same_city_and_a_second_run_changes_nothing():
    out = io.StringIO()
    call_command("seed_demo", "--scale", "tiny", "--seed", "11", stdout=out)
    first = _snapshot()
    events = AuditEvent.objects.count()
    out = io.StringIO()
    call_command("seed_demo", "--scale", "tiny", "--seed", "11", stdout=out)
    assert "已存在，未作改动" in out.getvalue() and "clerk" in out.getvalue()
    assert _snapshot() == first and AuditEvent.objects.count() == events
    call_command("seed_demo", "--scale", "tiny", "--seed", "11", "--reset", stdout=io.StringIO())
    assert _snapshot() == first
    call_command("seed_demo", "--scale", "tiny", "--seed", "12", "--reset", stdout=io.StringIO())
    assert _snapshot()[1] != first[1]
