"""Every page renders its Chinese headings with no template error: rendered with a
``string_if_invalid`` marker, so a misspelt or missing variable shows up as a failure."""

from __future__ import annotations

import copy

import pytest
from django.conf import settings
from django.test import override_settings

pytestmark = pytest.mark.django_db

MARKER = "!!缺少变量!!"

# (role, url builder, headings the page must show)
PAGES = [
    ("outsider", lambda c: "/login/", ["登录督导通", "账号", "密码"]),
    ("office", lambda c: "/", ["活动", "参加单位", "督导组", "单位总览"]),
    ("group_leader", lambda c: "/", ["第一督导组", "当前阶段", "党员数"]),
    ("inspector", lambda c: "/", ["巡回检查", "市档案馆"]),
    ("unit_head", lambda c: "/", ["当前阶段", "批次", "督导组"]),
    ("secretary", lambda c: "/", ["财政局第一支部", "名党员"]),
    ("member", lambda c: "/", ["我的信息"]),
    ("outsider", lambda c: "/", ["您的账号尚未分配角色，请联系活动办公室"]),
    (
        "office",
        lambda c: f"/campaigns/{c.campaign.pk}/overview/",
        ["单位总览", "批次", "阶段", "督导组", "导出 Excel"],
    ),
    (
        "unit_head",
        lambda c: f"/campaigns/{c.campaign.pk}/overview/",
        ["单位总览", "党员数", "本阶段开始"],
    ),
    (
        "office",
        lambda c: f"/campaigns/{c.campaign.pk}/overview/?phase=rectify",
        ["没有符合条件的单位"],
    ),
    ("office", lambda c: f"/units/{c.unit_a.pk}/", ["领导班子", "党组织", "党员名单", "活动档案"]),
    ("office", lambda c: f"/units/{c.unit_d.pk}/", None),  # outside the campaign: 404
    ("office", lambda c: f"/groups/{c.group1.pk}/", ["组成人员", "督导单位"]),
    ("office", lambda c: f"/groups/{c.group2.pk}/", ["尚未配备人员"]),
    ("secretary", lambda c: f"/orgs/{c.branch_a1.pk}/", ["党员 3 名", "所在支部"]),
    ("office", lambda c: f"/orgs/{c.city.pk}/", ["下属组织", "东城区委"]),
    ("member", lambda c: f"/people/{c.people['member'].pk}/", ["人员类别", "所在支部", "入党日期"]),
    ("office", lambda c: f"/people/{c.people['group_leader'].pk}/", ["担任角色"]),
]


def _strict_templates():
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = MARKER
    return templates


@pytest.mark.parametrize(
    "role,url,headings", PAGES, ids=[f"{p[0]}:{i}" for i, p in enumerate(PAGES)]
)
def test_it_renders_the_page_in_chinese_without_template_errors(client, cast, role, url, headings):
    if not url(cast).startswith("/login/"):
        client.force_login(cast.user(role))
    with override_settings(TEMPLATES=_strict_templates()):
        response = client.get(url(cast))
    if headings is None:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert MARKER not in body, body[max(0, body.index(MARKER) - 300) : body.index(MARKER) + 50]
    for heading in headings:
        assert heading in body, heading
    assert '<html lang="zh-Hans">' in body
