"""Opinions (征求意见): opinions, their actions and the feedback to units."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Schema, Status

from dudao.core.access import NOT_FOUND, id_or_none

from .base import FormRejected, api
from .shared import JSON_OBJECT, _clean, _json_object, _pick, _require

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
