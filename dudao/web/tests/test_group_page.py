"""The supervision group's page: leader, members, and its units with phase and readiness."""

from __future__ import annotations

import datetime as dt

import pytest

from dudao.campaigns.models import Participation

pytestmark = pytest.mark.django_db


def test_it_shows_the_roster_and_the_groups_units(client, cast):
    Participation.objects.filter(unit=cast.unit_a).update(phase_started_on=dt.date(2005, 2, 1))
    client.force_login(cast.user("group_member"))
    body = client.get(f"/groups/{cast.group1.pk}/").content.decode()
    assert "第一督导组" in body and "组成人员" in body
    assert "督导组组长：刘振华" in body and "督导组组员：何丽" in body
    assert "市档案馆" in body  # where the members come from
    assert "东城区财政局" in body and "学习动员" in body and "2005年2月1日" in body
    assert "督导单位 1 个，党员 6 名" in body
    assert "东城区教育局" not in body


def test_it_shows_the_office_a_group_without_members(client, cast):
    client.force_login(cast.user("office"))
    body = client.get(f"/groups/{cast.group2.pk}/").content.decode()
    assert "尚未配备人员" in body
    assert "东城区教育局" in body and "市档案馆" in body and "督导单位 2 个" in body
