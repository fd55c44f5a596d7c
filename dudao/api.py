"""The JSON API (OpenAPI at /api/openapi.json, docs at /api/docs). Endpoints call the same
access helpers, selectors, forms, permits and actions as the pages; anything outside the caller's
scope is a 404. Two ways in: the browser session (writes need its CSRF token) and, for
integrations, a bearer token made by the office (dudao.tokens), acting as the office account
that made it. Errors answer ``{"detail": "…", "errors": [{"field", "label", "message"}]}`` in
Chinese, naming the field."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import Http404
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from dudao.campaigns import access as campaign_access
from dudao.campaigns import selectors as campaign_selectors
from dudao.core.access import NOT_FOUND, clean_query_text, id_or_none
from dudao.core.errors import AccessDenied, ConflictError, DomainError, TransitionError
from dudao.orgs import access
from dudao.orgs.models import Role
from dudao.records import actions as record_actions
from dudao.records.access import get_record_or_404, get_rights
from dudao.records.forms import new_token
from dudao.records.pages import PageContext
from dudao.records.registry import KINDS, Labels
from dudao.records.rules import record_permits
from dudao.tokens.actions import authenticate as token_user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer DDT…``: the account the office's token acts as."""

    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        user = token_user(token)
        if user is None:
            return None
        request.user = user
        return user


api = NinjaAPI(
    # The token first: a request without one goes on to the session (and its CSRF check).
    title="督导通 API",
    version="1",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)


# --- errors in Chinese, naming the field ------------------------------------------------------

_TYPES = {
    "missing": "缺少此项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "string_type": "应为文本",
    "date_from_datetime_parsing": "应为日期（如 2026-03-01）",
    "date_parsing": "应为日期（如 2026-03-01）",
    "dict_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "json_invalid": "不是有效的 JSON",
    "greater_than_equal": "数值太小",
    "less_than_equal": "数值太大",
}


def _problem(status: int, detail: str, errors: list[dict] | None = None, request=None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(ValidationError)
def _validation(request, exc):
    errors = []
    for err in exc.errors:
        loc = [str(x) for x in err.get("loc", []) if x not in ("body", "query", "path", "payload")]
        field = ".".join(loc)
        errors.append(
            {"field": field, "label": field, "message": _TYPES.get(err.get("type"), "格式不正确")}
        )
    names = "、".join(e["field"] or "请求" for e in errors) or "请求"
    return _problem(422, f"请求数据有误：{names}。", errors, request)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _problem(404, NOT_FOUND, None, request)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _problem(
        401, "未登录或令牌无效：请登录，或在请求头中提供有效的接口令牌。", None, request
    )


@api.exception_handler(DomainError)
def _domain(request, exc):
    status = 400
    if isinstance(exc, AccessDenied):
        status = 403
    elif isinstance(exc, (ConflictError, TransitionError)):
        status = 409
    return _problem(status, exc.message, None, request)


_HTTP = {
    403: "安全校验失败：用浏览器会话写入须带 X-CSRFToken 请求头；其他系统请使用接口令牌。",
    405: "不支持该请求方法。",
    429: "请求过于频繁，请稍后再试。",
}


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return _problem(exc.status_code, _HTTP.get(exc.status_code, "请求无法处理。"), None, request)


class FormRejected(HttpError):
    def __init__(self, errors: list[dict]):
        super().__init__(422, "；".join(f"{e['label']}：{e['message']}" for e in errors))
        self.errors = errors


@api.exception_handler(FormRejected)
def _form_rejected(request, exc):
    return _problem(422, f"数据有误：{exc.message}", exc.errors, request)


def _form_errors(form) -> list[dict]:
    out = []
    for name, messages in form.errors.items():
        label = str(form.fields[name].label) if name in form.fields else "整体"
        for message in messages:
            out.append(
                {
                    "field": "" if name == "__all__" else name,
                    "label": label,
                    "message": str(message),
                }
            )
    return out


class RoleOut(Schema):
    role: str
    label: str
    campaign_id: int | None = None
    organisation_id: int | None = None
    group_id: int | None = None
    inspection_group_id: int | None = None


class MeOut(Schema):
    username: str
    full_name: str
    is_superuser: bool
    person_id: int | None
    roles: list[RoleOut]


class CampaignOut(Schema):
    id: int
    name: str
    short_name: str
    template: str
    start_date: dt.date
    end_date: dt.date | None
    phases: list[dict]


class ParticipationOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    batch: str
    phase: str
    phase_name: str
    group_id: int | None
    group_name: str | None
    members: int
    phase_started_on: dt.date | None


class ParticipationPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ParticipationOut]


class PersonOut(Schema):
    id: int
    code: str
    name: str
    category: str
    cadre_level: str
    is_leadership: bool
    position: str
    branch_id: int
    branch_name: str
    unit_id: int | None


class UnitOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None
    members: int
    participations: list[dict]


