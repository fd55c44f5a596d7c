"""To-do providers for the reviews app: returned documents with open comments, reviews waiting."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from dudao.core.todo import Todo
from dudao.orgs.access import scope_for
from dudao.reviews.models import CommentStatus, Document, DocumentStatus, ReviewComment

from ._common import PERSONAL, _any, _kinds

# --- reviews: returned documents with open comments, reviews waiting --------------------------


def returned_q(user):
    scope = scope_for(user)
    kinds = _kinds(user)
    parts = []
    for campaign_id, spec in kinds.items():
        personal = [k for k, (sub, _r) in spec.items() if sub in PERSONAL]
        if scope.units:
            parts.append(
                Q(campaign_id=campaign_id, participation__unit_id__in=scope.units)
                & ~Q(kind__in=personal)
            )
        if personal:
            parts.append(Q(campaign_id=campaign_id, kind__in=personal, author__user_id=user.pk))
    # A comment the unit answered in its thread waits on the reviewer, not on the unit.
    open_comments = ReviewComment.objects.filter(
        document_id=OuterRef("pk"), status=CommentStatus.OPEN, answered_at__isnull=True
    )
    return Document.objects.filter(_any(parts), status=DocumentStatus.RETURNED).filter(
        Exists(open_comments)
    )


def returned_items(user):
    return [
        Todo(
            section="退回修改的文书",
            title=f"{d.participation.unit_name}：{d.title or '文书'}（有未解决的审核意见）",
            url_name="reviews:detail",
            url_args=(d.pk,),
            since=d.updated_at,
        )
        for d in returned_q(user).select_related("participation")[:100]
    ]


def waiting_q(user):
    """Submitted documents waiting on this user as the template's reviewer of their kind."""
    scope = scope_for(user)
    parts = []
    for campaign_id, spec in _kinds(user).items():
        by = {}
        for code, (_sub, reviewer) in spec.items():
            by.setdefault(reviewer, []).append(code)
        base = Q(campaign_id=campaign_id)
        if scope.groups and by.get("group"):
            parts.append(base & Q(kind__in=by["group"], participation__group_id__in=scope.groups))
        if campaign_id in scope.office_campaigns:
            office_kinds = by.get("office", []) + by.get("higher_organisation", [])
            if office_kinds:
                parts.append(base & Q(kind__in=office_kinds))
        if scope.units and by.get("unit"):
            parts.append(base & Q(kind__in=by["unit"], participation__unit_id__in=scope.units))
        if scope.branch_paths and by.get("branch"):
            parts.append(
                base
                & Q(kind__in=by["branch"])
                & _any([Q(author__branch__path__startswith=p) for p in scope.branch_paths.values()])
            )
    return Document.objects.filter(_any(parts), status=DocumentStatus.SUBMITTED)


def waiting_items(user):
    return [
        Todo(
            section="待审核的文书",
            title=f"{d.participation.unit_name}：{d.title or '文书'}",
            url_name="reviews:detail",
            url_args=(d.pk,),
            since=d.last_submitted_at,
        )
        for d in waiting_q(user).select_related("participation").order_by("last_submitted_at")[:100]
    ]
