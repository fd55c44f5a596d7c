"""Rectification (整改): items, their uploads and actions."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Schema, Status

from dudao.core.access import NOT_FOUND

from .base import FormRejected, api
from .shared import JSON_OBJECT, _clean, _json_object, _pick, _require

# --- rectification (整改) -----------------------------------------------------------------------

MAX_API_FILE = 10 * 1024 * 1024


def _uploads(files) -> list:
    """Evidence files in JSON: ``[{"name": "现场.jpg", "content_base64": "…"}]``; the action
    checks their kind and size as it does for the page's uploads."""
    import base64
    import binascii
    import mimetypes

    from django.core.files.uploadedfile import SimpleUploadedFile

    if files in (None, []):
        return []
    if not isinstance(files, list):
        raise FormRejected([{"field": "files", "label": "照片或文档", "message": "应为列表"}])
    out = []
    for n, f in enumerate(files, start=1):
        where = {"field": f"files[{n - 1}]", "label": f"第 {n} 个文件"}
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or not f["name"].strip():
            raise FormRejected([{**where, "message": "须有 name（文件名）与 content_base64"}])
        try:
            raw = base64.b64decode(str(f.get("content_base64") or ""), validate=True)
        except (binascii.Error, ValueError):
            raise FormRejected([{**where, "message": "content_base64 不是有效的 Base64"}]) from None
        if not raw or len(raw) > MAX_API_FILE:
            raise FormRejected([{**where, "message": "文件为空或超过 10 MB"}])
        name = f["name"].replace("\x00", "").strip()[:200]
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        out.append(SimpleUploadedFile(name, raw, content_type=kind))
    return out


class ItemOut(Schema):
    id: int
    number: int
    level: str
    problem: str
    rect_class: str
    measures: str
    deadline: dt.date
    status: str
    status_name: str
    version: int
    allowed: list[str]


def _item_out(request, item) -> ItemOut:
    from dudao.rectification.access import item_permits

    return ItemOut(
        id=item.pk,
        number=item.number,
        level=item.level,
        problem=item.problem,
        rect_class=item.rect_class,
        measures=item.measures,
        deadline=item.deadline,
        status=item.status,
        status_name=item.get_status_display(),
        version=item.version,
        allowed=item_permits(request.user, item).allowed_actions(),
    )


@api.get(
    "/rectification/units/{participation_id}/items",
    response=list[ItemOut],
    summary="一个单位的整改事项",
    url_name="rectification_items",
)
def rectification_items(request, participation_id: int):
    from dudao.rectification.access import get_participation, visible_items

    p = get_participation(request.user, participation_id)
    items = visible_items(request.user).filter(participation=p).order_by("number")[:1000]
    return [_item_out(request, i) for i in items.select_related("participation__unit")]


@api.post(
    "/rectification/units/{participation_id}/items",
    response={201: ItemOut},
    summary="登记整改事项（字段同页面表单：level、problem、source_kind、rect_class、measures …）",
    openapi_extra=JSON_OBJECT,
    url_name="rectification_items",
)
def rectification_create(request, participation_id: int):
    from dudao.rectification import actions as rect_actions
    from dudao.rectification.access import get_participation, may_create
    from dudao.rectification.forms import ItemForm

    p = get_participation(request.user, participation_id)
    if not may_create(request.user, p):
        raise Http404(NOT_FOUND)
    d = _clean(ItemForm(_json_object(request), participation=p))
    item = rect_actions.create_item(
        actor=request.user,
        participation=p,
        level=d["level"],
        problem=d["problem"],
        source_kind=d["source_kind"],
        rect_class=d["rect_class"],
        measures=d["measures"],
        target=d["target"],
        expected_effect=d["expected_effect"],
        lead_person=d["lead_person"],
        lead_post=d["lead_post"],
        co_owners=d["co_owners"],
        deadline=d["deadline"],
    )
    return Status(201, _item_out(request, item))


@api.get(
    "/rectification/items/{item_id}",
    response=ItemOut,
    summary="一项整改事项（allowed：调用者现在可做的操作）",
    url_name="rectification_item",
)
def rectification_item(request, item_id: int):
    from dudao.rectification.access import get_item_for_user

    return _item_out(request, get_item_for_user(request.user, item_id))


@api.post(
    "/rectification/items/{item_id}",
    response=ItemOut,
    summary=(
        "整改事项的操作（JSON：action 为 post_progress 填报进展〔happened_on、text、"
        "files: [{name, content_base64}]〕、"
        "apply_close 申请办结〔evidence〕、sign_off 办结审批〔decision: accept/refuse、reason〕）"
    ),
    openapi_extra=JSON_OBJECT,
    url_name="rectification_item",
)
def rectification_act(request, item_id: int):
    from dudao.rectification import actions as rect_actions
    from dudao.rectification.access import get_item_for_user, item_permits
    from dudao.rectification.forms import CloseForm, ProgressForm, SignOffForm

    item = get_item_for_user(request.user, item_id)
    payload = _json_object(request)
    action = _pick(payload, "action", ("post_progress", "apply_close", "sign_off"))
    _require(item_permits(request.user, item), action)
    if action == "post_progress":
        d = _clean(ProgressForm(payload))
        rect_actions.post_progress(
            actor=request.user,
            item=item,
            happened_on=d["happened_on"],
            text=d["text"],
            files=_uploads(payload.get("files")),
        )
    elif action == "apply_close":
        d = _clean(CloseForm(payload))
        rect_actions.apply_to_close(actor=request.user, item=item, evidence=d["evidence"])
    else:
        d = _clean(SignOffForm(payload))
        rect_actions.sign_off_close(
            actor=request.user, item=item, accept=d["decision"] == "accept", reason=d["reason"]
        )
    item.refresh_from_db()
    return _item_out(request, item)
