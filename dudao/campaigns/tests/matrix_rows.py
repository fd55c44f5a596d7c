"""Access-matrix rows of the campaign set-up pages (office only; the leading group reads the
campaign elsewhere but never manages it)."""

from __future__ import annotations

import base64

from dudao.campaigns.template_loader import builtin_template_paths
from dudao.testing.matrix import OFFICE, Row, other_campaign, part

OFFICE_OR_ADMIN = {"office", "admin"}


def _batch(c):
    return c.campaign.batches.get(number=1)


def _content(_cast) -> dict:
    raw = next(p for p in builtin_template_paths() if p.stem == "qunzhong-luxian-2014")
    return {"content": base64.b64encode(raw.read_bytes()).decode(), "file_name": "t.yaml"}


ROWS = [
    Row(
        "campaign new",
        "campaign_new",
        lambda c: "/campaigns/new/",
        OFFICE,
        lambda c: "新建活动",
        post=lambda c: {
            "template": c.campaign.template_id,
            "root": c.city.pk,
            "name": "矩阵新活动",
            "short_name": "矩阵活动",
            "start_date": "2026-01-05",
        },
    ),
    Row(
        "campaign new, another root",
        "campaign_new",
        lambda c: "/campaigns/new/",
        OFFICE,
        post=lambda c: {
            "template": c.campaign.template_id,
            "root": c.unit_d.parent_id,
            "name": "他市活动",
            "start_date": "2026-01-05",
        },
        # The office may open the page, but the other city is no choice: a form error, no write.
        post_allowed=set(),
    ),
    Row(
        "campaign setup",
        "campaign_setup",
        lambda c: f"/campaigns/{c.campaign.pk}/setup/",
        OFFICE,
        lambda c: "活动设置",
    ),
    Row(
        "setup of another campaign",
        "campaign_setup",
        lambda c: f"/campaigns/{other_campaign(c).pk}/setup/",
        set(),
    ),
    Row(
        "campaign edit",
        "campaign_edit",
        lambda c: f"/campaigns/{c.campaign.pk}/edit/",
        OFFICE,
        post=lambda c: {
            "name": "改名的活动",
            "short_name": "改名",
            "start_date": "2005-01-23",
            "reason": "矩阵",
        },
        post_only=True,
    ),
    Row(
        "campaign edit, another campaign",
        "campaign_edit",
        lambda c: f"/campaigns/{other_campaign(c).pk}/edit/",
        set(),
        post=lambda c: {"name": "改名", "short_name": "改名", "start_date": "2005-01-23"},
        post_only=True,
    ),
    Row(
        "batch save",
        "campaign_batch_save",
        lambda c: f"/campaigns/{c.campaign.pk}/batches/",
        OFFICE,
        post=lambda c: {"number": 3, "name": "第三批", "scope": "乡镇"},
        post_only=True,
    ),
    Row(
        "batch edit",
        "campaign_batch_edit",
        lambda c: f"/campaigns/{c.campaign.pk}/batches/{_batch(c).pk}/edit/",
        OFFICE,
        post=lambda c: {"name": "第一批（改）", "scope": "机关"},
        post_only=True,
    ),
    Row(
        "batch edit, another campaign's batch",
        "campaign_batch_edit",
        lambda c: (
            f"/campaigns/{c.campaign.pk}/batches/{other_campaign(c).batches.get(number=1).pk}/edit/"
        ),
        set(),
        post=lambda c: {"name": "偷改", "scope": ""},
        post_only=True,
    ),
    Row(
        "group new",
        "campaign_group_new",
        lambda c: f"/campaigns/{c.campaign.pk}/groups/new/",
        OFFICE,
        lambda c: "新建督导组",
        post=lambda c: {"code": "G09", "name": "第九督导组", "batch": _batch(c).pk},
    ),
    Row(
        "group edit",
        "campaign_group_edit",
        lambda c: f"/campaigns/{c.campaign.pk}/groups/{c.group1.pk}/edit/",
        OFFICE,
        lambda c: f"修改{c.group1.name}",
        post=lambda c: {
            "name": "第一督导组",
            "batch": _batch(c).pk,
            "leader": "group_leader",
            "members": "group_member",
        },
    ),
    Row(
        "people search",
        "campaign_people_search",
        lambda c: f"/campaigns/{c.campaign.pk}/people-search/?q=王",
        OFFICE,
    ),
    Row(
        "units enrolment",
        "campaign_units",
        lambda c: (
            f"/campaigns/{c.campaign.pk}/units/?q=局&batch={_batch(c).pk}&group={c.group1.pk}"
        ),
        OFFICE,
        lambda c: "参加单位",
        post=lambda c: {"batch": _batch(c).pk, "units": [c.unit_d.pk], "group": c.group1.pk},
    ),
    Row(
        "participation group",
        "campaign_participation_group",
        lambda c: f"/campaigns/{c.campaign.pk}/participations/{part(c).pk}/group/",
        OFFICE,
        post=lambda c: {"group": c.group2.pk, "current_group": c.group1.pk, "reason": "调整"},
        post_only=True,
    ),
    Row(
        "participation withdraw",
        "campaign_participation_withdraw",
        lambda c: f"/campaigns/{c.campaign.pk}/participations/{part(c, c.unit_b).pk}/withdraw/",
        OFFICE,
        post=lambda c: {"reason": "矩阵测试"},
        post_only=True,
    ),
    Row(
        "inspection group create",
        "campaign_inspection_create",
        lambda c: f"/campaigns/{c.campaign.pk}/inspection-groups/",
        OFFICE,
        post=lambda c: {"code": "I09", "name": "第九巡回检查组", "departments": "P001"},
        post_only=True,
    ),
    Row(
        "inspection group edit",
        "campaign_inspection_edit",
        lambda c: f"/campaigns/{c.campaign.pk}/inspection-groups/{c.inspection.pk}/edit/",
        OFFICE,
        lambda c: "调整第一巡回检查组",
        post=lambda c: {"name": "第一巡回检查组", "departments": "P001", "reason": "矩阵"},
    ),
    Row(
        name="活动模板（上传、预览）",
        route="campaign_templates",
        url=lambda cast: "/campaigns/templates/",
        allowed=OFFICE_OR_ADMIN,
        shows=lambda cast: "上传模板",
    ),
    Row(
        name="载入活动模板",
        route="campaign_template_load",
        url=lambda cast: "/campaigns/templates/load/",
        allowed=set(),
        post=_content,
        post_allowed=OFFICE_OR_ADMIN,
        post_only=True,
    ),
]
