"""Review pages: thin views over reviews.actions and reviews.selectors. Documents are fetched
through ``get_document_for_user`` (404 outside the user's scope); campaign pages through
``_campaign_for`` (404 for anyone with no part in the campaign)."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dudao.campaigns.models import Campaign
from dudao.core.access import clean_query_text
from dudao.core.errors import AccessDenied, DomainError
from dudao.orgs.access import scope_for

from . import access, actions, copies, detection, rules, selectors
from .diff import diff_texts, summary
from .forms import (
    CheckForm,
    CommentForm,
    DecideForm,
    MilestoneForm,
    NewDocumentForm,
    ReferenceForm,
    ReplyForm,
    SubmitForm,
)
from .models import DocumentStatus, ReferenceText


def _errors(form) -> str:
    parts = []
    for key, errs in form.errors.items():
        label = form.fields[key].label if key in form.fields else ""
        parts.append(f"{label}：{'；'.join(errs)}" if label else "；".join(errs))
    return "；".join(parts)


def _campaign_for(user, campaign_id) -> Campaign:
    return access.get_campaign_for_reviews(user, campaign_id)


def _may_see_reports(user, campaign) -> bool:
    scope = scope_for(user)
    return (
        scope.is_superuser
        or campaign.pk in scope.read_all_campaigns
        or any(scope.group_campaigns.get(g) == campaign.pk for g in scope.groups)
    )


# --- lists -----------------------------------------------------------------------------------


def _campaigns_for(user):
    return list(access.review_campaigns(user).order_by("-start_date", "-pk"))


@login_required
def home(request):
    """The nav's entry: straight to the campaign's documents when the user has one campaign."""
    campaigns = _campaigns_for(request.user)
    if len(campaigns) == 1:
        return redirect("reviews:list", campaigns[0].pk)
    return render(request, "reviews/home.html", {"campaigns": campaigns})


@login_required
def document_list(request, campaign_id):
    campaign = _campaign_for(request.user, campaign_id)
    kinds = rules.kinds(campaign)
    qs = (
        selectors.visible_documents(request.user, campaign)
        .select_related("participation__group", "author")
        .order_by("-last_submitted_at", "-pk")
    )
    status = clean_query_text(request.GET.get("status"))
    kind = clean_query_text(request.GET.get("kind"))
    if status in DocumentStatus.values:
        qs = qs.filter(status=status)
    if kind in kinds:
        qs = qs.filter(kind=kind)
    docs = list(qs[:300])
    for d in docs:
        d.kind_name = kinds[d.kind].name if d.kind in kinds else d.kind
    return render(
        request,
        "reviews/list.html",
        {
            "campaign": campaign,
            "documents": docs,
            "kinds": kinds.values(),
            "statuses": DocumentStatus.choices,
            "status": status,
            "kind": kind,
            "reports": _may_see_reports(request.user, campaign),
            "is_office": rules.is_office(request.user, campaign),
            "may_submit": access.may_submit(request.user, campaign),
        },
    )


@login_required
def document_new(request, campaign_id):
    campaign = _campaign_for(request.user, campaign_id)
    participations, people = access.submittable(request.user, campaign)
    if not participations:
        raise Http404("您没有可提交文书的单位")
    kinds = [k for k in rules.kinds(campaign).values() if k.submitted_by != "group"]
    form = NewDocumentForm(
        request.POST or None,
        request.FILES or None,
        participations=participations,
        kinds=kinds,
        authors=people,
        initial={"kind": clean_query_text(request.GET.get("kind"))},
    )
    if request.method == "POST":
        if form.is_valid():
            part = next(p for p in participations if p.pk == form.cleaned_data["participation"])
            author = next((p for p in people if p.pk == form.cleaned_data["author"]), None)
            try:
                doc = actions.submit_document(
                    actor=request.user,
                    participation=part,
                    kind=form.cleaned_data["kind"],
                    author=author,
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    upload=form.cleaned_data.get("upload"),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已提交，等待审核。")
                return redirect("reviews:detail", doc.pk)
    return render(request, "reviews/new.html", {"campaign": campaign, "form": form, "kinds": kinds})


# --- one document ----------------------------------------------------------------------------


def _detail_context(request, doc, **forms):
    kind = rules.kinds(doc.campaign).get(doc.kind)
    versions = list(doc.versions.select_related("submitted_by").order_by("number"))
    latest = versions[-1] if versions else None
    comments = selectors.comments_on_latest(doc)
    permits = rules.review_permits(request.user, doc, kind)
    reviewer = kind is not None and rules.may_review(request.user, doc, kind)
    submitter = permits.may("submit")
    # Beside the publicity/endorsement form: why a step the template asks for is not offered
    # (publicity first, already recorded, or recorded by the higher organisation, not the unit).
    milestone_notes = []
    if kind is not None and doc.status == DocumentStatus.APPROVED:
        for action, wanted in (("publicity", kind.publicity), ("endorsement", kind.endorsement)):
            if wanted and not permits.may(action):
                if permits.refused_by_state(action) or rules.may_record_publicity(
                    request.user, doc
                ):
                    milestone_notes.append(permits.reason(action))
    items = kind.checklist_items if kind else []
    texts = {i["code"]: i["text"] for i in items}
    score_labels = dict(rules.SCORE_CHOICES)
    rounds = list(doc.rounds.select_related("reviewer", "version").order_by("number"))
    for r in rounds:
        r.scores = [
            (texts.get(code, code), score_labels.get(v, v)) for code, v in r.checklist.items()
        ]
    return {
        "doc": doc,
        "kind": kind,
        "versions": versions,
        "latest": latest,
        "pieces": selectors.highlighted(latest.text, comments) if latest else [],
        "comments": comments,
        "open_count": sum(1 for c in comments if c.comment.status == "open"),
        "rounds": rounds,
        "similar": copies.similar_for_version(request.user, latest) if latest else [],
        "milestones": list(doc.milestones.order_by("kind")),
        "reviewer": reviewer,
        "submitter": submitter,
        "permits": permits,
        "may_milestone": permits.may("publicity") or permits.may("endorsement"),
        "milestone_notes": milestone_notes,
        "comment_form": forms.get("comment_form")
        or CommentForm(initial={"version_number": latest.number if latest else None}),
        "decide_form": forms.get("decide_form")
        or DecideForm(items=items, initial={"expected_version": doc.version}),
        "submit_form": forms.get("submit_form")
        or SubmitForm(
            initial={"expected_version": doc.version, "text": latest.text if latest else ""}
        ),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(),
        "check_form": CheckForm(),
        # A fresh token per rendered page: the same reply sent twice is written once.
        "reply_form": ReplyForm(initial={"client_token": secrets.token_urlsafe(16)})
        if permits.may("reply")
        else None,
        "score_items": items,
    }


@login_required
def document_detail(request, pk):
    doc = access.get_document_for_user(request.user, pk)
    return render(request, "reviews/detail.html", _detail_context(request, doc))


def _fail(request, doc, exc_or_form, **forms):
    message = exc_or_form.message if isinstance(exc_or_form, DomainError) else _errors(exc_or_form)
    messages.error(request, message)
    # Refused for who asks (the page is visible, the action is not his): 403, nothing written.
    status = 403 if isinstance(exc_or_form, AccessDenied) else 400
    return render(
        request, "reviews/detail.html", _detail_context(request, doc, **forms), status=status
    )


@login_required
@require_POST
def document_submit(request, pk):
    doc = access.get_document_for_user(request.user, pk)
    form = SubmitForm(request.POST, request.FILES)
    if not form.is_valid():
        return _fail(request, doc, form, submit_form=form)
    try:
        actions.submit_document(
            actor=request.user,
            participation=doc.participation,
            kind=doc.kind,
            document=doc,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            upload=form.cleaned_data.get("upload"),
            expected_version=form.cleaned_data["expected_version"],
        )
    except DomainError as exc:
        return _fail(request, doc, exc, submit_form=form)
    messages.success(request, "修改稿已提交。")
    return redirect("reviews:detail", doc.pk)


@login_required
@require_POST
def document_comment(request, pk):
    doc = access.get_document_for_user(request.user, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _fail(request, doc, form, comment_form=form)
    try:
        actions.add_comment(
            actor=request.user,
            document=doc,
            quote=form.cleaned_data["quote"],
            body=form.cleaned_data["body"],
            start=form.cleaned_data["start"],
            version_number=form.cleaned_data["version_number"],
        )
    except DomainError as exc:
        return _fail(request, doc, exc, comment_form=form)
    messages.success(request, "批注已添加。")
    return redirect(reverse("reviews:detail", args=[doc.pk]) + "#comments")


@login_required
@require_POST
def comment_reply(request, pk, comment_id):
    doc = access.get_document_for_user(request.user, pk)
    comment = access.get_comment(doc, comment_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _fail(request, doc, form)
    try:
        _reply, created = actions.reply_to_comment(
            actor=request.user,
            comment=comment,
            body=form.cleaned_data["body"],
            client_token=form.cleaned_data["client_token"],
        )
    except DomainError as exc:
        return _fail(request, doc, exc)
    messages.success(request, "答复已发送。" if created else "这条答复此前已收到，没有重复发送。")
    return redirect(reverse("reviews:detail", args=[doc.pk]) + f"#comment-{comment.pk}")


@login_required
@require_POST
def comment_check(request, pk, comment_id):
    doc = access.get_document_for_user(request.user, pk)
    comment = access.get_comment(doc, comment_id)
    form = CheckForm(request.POST)
    if not form.is_valid():
        return _fail(request, doc, form)
    try:
        actions.check_comment(
            actor=request.user,
            comment=comment,
            addressed=form.cleaned_data["addressed"],
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        return _fail(request, doc, exc)
    messages.success(request, "已记录核对结果。")
    return redirect(reverse("reviews:detail", args=[doc.pk]) + "#comments")


@login_required
@require_POST
def document_decide(request, pk):
    doc = access.get_document_for_user(request.user, pk)
    kind = rules.kinds(doc.campaign).get(doc.kind)
    form = DecideForm(request.POST, items=kind.checklist_items if kind else [])
    if not form.is_valid():
        return _fail(request, doc, form, decide_form=form)
    try:
        review = actions.decide(
            actor=request.user,
            document=doc,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
            checklist=form.checklist(),
            expected_version=form.cleaned_data["expected_version"],
        )
    except DomainError as exc:
        return _fail(request, doc, exc, decide_form=form)
    messages.success(request, f"第 {review.number} 轮审核：{review.get_decision_display()}。")
    return redirect("reviews:detail", doc.pk)


@login_required
@require_POST
def document_milestone(request, pk):
    doc = access.get_document_for_user(request.user, pk)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        return _fail(request, doc, form, milestone_form=form)
    try:
        actions.record_milestone(actor=request.user, document=doc, **form.cleaned_data)
    except DomainError as exc:
        return _fail(request, doc, exc, milestone_form=form)
    messages.success(request, "已登记。")
    return redirect("reviews:detail", doc.pk)


@login_required
def document_diff(request, pk):
    doc = access.get_document_for_user(request.user, pk)
    versions = list(doc.versions.order_by("number"))
    if len(versions) < 2:
        raise Http404("只有一稿，没有可比较的版本")
    a = access.get_version(doc, request.GET.get("a", versions[-2].number))
    b = access.get_version(doc, request.GET.get("b", versions[-1].number))
    rows = diff_texts(a.text, b.text)
    return render(
        request,
        "reviews/diff.html",
        {"doc": doc, "a": a, "b": b, "rows": rows, "summary": summary(rows), "versions": versions},
    )


@login_required
def version_original(request, pk, number):
    doc = access.get_document_for_user(request.user, pk)
    version = access.get_version(doc, number)
    if not version.original:
        raise Http404("该版本没有上传原始文件")
    return FileResponse(
        version.original.open("rb"), as_attachment=True, filename=version.original_name
    )


# --- campaign reports ------------------------------------------------------------------------


@login_required
def copy_report(request, campaign_id):
    campaign = _campaign_for(request.user, campaign_id)
    if not _may_see_reports(request.user, campaign):
        raise Http404("页面不存在或您无权访问")
    clusters = copies.copy_clusters(request.user, campaign)
    per_unit, per_group = copies.cluster_counts(clusters)
    kinds = rules.kinds(campaign)
    for c in clusters:
        for d in c.documents:
            d.kind_name = kinds[d.kind].name if d.kind in kinds else d.kind
    return render(
        request,
        "reviews/copies.html",
        {
            "campaign": campaign,
            "clusters": clusters,
            "per_unit": per_unit,
            "per_group": per_group,
            "min_passage": detection.min_passage(),
            "min_share": round(detection.min_share() * 100),
        },
    )


@login_required
def load_report(request, campaign_id):
    campaign = _campaign_for(request.user, campaign_id)
    if not _may_see_reports(request.user, campaign):
        raise Http404("页面不存在或您无权访问")
    return render(
        request,
        "reviews/load.html",
        {
            "campaign": campaign,
            "readers": selectors.characters_read(request.user, campaign),
            "pending": selectors.pending_by_group(request.user, campaign),
        },
    )


@login_required
def references(request, campaign_id):
    campaign = _campaign_for(request.user, campaign_id)
    if not rules.is_office(request.user, campaign):
        raise Http404("页面不存在或您无权访问")
    form = ReferenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_reference_text(actor=request.user, campaign=campaign, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "参考文本已加入比对库。")
            return redirect("reviews:references", campaign.pk)
    refs = ReferenceText.objects.filter(campaign=campaign).order_by("-uploaded_at")
    return render(
        request, "reviews/references.html", {"campaign": campaign, "form": form, "refs": refs}
    )