class GroupOut(Schema):
    id: int
    code: str
    name: str
    campaign_id: int
    members: list[dict]
    units: list[dict]


@api.get("/me", response=MeOut, summary="当前账号及其角色")
def me(request):
    user = request.user
    roles = [
        RoleOut(
            role=ra.role,
            label=Role(ra.role).label,
            campaign_id=ra.campaign_id,
            organisation_id=ra.organisation_id,
            group_id=ra.group_id,
            inspection_group_id=ra.inspection_group_id,
        )
        for ra in user.role_assignments.all()
    ]
    person = getattr(user, "person", None)
    return MeOut(
        username=user.username,
        full_name=user.get_full_name(),
        is_superuser=user.is_superuser,
        person_id=person.pk if person else None,
        roles=roles,
    )


def _campaign_out(c) -> CampaignOut:
    return CampaignOut(
        id=c.pk,
        name=c.name,
        short_name=c.short_name,
        template=f"{c.template.code}@{c.template.version}",
        start_date=c.start_date,
        end_date=c.end_date,
        phases=[{"code": p["code"], "name": p["name"]} for p in c.template.phases],
    )


@api.get("/campaigns", response=list[CampaignOut], summary="可见的活动")
def campaigns(request):
    return [
        _campaign_out(c)
        for c in campaign_access.visible_campaigns(request.user).select_related("template")
    ]


@api.get("/campaigns/{campaign_id}", response=CampaignOut, summary="一个活动")
def campaign(request, campaign_id: int):
    return _campaign_out(campaign_access.get_campaign_for_user(request.user, campaign_id))


@api.get(
    "/campaigns/{campaign_id}/participations",
    response=ParticipationPage,
    summary="参加单位（与单位总览相同的筛选：batch、phase、group、q、page）",
)
def participations(
    request,
    campaign_id: int,
    batch: int | None = None,
    phase: str = "",
    group: int | None = None,
    q: str = "",
    page: int = 1,
):
    c = campaign_access.get_campaign_for_user(request.user, campaign_id)
    # The same reading of the filters as the page: an id out of range is no filter, a NUL byte
    # (which PostgreSQL refuses) is dropped.
    filters = campaign_selectors.OverviewFilters(
        batch=id_or_none(batch),
        phase=clean_query_text(phase),
        group=id_or_none(group),
        q=clean_query_text(q)[:100],
    )
    data = campaign_selectors.overview(
        user=request.user, campaign=c, filters=filters, page_number=page
    )
    return ParticipationPage(
        count=data.total,
        page=data.page.number,
        pages=data.page.paginator.num_pages,
        results=[
            ParticipationOut(
                id=r.participation.pk,
                unit_id=r.participation.unit_id,
                unit_name=r.participation.unit_name,
                batch=r.participation.batch.name,
                phase=r.participation.current_phase,
                phase_name=r.phase_name,
                group_id=r.participation.group.id if r.participation.group else None,
                group_name=r.participation.group.name if r.participation.group else None,
                members=r.members,
                phase_started_on=r.participation.phase_started_on,
            )
            for r in data.rows
        ],
    )


@api.get("/units/{unit_id}", response=UnitOut, summary="一个单位")
def unit(request, unit_id: int):
    u = access.get_unit_for_user(request.user, unit_id)
    parts = (
        campaign_access.visible_participations(request.user)
        .filter(unit=u)
        .select_related("campaign__template", "batch", "group")
    )
    return UnitOut(
        id=u.pk,
        code=u.code,
        name=u.name,
        parent_id=u.parent_id,
        members=campaign_selectors.member_counts([u.pk]).get(u.pk, 0),
        participations=[
            {
                "campaign_id": p.campaign_id,
                "batch": p.batch.name,
                "phase": p.current_phase,
                "phase_name": campaign_selectors.phase_names(p.campaign).get(p.current_phase, ""),
                "group_id": p.group_id,
            }
            for p in parts
        ],
    )


@api.get("/groups/{group_id}", response=GroupOut, summary="一个督导组")
def group(request, group_id: int):
    g = campaign_access.get_group_for_user(request.user, group_id)
    roster = g.role_assignments.select_related("user").order_by("role", "user__username")
    return GroupOut(
        id=g.pk,
        code=g.code,
        name=g.name,
        campaign_id=g.campaign_id,
        members=[
            {"username": ra.user.username, "name": ra.user.get_full_name(), "role": ra.role}
            for ra in roster
        ],
        units=[
            {"unit_id": p.unit_id, "unit_name": p.unit_name, "phase": p.current_phase}
            for p in g.participations.order_by("unit_name")
        ],
    )


