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
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from dudao.orgs.access import NOTHING, scope_for

from . import similarity as sim
from .detection import boilerplate_ids
from .models import (
    CommentStatus,
    Document,
    DocumentStatus,
    DocumentVersion,
    ReviewComment,
    ReviewRound,
    SimilarityMatch,
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


def comments_on_latest(document: Document) -> list[CommentView]:
    latest = latest_version(document)
    out = []
    for c in document.comments.select_related("version", "author", "addressed_in").prefetch_related(
        "checks"
    ):
        carried = latest is not None and c.version_id != latest.pk
        if not carried:
            found = c.start
        else:
            pos = latest.text.find(c.quote)
            found = pos if pos >= 0 else None
        out.append(CommentView(c, carried, found, list(c.checks.all())))
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


# --- similarity ------------------------------------------------------------------------------


@dataclass
class SimilarView:
    match: SimilarityMatch
    label: str
    unit: str
    other_document: Document | None
    visible: bool
    percent: int
    spans: list


def similar_for_version(user, version: DocumentVersion, limit: int = 5) -> list[SimilarView]:
    """Most similar texts to ``version`` (found when it or the other was submitted), with this
    text's shared passages marked. Another unit's text is named only when the user may see it."""
    rows = list(
        SimilarityMatch.objects.filter(Q(version=version) | Q(other_version=version))
        .select_related(
            "version__document__participation",
            "other_version__document__participation",
            "other_reference",
        )
        .order_by("-jaccard")
    )
    if not rows:
        return []
    exclude = boilerplate_ids(version.document.campaign_id)
    visible = set(
        visible_documents(user).values_list("pk", flat=True)
    )  # small: one campaign's documents
    out, seen = [], set()
    for m in rows:
        other_v = m.other_version if m.version_id == version.pk else m.version
        key = ("v", other_v.document_id) if other_v else ("r", m.other_reference_id)
        if key in seen:
            continue
        seen.add(key)
        if other_v is not None:
            doc = other_v.document
            other_text = other_v.text
            can = doc.pk in visible
            label = doc.title if can else f"{doc.participation.unit_name}的一份文书"
            unit = doc.participation.unit_name
        else:
            doc = None
            other_text = m.other_reference.text
            can = True
            label = f"参考文本：{m.other_reference.title}"
            unit = m.other_reference.get_kind_display()
        spans = sim.shared_spans(version.text, sim.shingles(other_text, exclude), exclude)
        pieces = [(version.text[sp.start : sp.end], sp.shared) for sp in spans]
        out.append(SimilarView(m, label, unit, doc, can, round(m.jaccard * 100), pieces))
        if len(out) >= limit:
            break
    return out


@dataclass
class Cluster:
    documents: list[Document]
    max_jaccard: float

    @property
    def units(self) -> list[str]:
        return sorted({d.participation.unit_name for d in self.documents})

    @property
    def groups(self) -> list[str]:
        return sorted({d.participation.group.name for d in self.documents if d.participation.group})


def copy_clusters(user, campaign, threshold: float = sim.CLUSTER_THRESHOLD) -> list[Cluster]:
    """Connected groups of the campaign's documents whose latest versions are at least
    ``threshold`` similar (union-find over stored matches), limited to what the user sees."""
    docs = {
        d.pk: d
        for d in visible_documents(user, campaign).select_related("participation__group", "author")
    }
    # Only latest versions count: an earlier draft that was rewritten is no longer a copy.
    latest = set(
        DocumentVersion.objects.filter(document_id__in=docs)
        .values("document_id")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    parent = {pk: pk for pk in docs}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    best: dict[int, float] = defaultdict(float)
    pairs = SimilarityMatch.objects.filter(
        version__document__campaign=campaign,
        other_version__isnull=False,
        jaccard__gte=threshold,
    ).values_list(
        "version_id",
        "other_version_id",
        "version__document_id",
        "other_version__document_id",
        "jaccard",
    )
    for va, vb, a, b, j in pairs:
        if va not in latest or vb not in latest:
            continue
        if a in docs and b in docs and a != b:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[ra] = rb
            best[a] = max(best[a], j)
            best[b] = max(best[b], j)
    groups: dict[int, list[Document]] = defaultdict(list)
    for pk in docs:
        if pk in best:
            groups[find(pk)].append(docs[pk])
    clusters = [
        Cluster(sorted(ds, key=lambda d: d.participation.unit_name), max(best[d.pk] for d in ds))
        for ds in groups.values()
        if len(ds) > 1
    ]
    clusters.sort(key=lambda c: (-len(c.documents), -c.max_jaccard))
    return clusters


def cluster_counts(clusters: list[Cluster]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Documents in copy clusters per unit and per group."""
    per_unit: dict[str, int] = defaultdict(int)
    per_group: dict[str, int] = defaultdict(int)
    for c in clusters:
        for d in c.documents:
            per_unit[d.participation.unit_name] += 1
            per_group[d.participation.group.name if d.participation.group else "（未分组）"] += 1
    return sorted(per_unit.items(), key=lambda x: -x[1]), sorted(
        per_group.items(), key=lambda x: -x[1]
    )


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
