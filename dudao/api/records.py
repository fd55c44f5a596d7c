"""Records: every kind of dudao/records/registry.py, listed, read, created, updated and deleted."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Schema, Status

from dudao.core.access import NOT_FOUND, clean_query_text
from dudao.core.errors import AccessDenied
from dudao.records import actions as record_actions
from dudao.records.access import get_record_or_404, get_rights
from dudao.records.forms import new_token
from dudao.records.pages import PageContext
from dudao.records.registry import KINDS, Labels
from dudao.records.rules import record_permits

from .base import FormRejected, _form_errors, api
from .shared import JSON_OBJECT, _dates_as_text, _json_object

# --- records (every kind of dudao/records/registry.py) ------------------------------------------


class RecordKindOut(Schema):
    slug: str
    label: str
    fields: list[dict]
    columns: list[str]


class RecordOut(Schema):
    id: int
    phase: str
    date: dt.date | None
    version: int
    values: dict


class RecordSaved(Schema):
    id: int
    version: int
    phase: str


# The body: a JSON object of form fields (the record page's form: names as in
# /api/records/kinds). Read after the access check, so that a caller outside the unit's scope
# gets the same 404 whatever he sends.
def _kind_or_404(kind: str):
    found = KINDS.get(kind)
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime, str, int, float, bool)) or value is None:
        return value
    return str(value)


def _record_out(kind, record, labels) -> RecordOut:
    return RecordOut(
        id=record.pk,
        phase=record.phase,
        date=kind.date_of(record),
        version=getattr(record, "version", 1),
        values={c.header: _plain(c.get(record, labels)) for c in kind.columns},
    )


@api.get("/records/kinds", response=list[RecordKindOut], summary="记录种类及其字段")
def record_kinds(request):
    return [
        RecordKindOut(
            slug=k.slug,
            label=k.label,
            fields=[
                {"name": name, "label": str(f.label), "required": f.required}
                for name, f in k.form_class.base_fields.items()
                if name not in ("token", "version")
            ],
            columns=[c.header for c in k.columns],
        )
        for k in KINDS.values()
    ]


@api.get(
    "/records/{participation_id}/{kind}",
    response=list[RecordOut],
    summary="一个单位的某类记录（与记录页相同的权限；phase 为空时为当前阶段）",
    url_name="records",
)
def record_list(request, participation_id: int, kind: str, phase: str = ""):
    k = _kind_or_404(kind)
    rights = get_rights(request.user, participation_id, k.read_need)
    p = rights.participation
    phase = clean_query_text(phase) or p.current_phase
    labels = Labels(p, phase)
    return [_record_out(k, r, labels) for r in k.queryset(p, phase, rights)[:1000]]


def _save(request, k, rights, record, payload: dict):
    if not isinstance(payload, dict):
        raise FormRejected([{"field": "", "label": "请求", "message": "应为 JSON 对象"}])
    phase = str(
        payload.get("phase") or (record.phase if record else rights.participation.current_phase)
    )
    ctx = PageContext(rights, phase, record)
    data = {k2: v for k2, v in payload.items() if isinstance(k2, str)}
    data.setdefault("phase", phase)
    if record is None:
        data.setdefault("token", new_token())
    form = k.form_class(data, ctx=ctx)
    _dates_as_text(form)
    if not form.is_valid():
        raise FormRejected(_form_errors(form))
    d = form.cleaned_data
    resolved = ctx.resolve(k, d)
    common = {"actor": request.user, "data": resolved, "phase": d["phase"]}
    if record is None:
        saved = record_actions.create_record(
            k, participation=rights.participation, token=d.get("token") or "", **common
        )
    else:
        saved = record_actions.edit_record(
            k, record=record, expected_version=d.get("version"), **common
        )
        saved.refresh_from_db()
    return RecordSaved(id=saved.pk, version=getattr(saved, "version", 1), phase=saved.phase)


@api.post(
    "/records/{participation_id}/{kind}",
    response={201: RecordSaved},
    summary="登记一条记录（字段同记录页的表单；带上 token 可使重试不重复登记）",
    openapi_extra=JSON_OBJECT,
    url_name="records",
)
def record_create(request, participation_id: int, kind: str):
    k = _kind_or_404(kind)
    rights = get_rights(request.user, participation_id, k.write_need)
    return Status(201, _save(request, k, rights, None, _json_object(request)))


@api.get(
    "/records/{participation_id}/{kind}/{record_id}",
    response=RecordOut,
    summary="一条记录",
    url_name="record",
)
def record_detail(request, participation_id: int, kind: str, record_id: int):
    k = _kind_or_404(kind)
    rights = get_rights(request.user, participation_id, k.read_need)
    record = get_record_or_404(rights, k.model, record_id)
    return _record_out(k, record, Labels(rights.participation, record.phase))


@api.put(
    "/records/{participation_id}/{kind}/{record_id}",
    response=RecordSaved,
    summary="修改一条记录（须带 version：他人先改过时拒绝）",
    openapi_extra=JSON_OBJECT,
    url_name="record",
)
def record_update(request, participation_id: int, kind: str, record_id: int):
    k = _kind_or_404(kind)
    rights = get_rights(request.user, participation_id, k.read_need)
    record = get_record_or_404(rights, k.model, record_id)
    if not record_permits(request.user, k, record).may("edit"):
        raise AccessDenied(
            record_permits(request.user, k, record).reason("edit") or "不能修改此记录。"
        )
    return _save(request, k, rights, record, _json_object(request))


@api.delete(
    "/records/{participation_id}/{kind}/{record_id}",
    response={204: None},
    summary="删除（或撤销）一条记录，须写明理由（JSON：reason，version）",
    openapi_extra=JSON_OBJECT,
    url_name="record",
)
def record_delete(request, participation_id: int, kind: str, record_id: int):
    k = _kind_or_404(kind)
    rights = get_rights(request.user, participation_id, k.write_need)
    record = get_record_or_404(rights, k.model, record_id)
    if not record_permits(request.user, k, record).may("delete"):
        raise Http404(NOT_FOUND)
    payload = _json_object(request)
    reason = str(payload.get("reason") or "").replace("\x00", "").strip()
    version = payload.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise FormRejected([{"field": "version", "label": "版本", "message": "应为整数"}])
    if not reason:
        raise FormRejected([{"field": "reason", "label": "理由", "message": "请写明理由"}])
    record_actions.delete_record(
        k, actor=request.user, record=record, reason=reason, expected_version=version
    )
    return Status(204, None)