@api.get("/people/{person_id}", response=PersonOut, summary="一名党员")
def person(request, person_id: int):
    p = access.get_person_for_user(request.user, person_id)
    return PersonOut(
        id=p.pk,
        code=p.code,
        name=p.name,
        category=p.category,
        cadre_level=p.cadre_level,
        is_leadership=p.is_leadership,
        position=p.position,
        branch_id=p.branch_id,
        branch_name=p.branch.name,
        unit_id=p.unit_id,
    )


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
JSON_OBJECT = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "additionalProperties": True, "title": "表单字段"}
            }
        },
    }
}


def _json_object(request) -> dict:
    import json

    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise FormRejected([{"field": "", "label": "请求", "message": "不是有效的 JSON"}]) from None
    if not isinstance(data, dict):
        raise FormRejected([{"field": "", "label": "请求", "message": "应为 JSON 对象"}])
    return data


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


# --- shared by the workflow endpoints ------------------------------------------------------------


def _dates_as_text(form) -> None:
    """A JSON body's date and time values as text before the form reads them: Django's date
    and time fields strip their input and fail with a server error on a number (20050201) or a
    list. A number becomes its digits (then refused by the field in Chinese); a list or an
    object is refused here."""
    data = dict(form.data)
    for name, field in form.fields.items():
        value = data.get(name)
        if value is None or isinstance(value, str):
            continue
        if not isinstance(field, forms.fields.BaseTemporalField):
            continue
        if isinstance(value, (list, dict)):
            raise FormRejected(
                [{"field": name, "label": str(field.label or name), "message": "应为文本"}]
            )
        data[name] = str(value)
    form.data = data


def _clean(form) -> dict:
    """The form's cleaned data, or a 422 naming each field in Chinese."""
    _dates_as_text(form)
    if not form.is_valid():
        raise FormRejected(_form_errors(form))
    return form.cleaned_data


def _require(permits, action: str) -> None:
    """As the pages: 403 with the reason when the caller does not hold the role for ``action``;
    a refusal by state goes on to the action, which says who decided first (409)."""
    if not permits.may(action) and not permits.refused_by_state(action):
        raise AccessDenied(permits.reason(action))


def _pick(payload: dict, key: str, choices: tuple[str, ...]) -> str:
    value = payload.get(key)
    if value not in choices:
        raise FormRejected(
            [{"field": key, "label": key, "message": f"应为 {'、'.join(choices)} 之一"}]
        )
    return value


# --- transitions (转段) -------------------------------------------------------------------------


class ApplicationOut(Schema):
    id: int
    attempt: int
    from_phase: str
    to_phase: str
    status: str
    status_name: str
    version: int
    summary: str
    submitted_at: dt.datetime
    group_comment: str
    office_comment: str
    allowed: list[str]


def _application_out(request, app) -> ApplicationOut:
    from dudao.transitions.access import transition_permits

    return ApplicationOut(
        id=app.pk,
        attempt=app.attempt,
        from_phase=app.from_phase,
        to_phase=app.to_phase,
        status=app.status,
        status_name=app.get_status_display(),
        version=app.version,
        summary=app.summary,
        submitted_at=app.submitted_at,
        group_comment=app.group_comment,
        office_comment=app.office_comment,
        allowed=transition_permits(request.user, app).allowed_actions(),
    )


@api.get(
    "/transitions/units/{participation_id}/applications",
    response=list[ApplicationOut],
    summary="一个单位的转段申请",
    url_name="transition_applications",
)
def transition_applications(request, participation_id: int):
    from dudao.transitions.access import UNIT, get_participation_as

    p = get_participation_as(request.user, participation_id, UNIT)
    apps = p.transition_applications.order_by("-submitted_at", "-pk")[:50]
    return [_application_out(request, a) for a in apps]


@api.post(
    "/transitions/units/{participation_id}/applications",
    response={201: ApplicationOut},
    summary="提交转段申请（JSON：summary 阶段小结）",
    openapi_extra=JSON_OBJECT,
    url_name="transition_applications",
)
def transition_apply(request, participation_id: int):
    from dudao.transitions import actions as transition_actions
    from dudao.transitions.access import UNIT, get_participation_as, transition_permits
    from dudao.transitions.forms import ApplyForm

    p = get_participation_as(request.user, participation_id, UNIT)
    _require(transition_permits(request.user, p), "apply")
    data = _clean(ApplyForm(_json_object(request)))
    app = transition_actions.apply_for_transition(
        actor=request.user, participation=p, summary=data["summary"]
    )
    return Status(201, _application_out(request, app))


@api.get(
    "/transitions/applications/{application_id}",
    response=ApplicationOut,
    summary="一份转段申请（allowed：调用者现在可做的决定）",
    url_name="transition_application",
)
def transition_application(request, application_id: int):
    from dudao.transitions.access import get_application_for_user

    return _application_out(request, get_application_for_user(request.user, application_id))


