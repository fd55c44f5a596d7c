from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

EXPECT = {
    "office": ["测试活动", "单位总览", "活动设置"],
    "leading": ["测试活动", "单位总览"],
    "group_leader": ["第一督导组", "东城区财政局"],
    "group_member": ["第一督导组", "东城区财政局"],
    "inspector": ["第一巡回检查组", "市档案馆"],
    "unit_head": ["东城区财政局", "当前阶段"],
    "liaison": ["东城区财政局"],
    "secretary": ["财政局第一支部", "张志强"],
    "member": ["我的信息", "陈𠮷"],
    "outsider": ["您的账号尚未分配角色，请联系活动办公室"],
}
ABSENT = {
    "leading": ["活动设置"],
    "group_member": ["东城区教育局"],
    "inspector": ["东城区财政局"],
    "secretary": ["王建国"],  # not in branch A1's... he is; check another branch's member instead
    "member": ["单位总览"],
}
ABSENT["secretary"] = ["孙流动"]  # a member of branch A2


@pytest.mark.parametrize("role", list(EXPECT))
def test_it_shows_each_role_its_own_home(client, cast, role):
    client.force_login(cast.user(role))
    body = client.get("/").content.decode()
    for text in EXPECT[role]:
        assert text in body, f"{role} home lacks {text}"
    for text in ABSENT.get(role, []):
        assert text not in body, f"{role} home shows {text}"
