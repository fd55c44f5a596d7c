"""The rows proposed for dudao/web/tests/test_access_matrix.py, checked here on the plain test
cast (a template without document kinds: the pages must still render, and scope still holds)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from dudao.reviews.models import Document, DocumentVersion
from dudao.testing import PASSWORD, ROLES

READ_ALL = {"office", "leading"}
GROUP1 = {"group_leader", "group_member"}
UNIT_A = {"unit_head", "liaison"}


def _review_doc(c, *, personal=False):
    p = c.campaign.participations.get(unit=c.unit_a)
    doc = Document.objects.create(
        campaign=c.campaign,
        participation=p,
        kind="implementation_plan",
        phase=p.current_phase,
        author=c.people["member"] if personal else None,
        title="矩阵测试文书-个人" if personal else "矩阵测试文书",
        status="submitted",
        created_by=c.users["admin"],
    )
    for n in (1, 2):
        DocumentVersion.objects.create(
            document=doc,
            number=n,
            text=f"第{n}稿正文",
            char_count=4,
            submitted_by=c.users["admin"],
            submitted_at=timezone.now(),
        )
    return doc


ROWS = [
    (
        "detail",
        lambda c: f"/reviews/{_review_doc(c).pk}/",
        READ_ALL | GROUP1 | UNIT_A,
        "矩阵测试文书",
    ),
    (
        "personal",
        lambda c: f"/reviews/{_review_doc(c, personal=True).pk}/",
        READ_ALL | GROUP1 | UNIT_A | {"member"},
        "矩阵测试文书-个人",
    ),
    (
        "diff",
        lambda c: f"/reviews/{_review_doc(c).pk}/diff/",
        READ_ALL | GROUP1 | UNIT_A,
        "第1稿 → 第2稿",
    ),
    (
        "list",
        lambda c: f"/reviews/c/{c.campaign.pk}/",
        READ_ALL | GROUP1 | UNIT_A | {"member", "secretary"},
        "文书审核",
    ),
    (
        "new",
        lambda c: f"/reviews/c/{c.campaign.pk}/new/",
        UNIT_A | GROUP1 | {"member", "secretary"},
        "提交文书",
    ),
    ("copies", lambda c: f"/reviews/c/{c.campaign.pk}/copies/", READ_ALL | GROUP1, "雷同"),
    ("load", lambda c: f"/reviews/c/{c.campaign.pk}/load/", READ_ALL | GROUP1, "审阅字数"),
    ("references", lambda c: f"/reviews/c/{c.campaign.pk}/references/", {"office"}, "比对参考文本"),
]


@pytest.mark.parametrize("name", [r[0] for r in ROWS])
def test_each_page_as_each_role(cast, name):
    _name, url_of, allowed, text = next(r for r in ROWS if r[0] == name)
    url = url_of(cast)
    for role in ROLES:
        client = Client()
        assert client.login(username=cast.user(role).username, password=PASSWORD)
        response = client.get(url)
        assert response.status_code == (200 if role in allowed else 404), (role, url)
        body = response.content.decode()
        assert (text in body) == (role in allowed) or text == "文书审核", (role, url)


def test_the_entry_redirects_to_the_only_campaign(cast):
    client = Client()
    client.login(username="liaison", password=PASSWORD)
    response = client.get("/reviews/")
    assert response.status_code == 302
    assert response["Location"] == f"/reviews/c/{cast.campaign.pk}/"
    client.login(username="outsider", password=PASSWORD)
    assert "没有参加" in client.get("/reviews/").content.decode()
