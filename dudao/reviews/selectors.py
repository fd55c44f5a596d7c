"""Reads of the reviews app. Every document fetched from request input goes through
:func:`get_document_for_user`, which answers 404 outside the user's scope:

| who | sees |
|---|---|
| office, leading group | every document of the campaign |
| group leader / member | the documents of the units the group supervises |
| unit head / liaison | the unit's documents |
| branch secretary | personal documents of the branch's members (he reviews them) |
| member | his own personal documents |
| anyone else (inspectors included) | nothing |
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from dudao.orgs.access import NOTHING, scope_for

from .models import (
    CommentStatus,
    Document,
    DocumentStatus,
    DocumentVersion,
    ReviewComment,
    ReviewRound,
)


def document_q(user) -> Q:
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    if scope.user_id is None:
        return NOTHING
    q = Q(author__user_id=scope.user_id)
    if scope.read_all_campaigns:
        q |= Q(campaign_id__in=scope.read_all_campaigns)
    if scope.groups:
        q |= Q(participation__group_id__in=scope.groups)
    if scope.units:
        q |= Q(participation__unit_id__in=scope.units)
    for path in scope.branch_paths.values():
        q |= Q(author__branch__path__startswith=path)
    return q


def visible_documents(user, campaign=None) -> QuerySet[Document]:
    qs = Document.objects.filter(document_q(user))
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs


def latest_version(document: Document) -> DocumentVersion | None:
    return document.versions.order_by("-number").first()


# --- comments --------------------------------------------------------------------------------


@dataclass
class CommentView:
    comment: ReviewComment
    carried: bool  # made on an earlier version
    found_at: int | None  # offset of the quote in the latest version, None if rewritten
    checks: list
    replies: list = ()


def comments_on_latest(document: Document) -> list[CommentView]:
    latest = latest_version(document)
    out = []
    for c in document.comments.select_related("version", "author", "addressed_in").prefetch_related(
        "checks", "replies__author"
    ):
        carried = latest is not None and c.version_id != latest.pk
        if not carried:
            found = c.start
        else:
            pos = latest.text.find(c.quote)
            found = pos if pos >= 0 else None
        out.append(CommentView(c, carried, found, list(c.checks.all()), list(c.replies.all())))
    return out


def highlighted(text: str, comments: list[CommentView]) -> list[tuple[str, int | None]]:
    """The text cut into (piece, comment number or None) for marking the quoted passages."""
    marks = sorted(
        (cv.found_at, cv.found_at + len(cv.comment.quote), n)
        for n, cv in enumerate(comments, 1)
        if cv.found_at is not None and cv.comment.status == CommentStatus.OPEN
    )
    out: list[tuple[str, int | None]] = []
    pos = 0
    for start, end, n in marks:
        if start < pos:
            continue  # overlapping quotes: the first one is marked
        if start > pos:
            out.append((text[pos:start], None))
        out.append((text[start:end], n))
        pos = end
    if pos < len(text):
        out.append((text[pos:], None))
    return out


# --- review load -----------------------------------------------------------------------------


def characters_read(user, campaign) -> list[dict]:
    """Characters of the versions each reviewer decided on (seed 002: over 140,000 each)."""
    rows = (
        ReviewRound.objects.filter(document__in=visible_documents(user, campaign))
        .values("reviewer_id", "reviewer__username", "reviewer__first_name", "reviewer__last_name")
        .annotate(chars=Sum("version__char_count"), rounds=Count("id"))
        .order_by("-chars")
    )
    return [
        {
            "name": (
                f"{r['reviewer__last_name']}{r['reviewer__first_name']}".strip()
                or r["reviewer__username"]
            ),  # fmt: skip
            "chars": r["chars"] or 0,
            "rounds": r["rounds"],
        }
        for r in rows
    ]


def pending_by_group(user, campaign, *, now: dt.datetime | None = None) -> list[dict]:
    """Documents waiting for review per supervision group, with the oldest wait in days."""
    now = now or timezone.now()
    pending = (
        visible_documents(user, campaign)
        .filter(status=DocumentStatus.SUBMITTED)
        .select_related("participation__group")
        .order_by("last_submitted_at")
    )
    out: dict[str, dict] = {}
    for d in pending:
        name = d.participation.group.name if d.participation.group else "（未分组）"
        row = out.setdefault(name, {"group": name, "count": 0, "oldest_days": 0, "items": []})
        age = (now - d.last_submitted_at).days if d.last_submitted_at else 0
        row["count"] += 1
        row["oldest_days"] = max(row["oldest_days"], age)
        row["items"].append({"document": d, "age_days": age})
    return sorted(out.values(), key=lambda r: (-r["oldest_days"], r["group"]))
