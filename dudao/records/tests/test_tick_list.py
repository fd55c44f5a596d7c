"""The attendance tick list: every member a checkbox row; 全选/全不选 work without JavaScript
(the buttons re-render the form, saving nothing) and with it; per-member hours override."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dudao.records.models import Attendance, StudySession

pytestmark = pytest.mark.django_db

FORM = {
    "phase": "study",
    "kind": "concentrated",
    "date": "2005-01-29",
    "hours": "4",
    "topic": "学习党章",
    "token": "tick-list-1",
}


def test_select_all_without_javascript_ticks_every_member_and_saves_nothing(client, cast, pa):
    client.force_login(cast.user("liaison"))
    body = client.post(f"/records/{pa.pk}/sessions/new/", {**FORM, "tick": "all"}).content.decode()
    assert not StudySession.objects.exists()
    assert body.count('name="present"') == 6 and body.count("checked") >= 6
    assert 'value="学习党章"' in body  # what was typed is kept
    body = client.post(f"/records/{pa.pk}/sessions/new/", {**FORM, "tick": "none"}).content.decode()
    assert "已选 0 / 6 人" in body


def test_saving_with_ticks_and_an_hours_override(client, cast, pa):
    client.force_login(cast.user("liaison"))
    p = cast.people
    response = client.post(
        f"/records/{pa.pk}/sessions/new/",
        {
            **FORM,
            "present": [p["head"].pk, p["member"].pk],
            f"hours_{p['member'].pk}": "2.5",
            f"hours_{p['liaison'].pk}": "3",  # not ticked: ignored
            "save": "1",
        },
    )
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("person_id", "hours")) == {
        p["head"].pk: Decimal("4.0"),
        p["member"].pk: Decimal("2.5"),
    }


def test_a_secretary_sees_only_his_branch_on_the_tick_list(client, cast, pa):
    client.force_login(cast.user("secretary"))
    body = client.get(f"/records/{pa.pk}/sessions/new/").content.decode()
    assert "张志强" in body and "陈𠮷" not in body and "全单位" not in body