@api.post(
    "/transitions/applications/{application_id}",
    response=ApplicationOut,
    summary=(
        "审核转段申请（JSON：decision 为 forward 转报、approve 批准、send_back 退回、"
        "remedial 责令补课；comment、reason、work、deadline、requirements 同页面表单；"
        "version 为读到的版本）"
    ),
    openapi_extra=JSON_OBJECT,
    url_name="transition_application",
)
def transition_decide(request, application_id: int):
    from dudao.transitions import actions as transition_actions
    from dudao.transitions import rules as transition_rules
    from dudao.transitions.access import get_application_for_user, transition_permits
    from dudao.transitions.forms import ApproveForm, ForwardForm, RemedialForm, SendBackForm

    app = get_application_for_user(request.user, application_id)
    payload = _json_object(request)
    decision = _pick(payload, "decision", ("forward", "approve", "send_back", "remedial"))
    _require(transition_permits(request.user, app), decision)
    user = request.user
    if decision == "forward":
        d = _clean(ForwardForm(payload))
        transition_actions.forward_application(
            actor=user, application=app, comment=d["comment"], expected_version=d["version"]
        )
    elif decision == "approve":
        d = _clean(ApproveForm(payload))
        transition_actions.approve_transition(
            actor=user, application=app, comment=d["comment"], expected_version=d["version"]
        )
    elif decision == "send_back":
        d = _clean(SendBackForm(payload))
        transition_actions.send_back_application(
            actor=user, application=app, reason=d["reason"], expected_version=d["version"]
        )
    else:
        names = transition_rules.requirement_names(
            app.participation.campaign.template, app.from_phase
        )
        d = _clean(RemedialForm(payload, requirement_choices=list(names.items())))
        transition_actions.order_remedial_work(
            actor=user,
            application=app,
            reason=d["reason"],
            work=d["work"],
            deadline=d["deadline"],
            requirement_codes=d["requirements"],
            expected_version=d["version"],
        )
    app.refresh_from_db()
    return _application_out(request, app)


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


# --- documents and reviews (文书审核) -----------------------------------------------------------


class DocumentOut(Schema):
    id: int
    participation_id: int
    kind: str
    phase: str
    title: str
    status: str
    status_name: str
    version: int
    versions: list[dict]
    rounds: list[dict]
    comments: list[dict]
    allowed: list[str]


def _document_out(request, doc) -> DocumentOut:
    from dudao.reviews import rules as review_rules

    kind = review_rules.kinds(doc.campaign).get(doc.kind)
    return DocumentOut(
        id=doc.pk,
        participation_id=doc.participation_id,
        kind=doc.kind,
        phase=doc.phase,
        title=doc.title,
        status=doc.status,
        status_name=doc.get_status_display(),
        version=doc.version,
        versions=[
            {"number": v.number, "char_count": v.char_count, "submitted_at": v.submitted_at}
            for v in doc.versions.order_by("number")
        ],
        rounds=[
            {
                "number": r.number,
                "decision": r.decision,
                "reason": r.reason,
                "decided_at": r.decided_at,
            }
            for r in doc.rounds.order_by("number")
        ],
        comments=[
            {"id": c.pk, "quote": c.quote, "body": c.body, "status": c.status}
            for c in doc.comments.order_by("created_at", "pk")
        ],
        allowed=review_rules.review_permits(request.user, doc, kind).allowed_actions()
        if kind
        else [],
    )


class DocumentBrief(Schema):
    id: int
    participation_id: int
    unit_name: str
    kind: str
    phase: str
    title: str
    status: str
    version: int


@api.get(
    "/reviews/campaigns/{campaign_id}/documents",
    response=list[DocumentBrief],
    summary="一个活动中调用者可见的文书（最近的 500 份；status、kind 可筛选）",
    url_name="review_documents",
)
def review_documents(request, campaign_id: int, status: str = "", kind: str = ""):
    from dudao.reviews.access import get_campaign_for_reviews, visible_documents

    campaign = get_campaign_for_reviews(request.user, campaign_id)
    qs = visible_documents(request.user).filter(campaign=campaign)
    if clean_query_text(status):
        qs = qs.filter(status=clean_query_text(status)[:16])
    if clean_query_text(kind):
        qs = qs.filter(kind=clean_query_text(kind)[:64])
    return [
        DocumentBrief(
            id=d.pk,
            participation_id=d.participation_id,
            unit_name=d.participation.unit_name,
            kind=d.kind,
            phase=d.phase,
            title=d.title,
            status=d.status,
            version=d.version,
        )
        for d in qs.select_related("participation").order_by("-pk")[:500]
    ]


