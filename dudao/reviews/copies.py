"""Reads of copy detection: the passages a document shares with others, side by side, and the
campaign-wide clusters of documents that share passages.

Who sees what: the office and the leading group every cluster of the campaign; a supervision
group every cluster that involves one of its units, even when the other document belongs to a
unit it does not supervise — that document is then named by its unit only, never opened or
quoted beyond the shared passage itself (which is the group's own unit's text as well).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max, Q

from .models import Document, DocumentVersion, SimilarityMatch
from .selectors import visible_documents


@dataclass
class SharedPassage:
    text: str  # as it stands in this document
    other_text: str  # as it stands in the other
    start: int  # character positions (from 1) in this document
    end: int
    other_start: int
    other_end: int
    length: int  # characters that count (punctuation and spaces not counted)


@dataclass
class SimilarView:
    match: SimilarityMatch
    label: str
    unit: str
    other_document: Document | None
    visible: bool
    share: int  # percent of this document in shared passages
    other_share: int  # percent of the other
    shared_chars: int
    longest: int
    passages: list[SharedPassage]
    direction: str  # who was first, where it can be told
    spans: list  # this document's text as (piece, shared) runs


def _spans(text: str, ranges: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    marked = [False] * len(text)
    for start, end in ranges:
        for i in range(max(0, start), min(len(text), end)):
            marked[i] = True
    out: list[tuple[str, bool]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or marked[i] != marked[start]:
            out.append((text[start:i], marked[start]))
            start = i
    return out


def _direction(version: DocumentVersion, other: DocumentVersion | None, reference) -> str:
    if reference is not None:
        return "参考文本在先（网络范文）"
    if other is None or not version.submitted_at or not other.submitted_at:
        return "先后无法判断"
    if other.submitted_at < version.submitted_at:
        return f"对方先提交（{other.submitted_at:%Y-%m-%d}），本文在后"
    if other.submitted_at > version.submitted_at:
        return f"本文先提交（{version.submitted_at:%Y-%m-%d}），对方在后"
    return "同时提交，先后无法判断"


def similar_for_version(user, version: DocumentVersion, limit: int = 5) -> list[SimilarView]:
    """The texts sharing passages with ``version`` (found when it or the other was submitted),
    each passage shown side by side with its place in both. Another unit's document is named
    only when the user may see it."""
    rows = list(
        SimilarityMatch.objects.filter(Q(version=version) | Q(other_version=version))
        .select_related(
            "version__document__participation",
            "other_version__document__participation",
            "other_reference",
        )
        .order_by("-shared_chars", "-longest")
    )
    if not rows:
        return []
    docs = {
        m.other_version.document_id if m.version_id == version.pk else m.version.document_id
        for m in rows
        if m.other_version_id
    }
    visible = set(visible_documents(user).filter(pk__in=docs).values_list("pk", flat=True))
    out, seen = [], set()
    for m in rows:
        mine = m.version_id == version.pk
        other_v = m.other_version if mine else m.version
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
        passages = []
        ranges = []
        for a0, a1, b0, b1, length in m.passages:
            if not mine:  # the match was stored from the other side
                a0, a1, b0, b1 = b0, b1, a0, a1
            ranges.append((a0, a1))
            passages.append(
                SharedPassage(
                    version.text[a0:a1], other_text[b0:b1], a0 + 1, a1, b0 + 1, b1, length
                )
            )
        share, other_share = (
            (m.containment, m.other_share) if mine else (m.other_share, m.containment)
        )
        out.append(
            SimilarView(
                match=m,
                label=label,
                unit=unit,
                other_document=doc,
                visible=can,
                share=round(share * 100),
                other_share=round(other_share * 100),
                shared_chars=m.shared_chars,
                longest=m.longest,
                passages=sorted(passages, key=lambda p: p.start),
                direction=_direction(version, other_v, None if other_v else m.other_reference),
                spans=_spans(version.text, ranges),
            )
        )
        if len(out) >= limit:
            break
    return out


@dataclass
class ClusterDocument:
    document: Document
    visible: bool

    @property
    def unit_name(self) -> str:
        return self.document.participation.unit_name


@dataclass
class Cluster:
    members: list[ClusterDocument]
    max_share: float
    longest: int

    @property
    def documents(self) -> list[Document]:
        return [m.document for m in self.members]

    @property
    def units(self) -> list[str]:
        return sorted({m.unit_name for m in self.members})

    @property
    def groups(self) -> list[str]:
        return sorted(
            {
                m.document.participation.group.name
                for m in self.members
                if m.document.participation.group
            }
        )


def copy_clusters(user, campaign) -> list[Cluster]:
    """Connected groups of the campaign's documents whose latest versions share reportable
    passages (union-find over the stored matches), each involving at least one document the
    user may see. The others in such a cluster are named by unit only."""
    visible = set(visible_documents(user, campaign).values_list("pk", flat=True))
    # Only latest versions count: an earlier draft that was rewritten is no longer a copy.
    latest = set(
        DocumentVersion.objects.filter(document__campaign=campaign)
        .values("document_id")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    pairs = SimilarityMatch.objects.filter(
        version__document__campaign=campaign, other_version__isnull=False
    ).values_list(
        "version_id",
        "other_version_id",
        "version__document_id",
        "other_version__document_id",
        "containment",
        "other_share",
        "longest",
    )
    parent: dict[int, int] = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    best: dict[int, float] = defaultdict(float)
    longest: dict[int, int] = defaultdict(int)
    for va, vb, a, b, share_a, share_b, run in pairs:
        if va not in latest or vb not in latest or a == b:
            continue
        if a not in visible and b not in visible:
            continue  # neither document is the user's to see
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
        for d in (a, b):
            best[d] = max(best[d], share_a, share_b)
            longest[d] = max(longest[d], run)
    groups: dict[int, list[int]] = defaultdict(list)
    for pk in list(parent):
        groups[find(pk)].append(pk)
    docs = Document.objects.filter(pk__in=list(parent)).select_related(
        "participation__group", "author"
    )
    by_pk = {d.pk: d for d in docs}
    clusters = []
    for members in groups.values():
        if len(members) < 2 or not any(pk in visible for pk in members):
            continue
        items = [ClusterDocument(by_pk[pk], pk in visible) for pk in members if pk in by_pk]
        items.sort(key=lambda m: (m.unit_name, m.document.pk))
        clusters.append(
            Cluster(items, max(best[pk] for pk in members), max(longest[pk] for pk in members))
        )
    clusters.sort(key=lambda c: (-len(c.members), -c.max_share, -c.longest))
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
