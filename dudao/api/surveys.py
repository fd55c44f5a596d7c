"""Surveys (测评): rounds and their actions; answering stays on the anonymous pages."""

from __future__ import annotations

import datetime as dt

from django import forms
from ninja import Schema, Status

from dudao.campaigns import access as campaign_access
from dudao.core.access import clean_query_text
from dudao.core.errors import AccessDenied

from .base import api
from .shared import JSON_OBJECT, _clean, _json_object, _pick

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