@api.post(
    "/reviews/campaigns/{campaign_id}/documents",
    response={201: DocumentOut},
    summary="提交文书（JSON：participation、kind、author、title、text，同页面表单）",
    openapi_extra=JSON_OBJECT,
    url_name="review_documents",
)
def review_submit_new(request, campaign_id: int):
    from dudao.reviews import actions as review_actions
    from dudao.reviews import rules as review_rules

    # submittable: the page's own reading of who may submit for which unit and person.
    from dudao.reviews.access import get_campaign_for_reviews, submittable
    from dudao.reviews.forms import NewDocumentForm

    campaign = get_campaign_for_reviews(request.user, campaign_id)
    participations, people = submittable(request.user, campaign)
    if not participations:
        raise Http404(NOT_FOUND)
    kinds = [k for k in review_rules.kinds(campaign).values() if k.submitted_by != "group"]
    form = NewDocumentForm(
        _json_object(request), participations=participations, kinds=kinds, authors=people
    )
    d = _clean(form)
    part = next(p for p in participations if p.pk == d["participation"])
    author = next((p for p in people if p.pk == d["author"]), None)
    doc = review_actions.submit_document(
        actor=request.user,
        participation=part,
        kind=d["kind"],
        author=author,
        title=d["title"],
        text=d["text"],
    )
    return Status(201, _document_out(request, doc))


@api.get(
    "/reviews/documents/{document_id}",
    response=DocumentOut,
    summary="一份文书：各稿、审核轮次、批注（allowed：调用者现在可做的操作）",
    url_name="review_document",
)
def review_document(request, document_id: int):
    from dudao.reviews.access import get_document_for_user

    return _document_out(request, get_document_for_user(request.user, document_id))


@api.post(
    "/reviews/documents/{document_id}",
    response=DocumentOut,
    summary=(
        "文书的操作（JSON：action 为 submit 提交修改稿〔title、text、expected_version〕、"
        "comment 批注〔quote、body、start〕、decide 审核〔decision、reason、expected_version，"
        "清单评分同页面〕）"
    ),
    openapi_extra=JSON_OBJECT,
    url_name="review_document",
)
def review_act(request, document_id: int):
    from dudao.reviews import actions as review_actions
    from dudao.reviews import rules as review_rules
    from dudao.reviews.access import get_document_for_user
    from dudao.reviews.forms import CommentForm, DecideForm, SubmitForm

    doc = get_document_for_user(request.user, document_id)
    payload = _json_object(request)
    action = _pick(payload, "action", ("submit", "comment", "decide"))
    user = request.user
    if action == "submit":
        d = _clean(SubmitForm(payload))
        review_actions.submit_document(
            actor=user,
            participation=doc.participation,
            kind=doc.kind,
            document=doc,
            title=d["title"],
            text=d["text"],
            expected_version=d["expected_version"],
        )
    elif action == "comment":
        d = _clean(CommentForm(payload))
        review_actions.add_comment(
            actor=user,
            document=doc,
            quote=d["quote"],
            body=d["body"],
            start=d["start"],
            version_number=d["version_number"],
        )
    else:
        kind = review_rules.kinds(doc.campaign).get(doc.kind)
        form = DecideForm(payload, items=kind.checklist_items if kind else [])
        d = _clean(form)
        review_actions.decide(
            actor=user,
            document=doc,
            decision=d["decision"],
            reason=d["reason"],
            checklist=form.checklist(),
            expected_version=d["expected_version"],
        )
    doc.refresh_from_db()
    return _document_out(request, doc)


# --- surveys (测评; answering stays on the anonymous pages) -------------------------------------


class RoundOut(Schema):
    id: int
    participation_id: int
    instrument: str
    round_number: int
    subject_person_id: int | None
    status: str
    status_name: str
    expires_on: dt.date | None
    result: str
    allowed: list[str]


def _round_out(request, r) -> RoundOut:
    from dudao.surveys.access import survey_permits
    from dudao.surveys.models import RoundStatus
    from dudao.surveys.selectors import round_outcome

    # The decision as the page words it; below the minimum group size it names no count.
    result = round_outcome(r).detail if r.status == RoundStatus.CLOSED else ""
    return RoundOut(
        id=r.pk,
        participation_id=r.participation_id,
        instrument=r.instrument,
        round_number=r.round_number,
        subject_person_id=r.subject_person_id,
        status=r.status,
        status_name=r.get_status_display(),
        expires_on=r.expires_on,
        result=result,
        allowed=survey_permits(request.user, r).allowed_actions(),
    )


class _RoundForm(forms.Form):
    instrument = forms.CharField(label="测评", max_length=64)
    expires_on = forms.DateField(label="截止日期", required=False)


class _OpenForm(forms.Form):
    expires_on = forms.DateField(label="截止日期", required=False)


@api.get(
    "/surveys/units/{participation_id}/rounds",
    response=list[RoundOut],
    summary="一个单位的测评轮次",
    url_name="survey_rounds",
)
def survey_rounds(request, participation_id: int):
    from dudao.surveys.access import visible_rounds

    p = campaign_access.get_participation_for_user(request.user, participation_id)
    rounds = (
        visible_rounds(request.user).filter(participation=p).select_related("campaign__template")
    )
    return [_round_out(request, r) for r in rounds.order_by("instrument", "round_number")[:500]]


