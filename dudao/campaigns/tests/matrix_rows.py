"""Access-matrix rows of the campaigns app's template pages (dudao.testing.matrix.Row)."""

from __future__ import annotations

import base64

from dudao.campaigns.template_loader import builtin_template_paths
from dudao.testing.matrix import Row

OFFICE_OR_ADMIN = {"office", "admin"}


def _content(_cast) -> dict:
    raw = next(p for p in builtin_template_paths() if p.stem == "qunzhong-luxian-2014")
    return {"content": base64.b64encode(raw.read_bytes()).decode(), "file_name": "t.yaml"}


ROWS = [
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
    ),
]
