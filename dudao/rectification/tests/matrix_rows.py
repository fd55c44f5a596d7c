"""This app's rows of the access matrix (dudao.testing.matrix): every URL pattern, the roles
that may open it, and a text the allowed page shows."""

from __future__ import annotations

from dudao.testing.matrix import ALL_ROLES, GROUP1, READ_ALL, UNIT_A, Row

ADMIN = {"admin"}
UNIT_PAGE = READ_ALL | GROUP1 | UNIT_A | ADMIN
CREATORS = {"office"} | GROUP1 | UNIT_A | ADMIN
CAMPAIGN = READ_ALL | GROUP1 | UNIT_A | {"inspector"} | ADMIN


def _part(c):
    from dudao.campaigns.models import Participation

    return Participation.objects.select_related("campaign__template").get(
        campaign=c.campaign, unit=c.unit_a
    )


def _item(c):
    """Unit A's item owned by the member (made once per cast)."""
    from dudao.rectification.actions import create_item
    from dudao.rectification.models import Item

    item = Item.objects.filter(participation__unit=c.unit_a).first()
    if item is None:
        item = create_item(
            actor=c.user("group_leader"),
            participation=_part(c),
            level="organisation",
            problem="矩阵测试问题：窗口午休无人值守",
            rect_class="immediate",
            measures="午间轮流值班",
            lead_person=c.people["member"],
            lead_post="窗口负责人",
        )
    return item


def _attachment(c):
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from dudao.rectification.actions import post_progress
    from dudao.rectification.models import Attachment

    from .helpers import PNG

    item = _item(c)
    att = Attachment.objects.filter(update__item=item).first()
    if att is None:
        post_progress(
            actor=c.user("member"),
            item=item,
            happened_on=dt.date.today(),
            text="已安排值班",
            files=[SimpleUploadedFile("值班.png", PNG, content_type="image/png")],
        )
        att = Attachment.objects.get(update__item=item)
    return att


def _public(c):
    from dudao.rectification.actions import publish_list

    _item(c)
    return publish_list(actor=c.user("liaison"), participation=_part(c))


ITEM = UNIT_PAGE | {"member"}
SHOW_ITEM = lambda c: "矩阵测试问题"  # noqa: E731

ROWS = [
    Row(
        "rect_todo",
        "rectification:todo",
        lambda c: "/rectification/todo/",
        ALL_ROLES,
        lambda c: "整改督办",
    ),
    Row(
        "rect_unit",
        "rectification:unit",
        lambda c: f"/rectification/units/{_part(c).pk}/",
        UNIT_PAGE,
        lambda c: "东城区财政局 · 整改事项",
    ),
    Row(
        "rect_item_new",
        "rectification:item_new",
        lambda c: f"/rectification/units/{_part(c).pk}/new/",
        CREATORS,
        lambda c: "登记整改事项",
        post=lambda c: {
            "level": "organisation",
            "problem": "p",
            "source_kind": "other",
            "rect_class": "immediate",
            "measures": "m",
        },
        post_allowed=CREATORS,
    ),
    Row(
        "rect_import",
        "rectification:import",
        lambda c: f"/rectification/units/{_part(c).pk}/import/",
        CREATORS,
        lambda c: "导入整改台账",
    ),
    Row(
        "rect_export",
        "rectification:export",
        lambda c: f"/rectification/units/{_part(c).pk}/ledger.xlsx",
        UNIT_PAGE,
    ),
    Row(
        "rect_publish",
        "rectification:publish",
        lambda c: f"/rectification/units/{_part(c).pk}/publish/",
        set(),
        post=lambda c: {},
        post_allowed=UNIT_A | ADMIN,
        post_only=True,
    ),
    Row(
        "rect_item",
        "rectification:item",
        lambda c: f"/rectification/items/{_item(c).pk}/",
        ITEM,
        SHOW_ITEM,
    ),
    Row(
        "rect_progress",
        "rectification:progress",
        lambda c: f"/rectification/items/{_item(c).pk}/progress/",
        set(),
        post=lambda c: {"happened_on": "2005-04-01", "text": "进展"},
        post_allowed={"member"} | UNIT_A,
        post_only=True,
    ),
    Row(
        "rect_apply_close",
        "rectification:apply_close",
        lambda c: f"/rectification/items/{_item(c).pk}/close/",
        set(),
        post=lambda c: {"evidence": "已完成"},
        post_allowed=set(),
        post_only=True,
    ),
    Row(
        "rect_sign_off",
        "rectification:sign_off",
        lambda c: f"/rectification/items/{_item(c).pk}/sign-off/",
        set(),
        post=lambda c: {"decision": "accept"},
        post_allowed=set(),
        post_only=True,
    ),
    Row(
        "rect_extension",
        "rectification:extension",
        lambda c: f"/rectification/items/{_item(c).pk}/extension/",
        set(),
        post=lambda c: {"new_deadline": "2099-01-01", "reason": "等批复"},
        post_allowed={"member"} | UNIT_A | ADMIN,
        post_only=True,
    ),
    Row(
        "rect_decide_extension",
        "rectification:decide_extension",
        lambda c: f"/rectification/items/{_item(c).pk}/extension/decide/",
        set(),
        post=lambda c: {"decision": "approve"},
        post_allowed=set(),
        post_only=True,
    ),
    Row(
        "rect_explain",
        "rectification:explain",
        lambda c: f"/rectification/items/{_item(c).pk}/explain/",
        set(),
        post=lambda c: {"explanation": "说明"},
        post_allowed=UNIT_A | ADMIN,
        post_only=True,
    ),
    Row(
        "rect_attachment",
        "rectification:attachment",
        lambda c: f"/rectification/attachments/{_attachment(c).pk}/",
        ITEM,
    ),
    Row(
        "rect_campaign",
        "rectification:campaign",
        lambda c: f"/rectification/campaigns/{c.campaign.pk}/",
        READ_ALL | ADMIN,
        lambda c: "整改落实总览",
    ),
    Row(
        "rect_campaign_list",
        "rectification:campaign_list",
        lambda c: f"/rectification/campaigns/{c.campaign.pk}/items/",
        CAMPAIGN,
        lambda c: "整改事项",
    ),
    Row(
        "rect_campaign_export",
        "rectification:campaign_export",
        lambda c: f"/rectification/campaigns/{c.campaign.pk}/items.xlsx",
        CAMPAIGN,
    ),
    Row(
        "rect_group",
        "rectification:group",
        lambda c: f"/rectification/groups/{c.group1.pk}/",
        READ_ALL | GROUP1 | ADMIN,
        lambda c: "整改落实情况",
    ),
    Row(
        "rect_public",
        "rectification_public:list",
        lambda c: f"/r/{_public(c).token}/",
        ALL_ROLES,
        lambda c: "整改情况公示",
        public=True,
    ),
    Row(
        "rect_public_qr",
        "rectification_public:qr",
        lambda c: f"/r/{_public(c).token}/qr.svg",
        ALL_ROLES,
        public=True,
    ),
]