@api.post(
    "/surveys/units/{participation_id}/rounds",
    response={201: list[RoundOut]},
    summary="建立测评（JSON：instrument 测评编码、expires_on；对党员个人的测评为每人一轮）",
    openapi_extra=JSON_OBJECT,
    url_name="survey_rounds",
)
def survey_create(request, participation_id: int):
    from dudao.surveys import actions as survey_actions
    from dudao.surveys.access import RUNNER_LABELS, may_run
    from dudao.surveys.instruments import get_instrument

    p = campaign_access.get_participation_for_user(request.user, participation_id)
    d = _clean(_RoundForm(_json_object(request)))
    inst = get_instrument(p.campaign.template.data, clean_query_text(d["instrument"]))
    if not may_run(request.user, p, inst):
        runner = RUNNER_LABELS.get(inst["run_by"], inst["run_by"])
        raise AccessDenied(f"“{inst['name']}”由{runner}组织实施。")
    if inst["subject"] == "member":
        survey_actions.create_member_rounds(
            actor=request.user, participation=p, instrument=inst["code"]
        )
        made = list(p.survey_rounds.filter(instrument=inst["code"]).order_by("pk"))
    else:
        made = [
            survey_actions.create_round(
                actor=request.user,
                participation=p,
                instrument=inst["code"],
                expires_on=d["expires_on"],
            )
        ]
    return Status(201, [_round_out(request, r) for r in made])


@api.get(
    "/surveys/rounds/{round_id}",
    response=RoundOut,
    summary="一轮测评（结束后为结论，不含任何答卷）",
    url_name="survey_round",
)
def survey_round(request, round_id: int):
    from dudao.surveys.access import get_round_for_user

    return _round_out(request, get_round_for_user(request.user, round_id))


@api.post(
    "/surveys/rounds/{round_id}",
    response=RoundOut,
    summary="开始或结束测评（JSON：action 为 open〔expires_on〕或 close）",
    openapi_extra=JSON_OBJECT,
    url_name="survey_round",
)
def survey_act(request, round_id: int):
    from dudao.surveys import actions as survey_actions
    from dudao.surveys.access import get_round_for_user, survey_permits

    round_ = get_round_for_user(request.user, round_id)
    payload = _json_object(request)
    action = _pick(payload, "action", ("open", "close"))
    permits = survey_permits(request.user, round_)
    if not permits.may(action):
        raise AccessDenied(permits.reason(action))
    if action == "open":
        d = _clean(_OpenForm(payload))
        survey_actions.open_round(actor=request.user, round_=round_, expires_on=d["expires_on"])
    else:
        survey_actions.close_round(actor=request.user, round_=round_)
    round_.refresh_from_db()
    return _round_out(request, round_)


# --- opinions (征求意见) -------------------------------------------------------------------------


class OpinionOut(Schema):
    id: int
    participation_id: int
    channel: str
    giver_kind: str
    giver_note: str
    given_on: dt.date
    target_kind: str
    target_person_id: int | None
    text: str
    classified: bool
    categories: list[str]
    merged_into_id: int | None
    hidden: bool
    fed_back_on: dt.date | None
    outcome: str
    version: int
    allowed: list[str]


def _opinion_out(request, o) -> OpinionOut:
    from dudao.opinions.access import opinion_permits

    return OpinionOut(
        id=o.pk,
        participation_id=o.participation_id,
        channel=o.channel,
        giver_kind=o.giver_kind,
        giver_note=o.giver_note,
        given_on=o.given_on,
        target_kind=o.target_kind,
        target_person_id=o.target_person_id,
        text=o.text,
        classified=o.classified,
        categories=sorted(c.code for c in o.categories.all()),
        merged_into_id=o.merged_into_id,
        hidden=o.hidden,
        fed_back_on=o.feedback.fed_back_on if o.feedback_id else None,
        outcome=o.outcome,
        version=o.version,
        allowed=opinion_permits(request.user, o).allowed_actions(),
    )


def _unit_opinions(request, participation_id: int):
    from dudao.opinions.access import get_participation, visible_opinions

    p = get_participation(request.user, participation_id)
    qs = visible_opinions(request.user).filter(participation=p)
    return p, qs.select_related("participation", "feedback").prefetch_related("categories")


@api.get(
    "/opinions/units/{participation_id}/opinions",
    response=list[OpinionOut],
    summary="一个单位的意见建议（最多 1000 条）",
    url_name="opinions",
)
def opinion_list(request, participation_id: int):
    _p, qs = _unit_opinions(request, participation_id)
    return [_opinion_out(request, o) for o in qs.order_by("-given_on", "pk")[:1000]]


