"""One independence rule for every path: nobody supervises his own unit.

The imports have their own files (imports/tests/test_roster_independence.py,
test_setup_import.py); the setup pages and the admin are tried in web/tests/test_own_unit_rule.py,
campaigns/tests/test_setup_own_unit_rule.py and web/tests/test_admin_repair.py. Here: the rule
itself, the actions every page and the admin call, the admin's person move, and the API.
"""

from __future__ import annotations

import pytest

from dudao.core.errors import DomainError
from dudao.orgs import actions
from dudao.orgs.independence import find_conflicts
from dudao.orgs.models import Role
from dudao.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_finds_no_conflict_in_the_cast(cast):
    users = [cast.user(r).pk for r in ("group_leader", "group_member", "liaison")]
    assert find_conflicts(users=users, groups=[cast.group1.pk, cast.group2.pk]) == []


def test_it_finds_each_way_of_breaking_the_rule(cast):
    member = cast.user("group_member")
    # His person moves into unit A (group 1 supervises it).
    moved = find_conflicts(person_unit={member.pk: cast.unit_a.pk})
    assert [(c.user, c.unit_id, c.group) for c in moved] == [
        (member.pk, cast.unit_a.pk, cast.group1.pk)
    ]
    assert "第一督导组" in moved[0].message and "东城区财政局" in moved[0].message
    # He becomes liaison of unit A.
    assert find_conflicts(extra_own=[(member.pk, cast.unit_a.pk)])
    # Group 1 is given unit C, his own unit.
    assigned = find_conflicts(assignments=[(cast.unit_c.pk, cast.group1.pk)])
    assert {c.user for c in assigned} == {member.pk, cast.user("group_leader").pk}
    # Unit A's liaison joins group 1.
    assert find_conflicts(extra_staff=[(cast.user("liaison").pk, cast.group1.pk)])
    # A group not yet in the database (an import row), by its key.
    assert (
        find_conflicts(
            extra_staff=[(cast.user("liaison").pk, ("new", "G09"))],
            assignments=[(cast.unit_a.pk, ("new", "G09"))],
            group_campaign={("new", "G09"): cast.campaign.pk},
            group_names={("new", "G09"): "第九督导组"},
        )[0].group_name
        == "第九督导组"
    )


def test_it_lets_a_unit_leave_the_group_of_its_people(cast):
    """Reassigning unit A away from group 1 removes group 1's link to it."""
    liaison = cast.user("liaison")
    assert (
        find_conflicts(
            extra_staff=[(liaison.pk, cast.group1.pk)],
            assignments=[(cast.unit_a.pk, cast.group2.pk)],
        )
        == []
    )


def test_it_refuses_a_group_member_as_head_or_liaison_of_a_supervised_unit(cast):
    for role in (Role.UNIT_HEAD, Role.UNIT_LIAISON):
        with pytest.raises(DomainError, match="不能督导本单位"):
            actions.grant_role(
                actor=None, user=cast.user("group_member"), role=role, organisation=cast.unit_a
            )
    # Unit B is supervised by group 2: allowed.
    actions.grant_role(
        actor=None, user=cast.user("group_member"), role=Role.UNIT_LIAISON, organisation=cast.unit_b
    )


def test_it_refuses_moving_a_group_members_person_in_the_admin(client, cast):
    client.login(username="cast-admin", password=PASSWORD)
    person = cast.people["group_member"]
    response = client.get(f"/admin/orgs/person/{person.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["branch"] = cast.branch_a1.pk
    data["user"] = cast.user("group_member").pk
    response = client.post(f"/admin/orgs/person/{person.pk}/change/", data)
    assert response.status_code == 200 and "不能督导本单位" in response.content.decode()
    person.refresh_from_db()
    assert person.unit == cast.unit_c


def test_the_api_writes_no_people_roles_or_groups(client, cast):
    """The API writes records, documents, decisions, surveys and rectification items through the
    pages' actions; who is in which unit or group (what the independence rule guards) is set
    only by the set-up pages and imports, which ask the rule."""
    client.login(username="clerk", password=PASSWORD)
    schema = client.get("/api/openapi.json").json()
    writes = [path for path, ops in schema["paths"].items() if set(ops) - {"get"}]
    assert writes, "the API writes"
    for path in writes:
        assert not any(word in path for word in ("orgs", "people", "roles", "groups", "roster"))
