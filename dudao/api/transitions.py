"""Transitions (转段): applications and their decisions."""

from __future__ import annotations

import datetime as dt

from ninja import Schema, Status

from .base import api
from .shared import JSON_OBJECT, _clean, _json_object, _pick, _require

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
