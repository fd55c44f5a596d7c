"""Bulletins (简报): list, create, read, update, act on and download."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Schema, Status

from dudao.core.access import NOT_FOUND, clean_query_text

from .base import FormRejected, api
from .shared import JSON_OBJECT, _clean, _json_object, _pick, _require

# --- bulletins (简报) ----------------------------------------------------------------------------


class BulletinBrief(Schema):
    id: int
    campaign_id: int
    number: int
    issued_on: dt.date
    masthead: str
    sponsor: str
    status: str
    status_name: str
    version: int


class BulletinItemOut(Schema):
    position: int
    source: str
    source_name: str
    source_ref: str
    title: str
    text: str


class BulletinOut(BulletinBrief):
    issued_at: dt.datetime | None
    items: list[BulletinItemOut]
    allowed: list[str]


def _bulletin_brief(b) -> BulletinBrief:
    return BulletinBrief(
        id=b.pk,
        campaign_id=b.campaign_id,
        number=b.number,
        issued_on=b.issued_on,
        masthead=b.masthead,
        sponsor=b.sponsor,
        status=b.status,
        status_name=b.get_status_display(),
        version=b.version,
    )


def _bulletin_out(request, b) -> BulletinOut:
    from dudao.reports.access import bulletin_permits

    return BulletinOut(
        **_bulletin_brief(b).dict(),
        issued_at=b.issued_at,
        items=[
            BulletinItemOut(
                position=i.position,
                source=i.source,
                source_name=i.get_source_display(),
                source_ref=i.source_ref,
                title=i.title,
                text=i.text,
            )
            for i in b.items.all()
        ],
        # The bulletin's own actions ("create" is the campaign's: see the list).
        allowed=[
            a
            for a in bulletin_permits(request.user, b.campaign, b).allowed_actions()
            if a != "create"
        ],
    )


def _bulletin_campaign(request, campaign_id: int):
    """The campaign, if the caller prints its office documents (the list page's rule)."""
    from dudao.reports.access import get_campaign_for_reader, may_print_office_documents

    campaign = get_campaign_for_reader(request.user, campaign_id)
    if not may_print_office_documents(request.user, campaign):
        raise Http404(NOT_FOUND)
    return campaign


def _text_fields(payload: dict, form_class) -> dict:
    """The form's fields from a JSON body, each as text: a number is its digits (a date sent as
    20050201 is then refused by the form in Chinese), a list or an object is refused here
    (Django's date fields would fail on anything but text)."""
    data = {}
    for name, field in form_class.base_fields.items():
        value = payload.get(name)
        if value is None:
            continue
        if isinstance(value, (list, dict)):
            raise FormRejected(
                [{"field": name, "label": str(field.label or name), "message": "应为文本"}]
            )
        data[name] = value if isinstance(value, str) else str(value)
    return data


def _version(payload: dict) -> int:
    version = payload.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise FormRejected(
            [
                {
                    "field": "version",
                    "label": "版本",
                    "message": "请带上读取时的 version（整数），以免覆盖他人的修改",
                }
            ]
        )
    return version


@api.get(
    "/reports/campaigns/{campaign_id}/bulletins",
    response=list[BulletinBrief],
    summary="活动的简报（新的在前）",
    url_name="report_bulletins",
)
def bulletin_list(request, campaign_id: int):
    from dudao.reports.models import Bulletin

    campaign = _bulletin_campaign(request, campaign_id)
    return [_bulletin_brief(b) for b in Bulletin.objects.filter(campaign=campaign)]


@api.post(
    "/reports/campaigns/{campaign_id}/bulletins",
    response={201: BulletinOut},
    summary=(
        "新建一期简报草稿（JSON：issued_on 日期；token 提交标识，同一 token 再次提交时答复已建的"
        "那一期，不再新建）；条目取自模板所列来源"
    ),
    openapi_extra=JSON_OBJECT,
    url_name="report_bulletins",
)
def bulletin_create(request, campaign_id: int):
    import secrets

    from dudao.reports import actions as report_actions
    from dudao.reports.access import bulletin_permits
    from dudao.reports.forms import BulletinNewForm

    campaign = _bulletin_campaign(request, campaign_id)
    _require(bulletin_permits(request.user, campaign), "create")
    data = _text_fields(_json_object(request), BulletinNewForm)
    data.setdefault("token", secrets.token_hex(16))
    d = _clean(BulletinNewForm(data))
    b = report_actions.create_bulletin(
        actor=request.user, campaign=campaign, issued_on=d["issued_on"], token=d["token"]
    )
    return Status(201, _bulletin_out(request, b))


@api.get(
    "/reports/bulletins/{bulletin_id}",
    response=BulletinOut,
    summary="一期简报及其条目（allowed：调用者现在可做的操作）",
    url_name="report_bulletin",
)
def bulletin_detail(request, bulletin_id: int):
    from dudao.reports.access import get_bulletin_for_reader

    return _bulletin_out(request, get_bulletin_for_reader(request.user, bulletin_id))


def _items(payload: dict) -> list[dict]:
    from dudao.reports.forms import bulletin_item, items_complete

    raw = payload.get("items")
    if not isinstance(raw, list) or not all(isinstance(i, dict) for i in raw):
        raise FormRejected(
            [
                {
                    "field": "items",
                    "label": "条目",
                    "message": "应为条目列表，每条为含 title、text（可带 source、source_ref）的对象",
                }
            ]
        )
    items = [
        bulletin_item(i.get("title"), i.get("text"), i.get("source"), i.get("source_ref"))
        for i in raw
    ]
    if not items_complete(items):
        n = next(i for i, item in enumerate(items, start=1) if not (item["title"] and item["text"]))
        message = f"第{n}条缺少标题或正文：每条内容都要有标题和正文，请补全或删去该条"
        raise FormRejected([{"field": "items", "label": "条目", "message": message}])
    return items


@api.put(
    "/reports/bulletins/{bulletin_id}",
    response=BulletinOut,
    summary=(
        "修改草稿（JSON：masthead、sponsor、issued_on、items 为全部条目〔title、text，可带 source、"
        "source_ref〕，version 为读取时的版本：他人先改过时拒绝；已印发的不能再改）"
    ),
    openapi_extra=JSON_OBJECT,
    url_name="report_bulletin",
)
def bulletin_update(request, bulletin_id: int):
    from dudao.reports import actions as report_actions
    from dudao.reports.access import bulletin_permits, get_bulletin_for_reader
    from dudao.reports.forms import BulletinHeadForm

    b = get_bulletin_for_reader(request.user, bulletin_id)
    _require(bulletin_permits(request.user, b.campaign, b), "edit")
    payload = _json_object(request)
    version = _version(payload)
    d = _clean(BulletinHeadForm({**_text_fields(payload, BulletinHeadForm), "version": version}))
    items = _items(payload)
    report_actions.edit_bulletin(
        actor=request.user,
        bulletin=b,
        expected_version=version,
        masthead=d["masthead"],
        sponsor=d["sponsor"],
        issued_on=d["issued_on"],
        items=items,
    )
    return _bulletin_out(request, get_bulletin_for_reader(request.user, bulletin_id))


@api.post(
    "/reports/bulletins/{bulletin_id}",
    response=BulletinOut,
    summary="印发一期简报（JSON：action 为 issue，version 为读取时的版本）；印发后内容冻结",
    openapi_extra=JSON_OBJECT,
    url_name="report_bulletin",
)
def bulletin_act(request, bulletin_id: int):
    from dudao.reports import actions as report_actions
    from dudao.reports.access import bulletin_permits, get_bulletin_for_reader

    b = get_bulletin_for_reader(request.user, bulletin_id)
    # The role is asked before the body is read.
    _require(bulletin_permits(request.user, b.campaign, b), "issue")
    payload = _json_object(request)
    _pick(payload, "action", ("issue",))
    report_actions.issue_bulletin(
        actor=request.user, bulletin=b, expected_version=_version(payload)
    )
    return _bulletin_out(request, get_bulletin_for_reader(request.user, bulletin_id))


BULLETIN_FILES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@api.get(
    "/reports/bulletins/{bulletin_id}/files/{fmt}",
    response={200: None},
    summary="一期简报的 Word（docx）或 PDF（pdf），按存储的内容重新生成",
    openapi_extra={
        "responses": {
            "200": {
                "description": "文件",
                "content": {
                    mime: {"schema": {"type": "string", "format": "binary"}}
                    for mime in BULLETIN_FILES.values()
                },
            }
        }
    },
    url_name="report_bulletin_file",
)
def bulletin_file(request, bulletin_id: int, fmt: str):
    from django.http import HttpResponse

    from dudao.reports import documents as report_documents
    from dudao.reports.access import get_bulletin_for_reader

    b = get_bulletin_for_reader(request.user, bulletin_id)
    fmt = clean_query_text(fmt)
    if fmt not in BULLETIN_FILES:
        raise Http404(NOT_FOUND)
    ctx = report_documents.stored_bulletin_context(b)
    if fmt == "docx":
        body = report_documents.docx_bytes("bulletin", ctx)
    else:
        body = report_documents.pdf_bytes("bulletin", ctx)
    response = HttpResponse(body, content_type=BULLETIN_FILES[fmt])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''bulletin-{b.number}.{fmt}"
    return response
