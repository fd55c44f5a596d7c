"""Items from a plan's approval (issue 11 §1): the unit or its group picks passages of an
approved rectification plan; each becomes an item of the plan's level with the class picked and
the class's default deadline, linked to the approved version; picking again adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dudao.campaigns.template_loader import load_builtin_template
from dudao.core.errors import DomainError
from dudao.rectification import actions
from dudao.rectification.models import Item
from dudao.rectification.tests.helpers import part
from dudao.reviews.models import Document, DocumentVersion
from dudao.testing import build_cast

pytestmark = pytest.mark.django_db

PLAN = """东城区财政局党委整改方案
一、窗口单位午休时间无人值守，群众办事难。
措施：实行午间轮流值班，公开值班电话。

二、会议文件偏多，基层负担较重。
"""


@pytest.fixture
def cast05(db):
    return build_cast(template=load_builtin_template("xianjinxing-2005"))


def _plan(cast, *, kind="grassroots_rectification_plan", status="approved", author=None):
    p = part(cast)
    doc = Document.objects.create(
        campaign=p.campaign,
        participation=p,
        kind=kind,
        phase="rectify",
        title="基层党组织整改方案",
        status=status,
        author=author,
        created_by=cast.user("liaison"),
    )
    for number, text in ((1, "初稿"), (2, PLAN)):
        DocumentVersion.objects.create(
            document=doc, number=number, text=text, submitted_by=cast.user("liaison"),
            submitted_at=timezone.now(),
        )  # fmt: skip
    return doc


def test_picked_passages_become_items_of_the_plans_level_once(cast05):
    doc = _plan(cast05)
    p = part(cast05)
    made = actions.items_from_plan(
        actor=cast05.user("group_leader"),
        participation=p,
        document=doc,
        picks={1: "immediate", 3: "gradual"},
    )
    assert [(i.problem, i.rect_class, i.level) for i in made] == [
        ("一、窗口单位午休时间无人值守，群众办事难。", "immediate", "organisation"),
        ("二、会议文件偏多，基层负担较重。", "gradual", "organisation"),
    ]
    version = doc.versions.get(number=2)
    assert {i.source_kind for i in made} == {"plan"} and {i.source_id for i in made} == {version.pk}
    assert made[0].deadline == dt.date.today() + dt.timedelta(days=7)  # the template's 7 days
    again = actions.items_from_plan(
        actor=cast05.user("liaison"), participation=p, document=doc, picks={1: "near_term"}
    )
    assert again == [] and Item.objects.count() == 2


def test_a_members_own_plan_gives_his_items_and_an_unapproved_plan_gives_none(cast05):
    member = cast05.people["member"]
    doc = _plan(cast05, kind="personal_rectification_plan", author=member)
    (item,) = actions.items_from_plan(
        actor=cast05.user("liaison"),
        participation=part(cast05),
        document=doc,
        picks={2: "near_term"},
    )
    assert item.level == "individual" and item.person == member and item.lead_person == member
    draft = _plan(cast05, status="submitted")
    with pytest.raises(DomainError, match="审核通过后"):
        actions.items_from_plan(
            actor=cast05.user("liaison"), participation=part(cast05), document=draft,
            picks={1: "immediate"},
        )  # fmt: skip
    with pytest.raises(DomainError, match="不在这份整改方案中"):
        actions.items_from_plan(
            actor=cast05.user("liaison"), participation=part(cast05), document=doc,
            picks={99: "immediate"},
        )  # fmt: skip


def test_the_page_lists_the_passages_and_registers_the_picked_ones(cast05, client):
    doc = _plan(cast05)
    p = part(cast05)
    client.force_login(cast05.user("liaison"))
    unit = client.get(f"/rectification/units/{p.pk}/").content.decode()
    assert f"/rectification/units/{p.pk}/plans/{doc.pk}/" in unit
    url = f"/rectification/units/{p.pk}/plans/{doc.pk}/"
    page = client.get(url).content.decode()
    assert "会议文件偏多" in page and "第 2 稿" in page
    body = {"pick": ["1"], "class-1": "immediate"}
    r = client.post(url, body, follow=True)
    assert "已从整改方案登记 1 项整改事项" in r.content.decode()
    r = client.post(url, body, follow=True)  # a double submit
    assert "没有重复登记" in r.content.decode() and Item.objects.count() == 1
    client.force_login(cast05.user("member"))
    assert client.get(url).status_code == 404
