"""This app's rows of the access matrix (dudao.testing.matrix): every URL pattern, the roles
that may open it, and a text the allowed page shows."""

from __future__ import annotations

from dudao.testing.matrix import ALL_ROLES, GROUP1, READ_ALL, UNIT_A, Row

ADMIN = {"admin"}
UNIT_PAGE = READ_ALL | GROUP1 | UNIT_A | ADMIN
CREATORS = {"office"} | GROUP1 | UNIT_A | ADMIN
TEXT = "矩阵测试意见：窗口午休无人值守"


def _part(c):
    from dudao.campaigns.models import Participation

    return Participation.objects.select_related("campaign__template", "unit").get(
        campaign=c.campaign, unit=c.unit_a
    )


def _opinion(c, text=TEXT):
    """Unit A's opinions (made once per cast)."""
    import datetime as dt

    from dudao.opinions.actions import record_opinion
    from dudao.opinions.models import Opinion

    o = Opinion.objects.filter(participation__unit=c.unit_a, text=text).first()
    if o is None:
        o = record_opinion(
            actor=c.user("liaison"),
            participation=_part(c),
            channel="forum",
            giver_kind="service",
            given_on=dt.date(2005, 3, 1),
            target_kind="team",
            text=text,
        )
    return o


def _twin(c):
    _opinion(c)
    return _opinion(c, TEXT + "！")


def _box(c):
    from dudao.opinions.actions import open_box

    return open_box(actor=c.user("liaison"), participation=_part(c))


ROWS = [
    Row("op_home", "opinions:home", lambda c: "/opinions/", ALL_ROLES, lambda c: "征求意见"),
    Row("op_mine", "opinions:mine", lambda c: "/opinions/mine/", ALL_ROLES, lambda c: "对我的意见"),
    Row(
        "op_unit",
        "opinions:unit",
        lambda c: f"/opinions/units/{_opinion(c).participation_id}/",
        UNIT_PAGE,
        lambda c: TEXT,
    ),
    Row(
        "op_new",
        "opinions:new",
        lambda c: f"/opinions/units/{_part(c).pk}/new/",
        CREATORS,
        lambda c: "登记意见",
        post=lambda c: {
            "text": "新的意见",
            "channel": "forum",
            "giver_kind": "member",
            "given_on": "2005-03-01",
            "target_kind": "team",
        },
        post_allowed=CREATORS,
    ),
    Row(
        "op_import",
        "opinions:import",
        lambda c: f"/opinions/units/{_part(c).pk}/import/",
        CREATORS,
        lambda c: "导入意见汇总表",
    ),
    Row(
        "op_export",
        "opinions:export",
        lambda c: f"/opinions/units/{_part(c).pk}/opinions.xlsx",
        UNIT_PAGE,
    ),
    Row(
        "op_duplicates",
        "opinions:duplicates",
        lambda c: f"/opinions/units/{_twin(c).participation_id}/duplicates/",
        UNIT_PAGE,
        lambda c: "合并同类意见",
        post=lambda c: {"keep": _opinion(c).pk, "merge": [_twin(c).pk]},
        post_allowed=CREATORS,
    ),
    Row(
        "op_feedback",
        "opinions:feedback",
        lambda c: f"/opinions/units/{_opinion(c).participation_id}/feedback/",
        UNIT_A,
        lambda c: "向班子成员或全体党员集体反馈",
        post=lambda c: {
            "opinion": [_opinion(c).pk],
            "form": "meeting",
            "fed_back_on": "2005-03-10",
            "outcome": "answered",
        },
        post_allowed=UNIT_A,
    ),
    Row(
        "op_box",
        "opinions:box",
        lambda c: f"/opinions/units/{_part(c).pk}/box/",
        UNIT_PAGE,
        lambda c: "意见箱收到的意见",
        post=lambda c: {},
        post_allowed=UNIT_A | {"office"} | ADMIN,
    ),
    Row(
        "op_detail",
        "opinions:detail",
        lambda c: f"/opinions/opinions/{_opinion(c).pk}/",
        UNIT_PAGE,
        lambda c: TEXT,
    ),
    Row(
        "op_classify",
        "opinions:classify",
        lambda c: f"/opinions/opinions/{_opinion(c).pk}/classify/",
        set(),
        post=lambda c: {"codes": ["thought"]},
        post_allowed=CREATORS,
        post_only=True,
    ),
    Row(
        "op_hide",
        "opinions:hide",
        lambda c: f"/opinions/opinions/{_opinion(c).pk}/hide/",
        set(),
        post=lambda c: {"reason": "与本单位无关"},
        post_allowed={"office"} | GROUP1 | ADMIN,
        post_only=True,
    ),
    Row(
        "op_to_item",
        "opinions:to_item",
        lambda c: f"/opinions/opinions/{_opinion(c).pk}/to-item/",
        set(),
        post=lambda c: {"rect_class": "immediate", "measures": "午间轮流值班"},
        post_allowed=UNIT_A | GROUP1,
        post_only=True,
    ),
    Row(
        "op_unmerge",
        "opinions:unmerge",
        lambda c: f"/opinions/opinions/{_opinion(c).pk}/unmerge/",
        set(),
        post=lambda c: {},
        post_allowed=set(),
        post_only=True,
    ),
    Row(
        "op_public_box",
        "opinions_public:box",
        lambda c: f"/s/box/{_box(c).token}/",
        ALL_ROLES,
        lambda c: "意见箱",
        post=lambda c: {"text": "矩阵测试：公开意见箱", "target_kind": "team"},
        public=True,
    ),
]