@api.post(
    "/opinions/units/{participation_id}/opinions",
    response={201: OpinionOut},
    summary="登记一条意见建议（字段同页面表单：text、channel、giver_kind、given_on、target_kind …）",
    openapi_extra=JSON_OBJECT,
    url_name="opinions",
)
def opinion_create(request, participation_id: int):
    from dudao.opinions import actions as opinion_actions
    from dudao.opinions.access import get_participation, unit_permits
    from dudao.opinions.forms import OpinionForm

    p = get_participation(request.user, participation_id)
    _require(unit_permits(request.user, p), "record")
    d = _clean(OpinionForm(_json_object(request), participation=p))
    o = opinion_actions.record_opinion(
        actor=request.user,
        participation=p,
        channel=d["channel"],
        giver_kind=d["giver_kind"],
        given_on=d["given_on"],
        target_kind=d["target_kind"],
        text=d["text"],
        target_person=d["target_person"],
        giver_note=d["giver_note"],
    )
    _p, qs = _unit_opinions(request, participation_id)
    return Status(201, _opinion_out(request, qs.get(pk=o.pk)))


@api.get(
    "/opinions/{opinion_id}",
    response=OpinionOut,
    summary="一条意见建议（allowed：调用者现在可做的操作）",
    url_name="opinion",
)
def opinion_detail(request, opinion_id: int):
    from dudao.opinions.access import get_opinion_for_user

    return _opinion_out(request, get_opinion_for_user(request.user, opinion_id))


@api.post(
    "/opinions/{opinion_id}",
    response=OpinionOut,
    summary="归类一条意见（JSON：action 为 classify，codes 为模板中的类别编码，version 防止覆盖他人修改）",
    openapi_extra=JSON_OBJECT,
    url_name="opinion",
)
def opinion_act(request, opinion_id: int):
    from dudao.opinions import actions as opinion_actions
    from dudao.opinions import rules as opinion_rules
    from dudao.opinions.access import get_opinion_for_user, opinion_permits
    from dudao.opinions.forms import ClassifyForm

    o = get_opinion_for_user(request.user, opinion_id)
    # The role is asked before the body is read: a reader without it learns nothing more.
    _require(opinion_permits(request.user, o), "classify")
    payload = _json_object(request)
    _pick(payload, "action", ("classify",))
    template = o.participation.campaign.template
    d = _clean(ClassifyForm(payload, categories=opinion_rules.categories(template)))
    opinion_actions.classify_opinion(
        actor=request.user, opinion=o, codes=d["codes"], expected_version=d["version"]
    )
    return _opinion_out(request, get_opinion_for_user(request.user, opinion_id))


class FeedbackOut(Schema):
    id: int
    kind: str
    form: str
    fed_back_on: dt.date
    opinions: list[int]


@api.get(
    "/opinions/units/{participation_id}/feedbacks",
    response=list[FeedbackOut],
    summary="一个单位的意见反馈（最多 1000 次）",
    url_name="opinion_feedbacks",
)
def opinion_feedbacks(request, participation_id: int):
    _p, qs = _unit_opinions(request, participation_id)
    by_feedback: dict = {}
    for o in qs.filter(feedback__isnull=False).order_by("pk"):
        by_feedback.setdefault(o.feedback, []).append(o.pk)
    return [
        FeedbackOut(id=f.pk, kind=f.kind, form=f.form, fed_back_on=f.fed_back_on, opinions=ids)
        for f, ids in sorted(by_feedback.items(), key=lambda kv: kv[0].pk)[:1000]
    ]


@api.post(
    "/opinions/units/{participation_id}/feedbacks",
    response={201: FeedbackOut},
    summary=(
        "反馈意见（JSON：opinions 为意见编号列表，form、fed_back_on、outcome、text、outcome_note"
        " 同页面表单；班子层面的集体反馈，个人的意见反馈给本人）"
    ),
    openapi_extra=JSON_OBJECT,
    url_name="opinion_feedbacks",
)
def opinion_feed_back(request, participation_id: int):
    from dudao.opinions import actions as opinion_actions
    from dudao.opinions.access import get_participation, unit_permits, visible_opinions
    from dudao.opinions.forms import FeedbackFormForm

    p = get_participation(request.user, participation_id)
    _require(unit_permits(request.user, p), "feed_back")
    payload = _json_object(request)
    raw = payload.get("opinions")
    ids = [id_or_none(i) for i in raw] if isinstance(raw, list) else []
    if not ids or None in ids:
        raise FormRejected(
            [{"field": "opinions", "label": "意见", "message": "请列出要反馈的意见编号。"}]
        )
    chosen = list(
        visible_opinions(request.user).filter(
            participation=p, hidden=False, merged_into__isnull=True, pk__in=ids
        )
    )
    if len(chosen) != len(set(ids)):
        raise Http404(NOT_FOUND)
    d = _clean(FeedbackFormForm(payload))
    fb = opinion_actions.feed_back(
        actor=request.user,
        participation=p,
        opinions=chosen,
        form=d["form"],
        fed_back_on=d["fed_back_on"],
        outcome=d["outcome"],
        text=d["text"],
        outcome_note=d["outcome_note"],
    )
    return Status(
        201,
        FeedbackOut(
            id=fb.pk,
            kind=fb.kind,
            form=fb.form,
            fed_back_on=fb.fed_back_on,
            opinions=sorted(o.pk for o in chosen),
        ),
    )


