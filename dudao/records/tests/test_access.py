"""Every record page as every role of the cast: allowed → 200 (with the unit's data), everyone
else → 404, never 403. The supervision group reads and never gets a form to write."""

from __future__ import annotations

import pytest

from dudao.campaigns.models import Participation
from dudao.records import actions
from dudao.testing import ROLES

from .conftest import MONDAY, SATURDAY

pytestmark = pytest.mark.django_db

READ_ALL = {"office", "leading"}
GROUP1 = {"group_leader", "group_member"}
UNIT_A = {"unit_head", "liaison"}
READERS = READ_ALL | GROUP1 | UNIT_A
SESSIONS = READERS | {"secretary"}


@pytest.fixture
def objects(cast, pa):
    liaison = cast.user("liaison")
    session = actions.record_session(
        actor=liaison,
        participation=pa,
        kind="concentrated",
        date=SATURDAY,
        hours=4,
        topic="学习党章",
        attendance=[cast.people["member"].pk],
    )
    meeting = actions.record_meeting(
        actor=liaison, participation=pa, kind="mobilisation", date=SATURDAY, title="动员大会"
    )
    test = actions.record_test(actor=liaison, participation=pa, date=MONDAY, title="百题测试")
    actions.enter_test_results(
        actor=liaison, test=test, results=[(cast.people["member"].pk, 91, "")]
    )
    pb = Participation.objects.get(campaign=cast.campaign, unit=cast.unit_b)
    return {"pa": pa, "pb": pb, "session": session, "meeting": meeting, "test": test}


def _pages(o):
    a, b = o["pa"].pk, o["pb"].pk
    s, m, t = o["session"].pk, o["meeting"].pk, o["test"].pk
    return [
        ("hub", f"/records/{a}/", SESSIONS, "东城区财政局"),
        ("own", f"/records/{a}/me/", UNIT_A | {"secretary", "member"}, "我的学习记录"),
        ("hours", f"/records/{a}/hours/", READERS, "陈𠮷"),
        ("hours export", f"/records/{a}/hours/export.xlsx", READERS, None),
        ("sessions", f"/records/{a}/sessions/", SESSIONS, "学习党章"),
        ("sessions export", f"/records/{a}/sessions/export.xlsx", SESSIONS, None),
        ("session new", f"/records/{a}/sessions/new/", UNIT_A | {"secretary"}, "参加人员"),
        ("session", f"/records/{a}/sessions/{s}/", SESSIONS, "学习党章"),
        ("meetings", f"/records/{a}/meetings/", SESSIONS, "动员大会"),
        ("meetings export", f"/records/{a}/meetings/export.xlsx", SESSIONS, None),
        ("meeting new", f"/records/{a}/meetings/new/", UNIT_A | {"secretary"}, "登记会议"),
        ("meeting", f"/records/{a}/meetings/{m}/", SESSIONS, "动员大会"),
        ("tests", f"/records/{a}/tests/", READERS, "百题测试"),
        ("tests export", f"/records/{a}/tests/export.xlsx", READERS, None),
        ("test new", f"/records/{a}/tests/new/", UNIT_A, "登记知识检测"),
        ("test scores", f"/records/{a}/tests/{t}/", READERS, "陈𠮷"),
        ("test export", f"/records/{a}/tests/{t}/export.xlsx", READERS, None),
        ("scores import", f"/records/{a}/tests/{t}/import/", UNIT_A, "导入成绩"),
        ("scores template", f"/records/{a}/tests/{t}/template.xlsx", UNIT_A, None),
        ("activities", f"/records/{a}/activities/", READERS, "好人好事"),
        ("activities export", f"/records/{a}/activities/export.xlsx", READERS, None),
        ("activity new", f"/records/{a}/activities/new/", UNIT_A, "事迹或活动内容"),
        ("exemptions", f"/records/{a}/exemptions/", READERS, "免于要求"),
        ("exemptions export", f"/records/{a}/exemptions/export.xlsx", READERS, None),
        ("exemption new", f"/records/{a}/exemptions/new/", UNIT_A, "情况说明"),
        ("talks", f"/records/{a}/talks/", READERS, "谈心谈话"),
        ("talks export", f"/records/{a}/talks/export.xlsx", READERS, None),
        ("talk new", f"/records/{a}/talks/new/", UNIT_A, "谈话对象"),
        ("problems export", f"/records/{a}/problems/export.xlsx", READERS, None),
        ("problem new", f"/records/{a}/problems/new/", UNIT_A, "查摆"),
        ("criticisms export", f"/records/{a}/criticisms/export.xlsx", READERS, None),
        ("criticism new", f"/records/{a}/criticisms/new/", UNIT_A, "被批评人"),
        ("notes", f"/records/{a}/notes/", READERS, "陈𠮷"),
        ("note new", f"/records/{a}/notes/new/", UNIT_A | {"secretary", "member"}, "学习心得"),
        ("attendance import", f"/records/{a}/import/attendance/", UNIT_A, "导入学习记录和出勤"),
        ("attendance template", f"/records/{a}/import/attendance/template.xlsx", UNIT_A, None),
        ("unit B hub", f"/records/{b}/", READ_ALL, "东城区教育局"),
        ("unit B sessions", f"/records/{b}/sessions/", READ_ALL, "学习记录"),
        ("unit B session new", f"/records/{b}/sessions/new/", set(), None),
        ("unit A session under unit B", f"/records/{b}/sessions/{s}/", set(), None),
        ("no such participation", "/records/999999/", set(), None),
    ]


def test_it_allows_exactly_the_roles_in_scope(client, cast, objects):
    wrong = []
    for name, url, allowed, shows in _pages(objects):
        for role in ROLES:
            client.force_login(cast.user(role))
            response = client.get(url)
            expected = 200 if role in allowed else 404
            if response.status_code != expected:
                wrong.append(f"{name} as {role}: {response.status_code}, expected {expected}")
                continue
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if expected == 200 and shows and shows not in body.decode():
                wrong.append(f"{name} as {role}: does not show {shows!r}")
            if expected == 404 and "学习党章" in body.decode(errors="ignore"):
                wrong.append(f"{name} as {role}: 404 page leaks a record")
    assert not wrong, "\n".join(wrong)


def test_it_asks_anonymous_visitors_to_log_in(client, objects):
    for _name, url, _allowed, _shows in _pages(objects):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_the_supervision_group_sees_no_write_buttons_and_cannot_post(client, cast, objects):
    a = objects["pa"].pk
    client.force_login(cast.user("group_leader"))
    body = client.get(f"/records/{a}/sessions/").content.decode()
    assert "登记学习" not in body and "Excel 导入" not in body
    scores = client.get(f"/records/{a}/tests/{objects['test'].pk}/").content.decode()
    assert "保存成绩" not in scores and 'name="score_' not in scores
    response = client.post(
        f"/records/{a}/tests/{objects['test'].pk}/", {f"score_{cast.people['member'].pk}": "10"}
    )
    assert response.status_code == 404
    response = client.post(
        f"/records/{a}/sessions/{objects['session'].pk}/delete/", {"reason": "督导组删除"}
    )
    assert response.status_code == 404


def test_a_member_sees_only_his_own_attendance_and_scores(client, cast, objects):
    client.force_login(cast.user("member"))
    body = client.get(f"/records/{objects['pa'].pk}/me/").content.decode()
    assert "学习党章" in body and "91" in body and "陈𠮷" in body
    assert "王建国" not in body
