"""The API object, its two ways in (bearer token, session) and its errors in Chinese, naming the
field."""

from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from dudao.core.access import NOT_FOUND
from dudao.core.errors import AccessDenied, ConflictError, DomainError, TransitionError
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


class _API(NinjaAPI):
    """Operation ids stay ``dudao_api_<function>`` whichever module of the package holds the
    endpoint, as they were when the API was one module."""

    def get_openapi_operation_id(self, operation) -> str:
        return "dudao_api_" + operation.view_func.__name__


api = _API(
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
