"""Documents and reviews (文书审核): listing, submitting and acting on documents."""

from __future__ import annotations

from django.http import Http404
from ninja import Schema, Status

from dudao.core.access import NOT_FOUND, clean_query_text

from .base import api
from .shared import JSON_OBJECT, _clean, _json_object, _pick

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
