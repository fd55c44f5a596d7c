"""Documents (kept by the reviews app): written per member, approved, reviewed in enough rounds."""

from __future__ import annotations

from django.db.models import Count

from ..engine import Context, Results, Unit, make, register_kind
from ..ports import document_reader
from ..types import Evidence, Shortfall
from .common import EVIDENCE_LIMIT, _per_member


def _documents():
    return document_reader().document


def _counting_statuses(ctx: Context, kind: str) -> list[str]:
    """A document counts when approved; a kind the template does not review (min rounds 0,
    e.g. study notes in 2005) counts once submitted."""
    if int(ctx.document_kind(kind).get("min_review_rounds", 1)) == 0:
        return ["submitted", "approved"]
    return ["approved"]


@register_kind("documents_per_member")
def documents_per_member(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Seed 001: "每位党员至少撰写一篇学习心得体会"."""
    params = req["params"]
    kind = params["document_kind"]
    need = int(params.get("min_count", 1))
    docs = _documents().objects.filter(
        ctx.pids_q(units),
        phase=phase,
        kind=kind,
        status__in=_counting_statuses(ctx, kind),
        author__isnull=False,
    )
    have = {
        (pid, author): n
        for pid, author, n in docs.values("participation_id", "author_id")
        .annotate(n=Count("pk"))
        .values_list("participation_id", "author_id", "n")
        .order_by()
    }
    kind_name = ctx.document_kind(kind)["name"]
    out = _per_member(ctx, req, phase, units, have, need, unit_word="篇", what=kind_name)
    if ctx.detail:
        for pid, pk, title, author in docs.values_list(
            "participation_id", "pk", "title", "author__name"
        ).order_by("author__name", "pk")[:EVIDENCE_LIMIT]:
            out[pid].evidence.append(Evidence(f"{author}：{title}", None, ("document", pk)))
    return out


_STATUS_TEXT = {
    "draft": "草稿",
    "submitted": "已提交待审核",
    "returned": "退回修改",
    "rejected": "推倒重来",
    "approved": "审核通过",
}


@register_kind("document_approved")
def document_approved(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """A document of the kind approved by its reviewer (seed 004: the plan reviewed by the
    group). ``per_person`` / ``per_member``: every counted person has one approved."""
    kind = req["params"]["document_kind"]
    kind_name = ctx.document_kind(kind)["name"]
    docs = _documents().objects.filter(ctx.pids_q(units), phase=phase, kind=kind)
    if req.get("scope") in ("per_person", "per_member"):
        approved = {
            (pid, author): 1
            for pid, author in docs.filter(status="approved", author__isnull=False)
            .values_list("participation_id", "author_id")
            .distinct()
        }
        return _per_member(ctx, req, phase, units, approved, 1, unit_word="份", what=kind_name)
    latest: dict[int, tuple] = {}
    for pid, pk, status, title in (
        docs.filter(author__isnull=True)
        .values_list("participation_id", "pk", "status", "title")
        .order_by("pk")
    ):
        if latest.get(pid, (None, None, None))[1] != "approved":
            latest[pid] = (pk, status, title)
    out: Results = {}
    for unit in units:
        pid = unit.participation_id
        if pid not in latest:
            out[pid] = make(req, "failed", f"尚未提交{kind_name}")
            continue
        pk, status, title = latest[pid]
        evidence = [
            Evidence(f"《{title}》{_STATUS_TEXT.get(status, status)}", None, ("document", pk))
        ]
        out[pid] = make(
            req,
            "passed" if status == "approved" else "failed",
            f"{kind_name}：{_STATUS_TEXT.get(status, status)}",
            evidence=evidence if ctx.detail else [],
            shortfalls=[]
            if status == "approved"
            else [Shortfall(pk, title or kind_name, _STATUS_TEXT.get(status, status), "审核通过")],
        )
    return out


@register_kind("review_rounds_min")
def review_rounds_min(ctx: Context, req: dict, phase: str, units: list[Unit]) -> Results:
    """Seed 002: "对照检查材料…班子至少审核3稿，个人至少2稿". The rounds of review a document
    went through (returned, rejected and approved decisions all count)."""
    params = req["params"]
    kind = params["document_kind"]
    need = int(params.get("min_rounds") or ctx.document_kind(kind).get("min_review_rounds", 1))
    kind_name = ctx.document_kind(kind)["name"]
    docs = _documents().objects.filter(ctx.pids_q(units), phase=phase, kind=kind)
    rows = (
        docs.annotate(n_rounds=Count("rounds"))
        .values_list("participation_id", "author_id", "n_rounds")
        .order_by()
    )
    if req.get("scope") in ("per_person", "per_member"):
        have: dict[tuple[int, int], int] = {}
        for pid, author, rounds in rows:
            if author is not None:
                have[(pid, author)] = max(have.get((pid, author), 0), rounds)
        return _per_member(ctx, req, phase, units, have, need, unit_word="稿", what=kind_name)
    best: dict[int, int] = {}
    for pid, author, rounds in rows:
        if author is None:
            best[pid] = max(best.get(pid, 0), rounds)
    out: Results = {}
    for unit in units:
        pid = unit.participation_id
        have_n = best.get(pid, 0)
        out[pid] = make(
            req,
            "passed" if have_n >= need else "failed",
            f"{kind_name}已审核 {have_n} 稿，要求不少于 {need} 稿",
            shortfalls=[] if have_n >= need else [Shortfall(pid, kind_name, have_n, need)],
        )
    return out
