"""Notifications for events of the apps this one reads: a 补课 order, a transition application
sent back, a document returned for revision, an answer in a review comment's thread. Their actions are not changed: a ``post_save``
receiver adds the notice inside the same transaction (so it exists exactly when the change
does); mail goes after commit (``notify``). Side effects only — no workflow rule lives here."""

from __future__ import annotations

from django.db.models.signals import post_save

from dudao.campaigns.access import visible_participations
from dudao.reviews.models import CommentReply, ReviewDecision, ReviewRound
from dudao.transitions.models import ApplicationStatus, RemedialOrder, TransitionApplication

from .models import NoticeEvent
from .notify import notify, quoted, unit_staff


def _sees_participation(participation_id):
    return lambda user: visible_participations(user).filter(pk=participation_id).exists()


def on_remedial(sender, instance: RemedialOrder, created: bool, **kwargs):
    if not created or kwargs.get("raw"):
        return
    p = instance.participation
    notify(
        event=NoticeEvent.REMEDIAL,
        recipients=unit_staff(p),
        text=f"督导组责令补课：{instance.work[:150]}（期限 {instance.deadline:%Y年%m月%d日}）",
        can_see=_sees_participation(p.pk),
        url_name="transitions:unit",
        url_arg=p.pk,
        key=f"remedial:{instance.pk}",
    )


def on_application(sender, instance: TransitionApplication, created: bool, **kwargs):
    if kwargs.get("raw") or instance.status != ApplicationStatus.SENT_BACK:
        return
    p = instance.participation
    notify(
        event=NoticeEvent.SENT_BACK,
        recipients=unit_staff(p),
        text=f"转段申请被退回：{instance.office_comment[:150]}",
        can_see=_sees_participation(p.pk),
        url_name="transitions:unit",
        url_arg=p.pk,
        key=f"sent_back:{instance.pk}",
    )


def on_round(sender, instance: ReviewRound, created: bool, **kwargs):
    if not created or kwargs.get("raw"):
        return
    if instance.decision not in (ReviewDecision.RETURNED, ReviewDecision.REJECTED):
        return
    from dudao.reviews.selectors import visible_documents

    doc = instance.document
    recipients = unit_staff(doc.participation)
    if doc.author_id and doc.author.user_id:
        recipients.append(doc.author.user)
    notify(
        event=NoticeEvent.DOCUMENT_RETURNED,
        recipients=recipients,
        text=f"文书{quoted(doc.title or '文书', 200)}被退回修改：{(instance.reason or '')[:150]}",
        can_see=lambda u: visible_documents(u).filter(pk=doc.pk).exists(),
        url_name="reviews:detail",
        url_arg=doc.pk,
        key=f"round:{instance.pk}",
    )


def on_reply(sender, instance: CommentReply, created: bool, **kwargs):
    """A message in a review comment's thread: the unit's answer tells the reviewer who wrote
    the comment; the reviewer's answer back tells the unit (and the paper's author)."""
    if not created or kwargs.get("raw"):
        return
    from dudao.reviews.selectors import visible_documents

    comment = instance.comment
    doc = comment.document
    if instance.by_reviewer:
        recipients = unit_staff(doc.participation)
        if doc.author_id and doc.author.user_id:
            recipients.append(doc.author.user)
        text = f"审核人答复了文书{quoted(doc.title or '文书', 200)}的批注：{instance.body[:150]}"
    else:
        recipients = [comment.author]
        text = (
            f"“{doc.participation}”答复了您在“{doc.title or '文书'}”上的批注：{instance.body[:150]}"
        )
    notify(
        event=NoticeEvent.COMMENT_REPLY,
        recipients=recipients,
        text=text,
        can_see=lambda u: visible_documents(u).filter(pk=doc.pk).exists(),
        url_name="reviews:detail",
        url_arg=doc.pk,
        exclude=instance.author,
        key=f"reply:{instance.pk}",
    )


def connect() -> None:
    post_save.connect(on_remedial, sender=RemedialOrder, dispatch_uid="supervision.remedial")
    post_save.connect(on_application, sender=TransitionApplication, dispatch_uid="supervision.app")
    post_save.connect(on_round, sender=ReviewRound, dispatch_uid="supervision.round")
    post_save.connect(on_reply, sender=CommentReply, dispatch_uid="supervision.reply")
