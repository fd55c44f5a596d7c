"""Every write of the reviews app: submissions, comments, decisions, publicity/endorsement and
the office's reference texts. One transaction per action, with its audit event."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from dudao.core.audit import record_event
from dudao.core.errors import ConflictError, DomainError

from . import detection, rules
from .docx_text import extract_text, read_upload
from .models import (
    CommentCheck,
    CommentReply,
    CommentStatus,
    Document,
    DocumentMilestone,
    DocumentStatus,
    DocumentVersion,
    MilestoneKind,
    ReferenceKind,
    ReferenceText,
    ReviewComment,
    ReviewDecision,
    ReviewRound,
)

RESUBMITTABLE = {DocumentStatus.DRAFT, DocumentStatus.RETURNED}
ACTIVE = [DocumentStatus.DRAFT, DocumentStatus.SUBMITTED, DocumentStatus.RETURNED,
          DocumentStatus.APPROVED]  # fmt: skip


def _locked(document: Document) -> Document:
    return (
        Document.objects.select_for_update(of=("self",))
        .select_related("campaign__template", "participation", "author")
        .get(pk=document.pk)
    )


def _check_expected(document: Document, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != document.version:
        raise ConflictError(
            f"“{document}”已被他人修改（当前修改计数 {document.version}，您的页面是 "
            f"{expected_version}）：请刷新页面，查看最新情况后再操作。",
            code="stale",
        )


def submit_document(
    *,
    actor,
    participation,
    kind: str,
    author=None,
    title: str = "",
    text: str = "",
    upload=None,
    expected_version: int | None = None,
    document: Document | None = None,
) -> Document:
    """Submit a new document, or a new version of ``document`` (a draft or a returned one).

    An uploaded .docx is read and refused (nothing saved) when it cannot be used; its text
    replaces ``text`` and the file is kept for download. The new version is compared with the
    campaign's documents and the office's reference texts.
    """
    original = None
    original_name = ""
    if upload is not None:
        # Read and check the file before the transaction: a refusal leaves nothing behind.
        original_name = getattr(upload, "name", "") or "upload.docx"
        if not original_name.lower().endswith(".docx"):
            raise DomainError(
                f"“{original_name}”不是 .docx 文件：请上传 Word 2007 及以后版本的 .docx 文件。"
            )
        data = read_upload(upload)
        text = extract_text(data, original_name)
        original = ContentFile(data, name=original_name)
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise DomainError("正文为空：请填写正文或上传 .docx 文件。")
    saved: list = []
    try:
        return _submit(
            actor=actor,
            participation=participation,
            kind_code=kind,
            author=author,
            title=title.strip(),
            text=text,
            original=original,
            original_name=original_name,
            expected_version=expected_version,
            document=document,
            saved=saved,
        )
    except BaseException:
        # The transaction rolled back: the stored original would be an orphan file.
        for storage, name in saved:
            storage.delete(name)
        raise


@transaction.atomic
def _submit(
    *,
    actor,
    participation,
    kind_code,
    author,
    title,
    text,
    original,
    original_name,
    expected_version,
    document,
    saved,
):
    campaign = participation.campaign
    kind = rules.kind_for(campaign, kind_code)
    now = timezone.now()
    if document is not None:
        document = _locked(document)
        if document.participation_id != participation.pk or document.kind != kind.code:
            raise DomainError("所选文书与单位或文书类型不符：请从文书页面提交修改稿。")
        _check_expected(document, expected_version)
        if document.status not in RESUBMITTABLE:
            raise DomainError(
                f"“{document}”当前为“{document.get_status_display()}”，不能提交新版本"
                + (
                    "：被推倒重来的文书请新建一份。"
                    if document.status == DocumentStatus.REJECTED
                    else "。"
                )
            )
        author = document.author
        rules.check_submitter(actor=actor, participation=participation, kind=kind, author=author)
        if title:
            document.title = title
    else:
        rules.check_submitter(actor=actor, participation=participation, kind=kind, author=author)
        # One live document per unit (or per person) and phase, except kinds that need no
        # review (study notes), of which a member writes many.
        if kind.min_review_rounds > 0:
            live = Document.objects.filter(
                participation=participation,
                phase=participation.current_phase,
                kind=kind.code,
                author=author,
                status__in=ACTIVE,
            ).first()
            if live is not None:
                raise DomainError(
                    f"本阶段已有“{kind.name}”（{live.get_status_display()}）：请在该文书上提交"
                    "修改稿，不要另建。"
                )
        document = Document.objects.create(
            campaign=campaign,
            participation=participation,
            kind=kind.code,
            phase=participation.current_phase,
            author=author,
            title=title or (f"{author.name}的{kind.name}" if author else kind.name),
            status=DocumentStatus.DRAFT,
            version=0,
            created_by=actor,
        )
    number = document.versions.count() + 1
    version = DocumentVersion(
        document=document,
        number=number,
        text=text,
        char_count=len(text),
        submitted_by=actor,
        submitted_at=now,
        original_name=original_name,
    )
    if original is not None:
        version.original.save(original_name, original, save=False)
        saved.append((version.original.storage, version.original.name))
    version.save()
    document.status = DocumentStatus.SUBMITTED
    document.version += 1
    document.last_submitted_at = now
    document.save()
    matches = detection.index_version(version)
    record_event(
        actor=actor,
        action="document.submit",
        target=document,
        campaign_id=campaign.pk,
        organisation_id=participation.unit_id,
        data={
            "kind": kind.code,
            "version": number,
            "chars": len(text),
            "file": original_name,
            "similar": [
                {"version": m.other_version_id, "reference": m.other_reference_id, "j": m.jaccard}
                for m in matches[:5]
            ],
        },
    )
    return document


# --- comments ------------------------------------------------------------------------------


def _latest_version(document: Document) -> DocumentVersion:
    return document.versions.order_by("-number").first()


@transaction.atomic
def add_comment(
    *,
    actor,
    document: Document,
    quote: str,
    body: str,
    start: int | None = None,
    version_number: int | None = None,
) -> ReviewComment:
    """Anchor a comment to a quoted passage of the version under review. ``start`` (from the
    page's selection) picks the occurrence; without it the first occurrence is used."""
    document = _locked(document)
    kind = rules.kind_for(document.campaign, document.kind)
    rules.review_permits(actor, document, kind).require("comment")
    version = _latest_version(document)
    if version_number is not None and int(version_number) != version.number:
        raise ConflictError(
            f"单位已提交第{version.number}稿：请刷新页面，在最新稿上批注。", code="stale"
        )
    quote = (quote or "").strip()
    body = (body or "").strip()
    if not quote:
        raise DomainError("请填写“引用原文”：复制要批注的那句话。")
    if not body:
        raise DomainError("请填写批注意见。")
    text = version.text
    if start is not None and text[int(start) : int(start) + len(quote)] == quote:
        start = int(start)
    else:
        start = text.find(quote)
        if start < 0:
            raise DomainError("“引用原文”在本稿中找不到：请从正文中原样复制（包括标点）后再批注。")
    comment = ReviewComment.objects.create(
        document=document,
        version=version,
        quote=quote,
        start=start,
        end=start + len(quote),
        body=body,
        author=actor,
    )
    record_event(
        actor=actor,
        action="document.comment",
        target=document,
        campaign_id=document.campaign_id,
        organisation_id=document.participation.unit_id,
        data={"comment": comment.pk, "version": version.number, "quote": quote[:100]},
    )
    return comment


@transaction.atomic
def check_comment(
    *, actor, comment: ReviewComment, addressed: bool, note: str = ""
) -> ReviewComment:
    """On a later version, the reviewer marks an open comment addressed (closing it) or not."""
    document = _locked(comment.document)
    comment = ReviewComment.objects.select_for_update().get(pk=comment.pk)
    kind = rules.kind_for(document.campaign, document.kind)
    rules.review_permits(actor, document, kind).require("check_comment")
    if comment.status != CommentStatus.OPEN:
        raise DomainError("该批注已标记为已修改。")
    version = _latest_version(document)
    if version.pk == comment.version_id:
        raise DomainError("批注是在本稿上提出的：要等单位提交修改稿后才能核对是否已改。")
    CommentCheck.objects.create(
        comment=comment,
        version=version,
        addressed=addressed,
        note=note.strip(),
        checked_by=actor,
        checked_at=timezone.now(),
    )
    if addressed:
        comment.status = CommentStatus.ADDRESSED
        comment.addressed_in = version
        comment.save(update_fields=["status", "addressed_in"])
    record_event(
        actor=actor,
        action="document.comment_check",
        target=document,
        campaign_id=document.campaign_id,
        organisation_id=document.participation.unit_id,
        data={"comment": comment.pk, "version": version.number, "addressed": addressed},
    )
    return comment


@transaction.atomic
def reply_to_comment(
    *, actor, comment: ReviewComment, body: str, client_token: str
) -> tuple[CommentReply, bool]:
    """A message in an open comment's thread. The unit's answer takes the comment off its
    to-do list (``answered_at``); a reviewer's answer back puts it on again. Returns
    ``(reply, created)``: the same form sent twice (same token) writes one reply."""
    document = _locked(comment.document)
    comment = ReviewComment.objects.select_for_update().get(pk=comment.pk)
    kind = rules.kind_for(document.campaign, document.kind)
    rules.review_permits(actor, document, kind).require("reply")
    token = (client_token or "").strip()[:64]
    if not token:
        raise DomainError("提交标识缺失，请刷新页面后重新答复。")
    existing = CommentReply.objects.filter(author=actor, client_token=token).first()
    if existing is not None:
        return existing, False
    if comment.status != CommentStatus.OPEN:
        raise DomainError("该审核意见已标记为已修改，不需要再答复。")
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise DomainError("请填写答复内容（如何修改，或为何保留原文）。")
    by_reviewer = rules.may_review(actor, document, kind)
    reply = CommentReply.objects.create(
        comment=comment, body=body, author=actor, by_reviewer=by_reviewer, client_token=token
    )
    comment.answered_at = None if by_reviewer else reply.created_at
    comment.save(update_fields=["answered_at"])
    record_event(
        actor=actor,
        action="document.comment_reply",
        target=document,
        campaign_id=document.campaign_id,
        organisation_id=document.participation.unit_id,
        data={"comment": comment.pk, "reply": reply.pk, "by_reviewer": by_reviewer},
    )
    return reply, True


# --- decisions -----------------------------------------------------------------------------


def _clean_checklist(kind: rules.Kind, checklist: dict | None, *, complete: bool) -> dict:
    checklist = checklist or {}
    valid = {v for v, _ in rules.SCORE_CHOICES}
    codes = [item["code"] for item in kind.checklist_items]
    clean = {}
    for code in codes:
        value = checklist.get(code)
        if value in (None, ""):
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = -1
        if value not in valid:
            raise DomainError(f"清单项“{code}”的评分无效：请选择符合、基本符合或不符合。")
        clean[code] = value
    unknown = set(checklist) - set(codes)
    if unknown:
        raise DomainError(f"清单项 {'、'.join(sorted(unknown))} 不在“{kind.checklist_name}”中。")
    if complete:
        missing = [i["text"] for i in kind.checklist_items if i["code"] not in clean]
        if missing:
            raise DomainError(
                f"审核通过前请逐项评分（{kind.checklist_name}）：未评 {'；'.join(missing)}。"
            )
    return clean


@transaction.atomic
def decide(
    *,
    actor,
    document: Document,
    decision: str,
    reason: str = "",
    checklist: dict | None = None,
    expected_version: int | None = None,
) -> ReviewRound:
    """Return (退回修改), reject (推倒重来) or approve the version under review. A new round
    is appended each time."""
    document = _locked(document)
    _check_expected(document, expected_version)
    kind = rules.kind_for(document.campaign, document.kind)
    rules.review_permits(actor, document, kind).require("decide")
    if decision not in ReviewDecision.values:
        raise DomainError("请选择审核结论：退回修改、推倒重来或审核通过。")
    reason = (reason or "").strip()
    label = ReviewDecision(decision).label
    if decision != ReviewDecision.APPROVED and not reason:
        raise DomainError(f"“{label}”必须写明理由：请填写需要修改的地方或推倒重来的原因。")
    rounds_before = document.rounds.count()
    if decision == ReviewDecision.APPROVED:
        open_comments = list(document.comments.filter(status=CommentStatus.OPEN))
        if open_comments:
            quotes = "；".join(f"“{c.quote[:20]}”" for c in open_comments[:5])
            raise DomainError(
                f"还有 {len(open_comments)} 条批注未解决（{quotes}）：请先退回修改，"
                "或在修改稿上逐条核对为“已修改”后再审核通过。"
            )
        if rounds_before + 1 < kind.min_review_rounds:
            raise DomainError(
                f"“{kind.name}”至少要审核 {kind.min_review_rounds} 轮，这是第 "
                f"{rounds_before + 1} 轮：请提出修改意见后退回修改。"
            )
    scores = _clean_checklist(kind, checklist, complete=decision == ReviewDecision.APPROVED)
    version = _latest_version(document)
    review = ReviewRound.objects.create(
        document=document,
        version=version,
        number=rounds_before + 1,
        reviewer=actor,
        decision=decision,
        reason=reason,
        checklist=scores,
        decided_at=timezone.now(),
    )
    document.status = {
        ReviewDecision.RETURNED: DocumentStatus.RETURNED,
        ReviewDecision.REJECTED: DocumentStatus.REJECTED,
        ReviewDecision.APPROVED: DocumentStatus.APPROVED,
    }[ReviewDecision(decision)]
    document.version += 1
    document.save(update_fields=["status", "version", "updated_at"])
    record_event(
        actor=actor,
        action=f"document.{decision}",
        target=document,
        campaign_id=document.campaign_id,
        organisation_id=document.participation.unit_id,
        reason=reason,
        data={"round": review.number, "version": version.number, "checklist": scores},
    )
    return review


# --- publicity and endorsement ---------------------------------------------------------------


@transaction.atomic
def record_milestone(
    *,
    actor,
    document: Document,
    kind: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    note: str = "",
) -> DocumentMilestone:
    """Publicity (with its period) or endorsement (with its date) of an approved document."""
    document = _locked(document)
    spec = rules.kind_for(document.campaign, document.kind)
    if kind not in (MilestoneKind.PUBLICITY, MilestoneKind.ENDORSEMENT):
        raise DomainError("请选择公示或审议。")
    # Who may record it (never the unit for its own higher organisation's approval), and
    # whether the document's state allows it: the same rule the page shows its form from.
    rules.review_permits(actor, document, spec).require(kind)
    if kind == MilestoneKind.PUBLICITY:
        scope = spec.publicity
    else:
        scope = spec.endorsement
        if spec.publicity:
            publicity = document.milestones.get(kind=MilestoneKind.PUBLICITY)
            if started_on < publicity.started_on:
                raise DomainError(
                    f"{spec.endorsement_label}日期（{started_on}）早于公示开始日期"
                    f"（{publicity.started_on}）：请核对日期。"
                )
            # No approval before the publicity period is over (issue 10): the publicity's
            # end must be known, and the endorsement dated after it.
            if publicity.ended_on is None:
                raise DomainError(
                    f"{spec.publicity_label}尚未登记结束日期：公示期满后才能登记"
                    f"{spec.endorsement_label}。"
                )
            if started_on <= publicity.ended_on:
                raise DomainError(
                    f"{spec.endorsement_label}日期（{started_on}）不晚于公示结束日期"
                    f"（{publicity.ended_on}）：公示期满后才能{spec.endorsement_label}，"
                    "请核对日期。"
                )
    if ended_on is not None and ended_on < started_on:
        raise DomainError(f"结束日期（{ended_on}）早于开始日期（{started_on}）：请核对日期。")
    milestone = DocumentMilestone.objects.create(
        document=document,
        kind=kind,
        scope=scope,
        started_on=started_on,
        ended_on=ended_on,
        note=note.strip(),
        recorded_by=actor,
    )
    record_event(
        actor=actor,
        action=f"document.{kind}",
        target=document,
        campaign_id=document.campaign_id,
        organisation_id=document.participation.unit_id,
        data={
            "scope": scope,
            "start": started_on.isoformat(),
            "end": ended_on.isoformat() if ended_on else None,
        },  # fmt: skip
    )
    return milestone


# --- reference corpus ----------------------------------------------------------------------


@transaction.atomic
def add_reference_text(
    *, actor, campaign, kind: str, title: str, text: str = "", upload=None
) -> ReferenceText:
    """The office adds a text to compare against (web) or the superior's template to exclude
    (boilerplate). Boilerplate changes every signature, so the campaign is re-indexed."""
    if not rules.is_office(actor, campaign):
        raise DomainError("参考文本由活动办公室上传。")
    if kind not in ReferenceKind.values:
        raise DomainError("请选择参考文本类别。")
    if upload is not None:
        text = extract_text(read_upload(upload), getattr(upload, "name", ""))
    text = (text or "").strip()
    title = (title or "").strip()
    if not title:
        raise DomainError("请填写参考文本标题。")
    if not text:
        raise DomainError("参考文本正文为空。")
    ref = ReferenceText.objects.create(
        campaign=campaign,
        kind=kind,
        title=title[:200],
        text=text,
        char_count=len(text),
        uploaded_by=actor,
    )
    if kind == ReferenceKind.BOILERPLATE:
        detection.reindex_campaign(campaign.pk)
    else:
        detection.index_reference(ref)
    record_event(
        actor=actor,
        action="reference.add",
        target=ref,
        campaign_id=campaign.pk,
        data={"kind": kind, "chars": len(text)},
    )
    return ref


@transaction.atomic
def return_for_rewrite(*, actor, document: Document, reason: str) -> ReviewRound:
    """Return a member's document for rewriting because a test of it fell short (seed 001:
    "对满意度不高的党员…重新撰写党性分析材料"), from submitted or approved. Called by the
    evaluation app with the test's result as ``reason``; the caller checked who may settle the
    test. Appends a round like ``decide`` does."""
    document = _locked(document)
    if document.status not in (DocumentStatus.SUBMITTED, DocumentStatus.APPROVED):
        raise DomainError(f"“{document}”当前为“{document.get_status_display()}”，不能退回重写。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("退回重写必须写明理由。")
    version = _latest_version(document)
    review = ReviewRound.objects.create(
        document=document,
        version=version,
        number=document.rounds.count() + 1,
        reviewer=actor,
        decision=ReviewDecision.RETURNED,
        reason=reason,
        checklist={},
        decided_at=timezone.now(),
    )
    document.status = DocumentStatus.RETURNED
    document.version += 1
    document.save(update_fields=["status", "version", "updated_at"])
    record_event(
        actor=actor,
        action="document.return_for_rewrite",
        target=document,
        campaign_id=document.campaign_id,
        organisation_id=document.participation.unit_id,
        reason=reason,
        data={"round": review.number, "version": version.number},
    )
    return review
