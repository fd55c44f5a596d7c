"""The branch page (the branch secretary's members) and a person's record."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_shows_the_secretary_the_members_of_his_branch_only(client, cast):
    client.force_login(cast.user("secretary"))
    body = client.get(f"/orgs/{cast.branch_a1.pk}/").content.decode()
    assert "财政局第一支部" in body and "党员 3 名" in body
    assert "王建国" in body and "李晓梅" in body and "张志强" in body
    assert "孙流动" not in body  # branch A2
    body = client.get(f"/orgs/{cast.branch_a1.pk}/?q=晓梅").content.decode()
    assert "李晓梅" in body and "王建国" not in body


def test_it_shows_a_member_his_own_record(client, cast):
    client.force_login(cast.user("member"))
    body = client.get(f"/people/{cast.people['member'].pk}/").content.decode()
    assert "陈𠮷" in body and "财政局第二支部" in body and "东城区财政局" in body and "在职" in body


def test_it_lists_a_persons_roles_on_his_record(client, cast):
    client.force_login(cast.user("office"))
    body = client.get(f"/people/{cast.people['group_leader'].pk}/").content.decode()
    assert "担任角色" in body and "督导组组长：第一督导组" in body