def _regulation(c):
    import datetime as dt

    from dudao.rectification.models import Regulation
    from dudao.rectification.registers import register_regulation

    reg = Regulation.objects.filter(participation__unit=c.unit_a).first()
    if reg is None:
        reg = register_regulation(
            actor=c.user("liaison"),
            participation=_part(c),
            title="矩阵测试制度",
            adopted_on=dt.date(2005, 4, 1),
            adopted_by="财政局党委",
        )
    return reg


ROWS += [
    Row(
        "rect_registers",
        "rectification:registers",
        lambda c: f"/rectification/units/{_part(c).pk}/registers/",
        UNIT_PAGE,
        lambda c: "建章立制与专项行动",
    ),
    Row(
        "rect_regulation_add",
        "rectification:regulation_add",
        lambda c: f"/rectification/units/{_part(c).pk}/regulations/",
        set(),
        post=lambda c: {"title": "制度", "adopted_on": "2005-04-01", "adopted_by": "党委"},
        post_allowed=UNIT_A | ADMIN,
        post_only=True,
    ),
    # The matrix cast's template has no rectification plans: the page answers 404 to all
    # (who may pick passages of a real plan: test_it_makes_items_from_an_approved_plan.py).
    Row(
        "rect_from_plan",
        "rectification:from_plan",
        lambda c: f"/rectification/units/{_part(c).pk}/plans/1/",
        set(),
    ),
    Row(
        "rect_area_status",
        "rectification:area_status",
        lambda c: f"/rectification/units/{_part(c).pk}/areas/",
        set(),
        post=lambda c: {"area": "nowhere", "status": "in_progress", "version": "0"},
        post_allowed=UNIT_A | ADMIN,
        post_only=True,
    ),
    Row(
        "rect_action_add",
        "rectification:action_add",
        lambda c: f"/rectification/units/{_part(c).pk}/actions/",
        set(),
        post=lambda c: {
            "kind": "practice",
            "title": "送温暖",
            "held_on": "2005-04-01",
            "people": 1,
        },
        post_allowed=UNIT_A | ADMIN,
        post_only=True,
    ),
    Row(
        "rect_regulation_check",
        "rectification:regulation_check",
        lambda c: f"/rectification/regulations/{_regulation(c).pk}/check/",
        set(),
        post=lambda c: {"decision": "in_force"},
        post_allowed={"office"} | ADMIN,
        post_only=True,
    ),
    Row(
        "rect_look_back",
        "rectification:look_back",
        lambda c: f"/rectification/units/{_part(c).pk}/look-back/",
        UNIT_PAGE,
        lambda c: "东城区财政局 · 回头看",
    ),
    Row(
        "rect_item_look_back",
        "rectification:item_look_back",
        lambda c: f"/rectification/items/{_item(c).pk}/look-back/",
        set(),
        post=lambda c: {"outcome": "explained", "note": "说明"},
        post_allowed=UNIT_A | ADMIN,
        post_only=True,
    ),
]
