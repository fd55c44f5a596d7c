"""The unit page: participation, organisation subtree, leadership, categories, a filtered and
paginated member list and the start of the unit's archive (its audit events)."""

from __future__ import annotations

import pytest

from dudao.orgs import actions as org_actions

pytestmark = pytest.mark.django_db


def _get(client, cast, role="unit_head", query=""):
    client.force_login(cast.user(role))
    response = client.get(f"/units/{cast.unit_a.pk}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_participation_tree_leadership_and_categories(client, cast):
    body = _get(client, cast)
    assert "东城区财政局" in body and "东城区委" in body  # the unit and its ancestors
    assert "学习动员" in body and "第一批" in body and "第一督导组" in body
    assert "财政局党委" in body and "财政局第一支部" in body and "财政局第二支部" in body
    assert "领导班子" in body and "局长、党委书记" in body
    assert "党员 6 名" in body  # head, liaison, secretary, member, retired, away
    assert "离退休" in body and "外出/流动" in body
    assert "周敏" not in body  # a member of unit B


def _member_list(body: str) -> str:
    return body.split("<h2>党员名单</h2>", 1)[1].split("<h2>活动档案", 1)[0]


def test_it_filters_the_member_list_by_branch_category_and_name(client, cast):
    names = _member_list(_get(client, cast, query=f"?branch={cast.branch_a2.pk}"))
    assert "孙流动" in names and "李晓梅" not in names
    names = _member_list(_get(client, cast, query="?category=retired"))
    assert "赵德才" in names and "孙流动" not in names
    names = _member_list(_get(client, cast, query="?q=晓梅"))
    assert "李晓梅" in names and "张志强" not in names


def test_it_ignores_a_branch_of_another_unit_and_a_malformed_branch(client, cast):
    names = _member_list(_get(client, cast, query=f"?branch={cast.branch_b1.pk}"))
    assert "周敏" not in names and "没有符合条件的党员" in names
    names = _member_list(_get(client, cast, query="?branch=abc"))
    assert "李晓梅" in names


def test_it_pages_members_keeping_the_filters(client, cast):
    for i in range(55):
        org_actions.create_person(
            actor=None,
            code=f"A2-{i:03d}",
            name=f"补充党员{i:03d}",
            branch=cast.branch_a2,
            category="retired",
        )
    body = _get(client, cast, query="?category=retired")
    assert "第 1/2 页" in body and "?category=retired&page=2" in body
    body = _get(client, cast, query="?category=retired&page=2")
    assert "第 2/2 页" in body and "补充党员054" in body


def test_it_lists_the_units_audit_events_as_its_archive(client, cast):
    org_actions.rename_organisation(
        actor=cast.user("admin"), organisation=cast.unit_a, name="东城区财政局（新）"
    )
    body = _get(client, cast)
    assert "活动档案" in body
    assert "组织更名" in body and "确定参加单位" in body and "登记党员" in body
    assert "东城区教育局" not in body  # unit B's enrolment is not part of A's archive
