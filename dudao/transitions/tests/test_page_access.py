"""Every transition page as every role: allowed → 200 with the unit's data; denied → 404."""

from __future__ import annotations

import pytest

from dudao.testing import ROLES
from dudao.transitions.actions import propose_extension

from .helpers import apply, part

pytestmark = pytest.mark.django_db

READ_ALL = {"office", "leading"}
GROUP1 = {"group_leader", "group_member"}
UNIT_A = {"unit_head", "liaison"}

PAGES = [
    (
        "report A",
        lambda c: f"/transitions/report/{part(c).pk}/",
        READ_ALL | GROUP1 | UNIT_A,
        "转段要求核查",
    ),
    (
        "report B",
        lambda c: f"/transitions/report/{part(c, c.unit_b).pk}/",
        READ_ALL,
        "东城区教育局",
    ),
    (
        "report C",
        lambda c: f"/transitions/report/{part(c, c.unit_c).pk}/",
        READ_ALL | {"inspector"},
        "市档案馆",
    ),
    (
        "timeline A",
        lambda c: f"/transitions/timeline/{part(c).pk}/",
        READ_ALL | GROUP1 | UNIT_A,
        "阶段进程",
    ),
    (
        "timeline B",
        lambda c: f"/transitions/timeline/{part(c, c.unit_b).pk}/",
        READ_ALL,
        "东城区教育局",
    ),
    ("unit page A", lambda c: f"/transitions/units/{part(c).pk}/", UNIT_A, "提出转段申请"),
    ("unit page B", lambda c: f"/transitions/units/{part(c, c.unit_b).pk}/", set(), "东城区教育局"),
    (
        "application A",
        lambda c: f"/transitions/applications/{apply(c).pk}/",
        READ_ALL | GROUP1 | UNIT_A,
        "阶段小结",
    ),
    (
        "application B",
        lambda c: f"/transitions/applications/{apply(c, c.unit_b, role='head_b').pk}/",
        READ_ALL,
        "东城区教育局",
    ),
    (
        "extension form A",
        lambda c: f"/transitions/units/{part(c).pk}/extension/",
        GROUP1,
        "建议延长阶段",
    ),
    (
        "extension form B",
        lambda c: f"/transitions/units/{part(c, c.unit_b).pk}/extension/",
        set(),
        "东城区教育局",
    ),
    (
        "group1 dashboard",
        lambda c: f"/transitions/groups/{c.group1.pk}/",
        READ_ALL | GROUP1,
        "转段审核",
    ),
    ("group2 dashboard", lambda c: f"/transitions/groups/{c.group2.pk}/", READ_ALL, "第二督导组"),
    (
        "campaign dashboard",
        lambda c: f"/transitions/campaigns/{c.campaign.pk}/",
        READ_ALL,
        "转段总览",
    ),
    ("unknown application", lambda c: "/transitions/applications/999999/", set(), "转段"),
]


@pytest.mark.parametrize("name, url, allowed, shows", PAGES, ids=[p[0] for p in PAGES])
def test_it_shows_each_page_exactly_to_the_roles_in_scope(client, cast, name, url, allowed, shows):
    target = url(cast)
    wrong = []
    for role in ROLES:
        client.force_login(cast.user(role))
        response = client.get(target)
        expected = 200 if role in allowed else 404
        if response.status_code != expected:
            wrong.append(f"{role}: {response.status_code} (expected {expected})")
        elif expected == 200 and shows not in response.content.decode():
            wrong.append(f"{role}: page lacks {shows!r}")
        elif expected == 404 and name.endswith("B") and "东城区教育局" in response.content.decode():
            wrong.append(f"{role}: 404 page leaks the unit name")
    assert not wrong, f"{target}: " + "; ".join(wrong)


def test_it_asks_anonymous_visitors_to_log_in(client, cast):
    for _name, url, _allowed, _shows in PAGES:
        response = client.get(url(cast))
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def _post_urls(c):
    app = apply(c)
    ext = propose_extension(
        actor=c.user("group_leader"), participation=part(c), days=5, reason="补开组织生活会"
    )
    return [
        (f"/transitions/units/{part(c).pk}/apply/", {"summary": "小结"}, UNIT_A),
        (f"/transitions/applications/{app.pk}/forward/", {"version": 1}, GROUP1),
        (
            f"/transitions/applications/{app.pk}/remedial/",
            {"version": 1, "reason": "r", "work": "w"},
            GROUP1,
        ),
        (f"/transitions/applications/{app.pk}/approve/", {"version": 1}, {"office"}),
        (
            f"/transitions/applications/{app.pk}/send-back/",
            {"version": 1, "reason": "r"},
            {"office"},
        ),
        (f"/transitions/applications/{app.pk}/meeting/", {"meeting": 1}, UNIT_A),
        (
            f"/transitions/extensions/{ext.pk}/decide/",
            {"version": 1, "decision": "approve"},
            {"office"},
        ),
    ]


# Who sees unit A's transition pages (and so is told "403, not yours to decide" rather than 404).
SEES_UNIT_A = {"office", "leading", "group_leader", "group_member", "unit_head", "liaison"}


def test_it_refuses_a_decision_posted_by_a_role_that_may_not_take_it(client, cast):
    """403 with the reason for who sees the unit, 404 for anyone else; nothing recorded."""
    from dudao.core.models import AuditEvent

    before = AuditEvent.objects.count()
    for url, data, allowed in _post_urls(cast):
        before = AuditEvent.objects.count()
        for role in set(ROLES) - allowed:
            client.force_login(cast.user(role))
            response = client.post(url, data)
            expected = 403 if role in SEES_UNIT_A else 404
            assert response.status_code == expected, (url, role, response.status_code)
            if expected == 403:
                assert "只有" in response.content.decode(), (url, role)
        assert AuditEvent.objects.count() == before, url