# --- reports (统计) -----------------------------------------------------------------------------


class FigureOut(Schema):
    code: str
    label: str
    section: str
    unit_of_measure: str
    # None: the figure does not apply under the filters (no phase or no date).
    value: float | None
    by_group: dict[str, float]
    by_batch: dict[str, float]


class TalliesOut(Schema):
    campaign_id: int
    units: int
    groups: dict[str, str]
    batches: dict[str, str]
    figures: list[FigureOut]


def _num(value):
    return None if value is None else float(value)


def _report_filters(request, campaign):
    from dudao.reports.forms import FilterForm

    groups = list(campaign_access.visible_groups(request.user).filter(campaign=campaign))
    form = FilterForm(request.GET, campaign=campaign, groups=groups)
    filters = form.filters()
    if filters.group_id and filters.group_id not in {g.pk for g in groups}:
        raise Http404(NOT_FOUND)
    return filters


@api.get(
    "/reports/campaigns/{campaign_id}/tallies",
    response=TalliesOut,
    summary="活动的统计项合计、各督导组和各批次数（筛选同页面：batch、group、phase、from、to）",
    url_name="report_tallies",
)
def report_tallies(request, campaign_id: int):
    from dudao.reports import cache as report_cache
    from dudao.reports.access import get_campaign_for_reader

    campaign = get_campaign_for_reader(request.user, campaign_id)
    report, _charts = report_cache.campaign_page(
        request.user, campaign, _report_filters(request, campaign)
    )
    return TalliesOut(
        campaign_id=campaign.pk,
        units=len(report.units),
        groups={str(k): v for k, v in report.groups.items()},
        batches={str(k): v for k, v in report.batches.items()},
        figures=[
            FigureOut(
                code=f.code,
                label=f.label,
                section=f.section,
                unit_of_measure=f.unit_of_measure,
                value=_num(report.values.get(f.code)),
                by_group={
                    str(k) if k is not None else "none": float(v)
                    for k, v in report.by_group.get(f.code, {}).items()
                },
                by_batch={str(k): float(v) for k, v in report.by_batch.get(f.code, {}).items()},
            )
            for f in report.figures
        ],
    )


class FigureUnitOut(Schema):
    participation_id: int
    unit_name: str
    group_id: int | None
    batch_id: int
    value: float | None


def _report_figure(campaign, code: str):
    from dudao.reports.rules import figure as find_figure

    fig = find_figure(campaign.template.data, clean_query_text(code))
    if fig is None:
        raise Http404(NOT_FOUND)
    return fig


@api.get(
    "/reports/campaigns/{campaign_id}/tallies/{code}/units",
    response=list[FigureUnitOut],
    summary="一个统计项下钻到各单位（筛选同上）",
    url_name="report_figure_units",
)
def report_figure_units(request, campaign_id: int, code: str):
    from dudao.reports import selectors as report_selectors
    from dudao.reports.access import get_campaign_for_reader

    campaign = get_campaign_for_reader(request.user, campaign_id)
    fig = _report_figure(campaign, code)
    report = report_selectors.tally_report(
        user=request.user,
        campaign=campaign,
        filters=_report_filters(request, campaign),
        codes=[fig.code],
    )
    return [
        FigureUnitOut(
            participation_id=u.participation_id,
            unit_name=u.name,
            group_id=u.group_id,
            batch_id=u.batch_id,
            value=_num(report.unit_value(fig.code, u.participation_id)),
        )
        for u in report.units
    ]


class RecordTableOut(Schema):
    title: str
    columns: list[str]
    rows: list[list[str]]
    total: int


@api.get(
    "/reports/campaigns/{campaign_id}/tallies/{code}/units/{participation_id}",
    response=list[RecordTableOut],
    summary="一个单位计入该统计项的记录（每种登记方式一表，每表最多 500 行）",
    url_name="report_figure_records",
)
def report_figure_records(request, campaign_id: int, code: str, participation_id: int):
    from dudao.reports import selectors as report_selectors
    from dudao.reports.access import get_campaign_for_reader, get_campaign_participation

    campaign = get_campaign_for_reader(request.user, campaign_id)
    fig = _report_figure(campaign, code)
    p = get_campaign_participation(request.user, campaign, participation_id)
    tables = report_selectors.figure_records(
        fig,
        campaign=campaign,
        participation_id=p.pk,
        filters=_report_filters(request, campaign),
    )
    return [
        RecordTableOut(title=t.title, columns=t.columns, rows=t.rows, total=t.total) for t in tables
    ]


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
