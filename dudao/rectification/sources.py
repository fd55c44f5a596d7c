"""Where an item's problem came from: the unit's actual records, picked on the item form and
stored as a link (``Item.source_kind`` + ``Item.source_id``), shown on the item page with a link
back (issue 11 §1).

Each source kind has a :class:`Source`: which of the unit's records a user may pick (scoped by
the owning app's access rules: a user who may not read the unit's records is offered none), the
label of a record and the page it lives on. The built-in sources read apps this one may use
(records: 查摆问题 self-found or pointed out by the group, 批评意见; surveys: 测评; reviews:
审核批注). An app that itself builds on this one registers its kind with :func:`register_source`
from its ``ready()``: the opinions app does (``dudao/opinions/rectification_source.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from .models import SourceKind

LIMIT = 300  # records listed per kind (newest first); more is a search, not a select


@dataclass(frozen=True)
class Source:
    kind: str
    # (user, participation) -> [(id, label)] of the records the user may pick, newest first
    choices: Callable
    # (user, participation, id) -> (label, url) of one record the user may see, else None
    resolve: Callable


SOURCES: dict[str, Source] = {}


def register_source(source: Source) -> None:
    SOURCES[source.kind] = source


def _short(text: str, n: int = 50) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


# --- records: problems found (self-found / pointed out by the group) and criticisms ------------


def _records_read(user, participation) -> bool:
    from dudao.records.access import rights_for

    return rights_for(user, participation).read_all


def _record_source(kind: str, slug: str, model_name: str, finding: str | None) -> Source:
    def queryset(participation):
        from dudao.records import models as record_models

        qs = getattr(record_models, model_name).objects.filter(participation=participation)
        return qs.filter(source=finding) if finding else qs

    def label(rec) -> str:
        return f"{rec.created_at:%Y-%m-%d} {_short(rec.text)}"

    def choices(user, participation):
        if not _records_read(user, participation):
            return []
        return [(r.pk, label(r)) for r in queryset(participation).order_by("-pk")[:LIMIT]]

    def resolve(user, participation, pk):
        from dudao.records.registry import get_kind

        rec = queryset(participation).filter(pk=pk).first()
        if rec is None or not _records_read(user, participation):
            return None
        url = reverse("records:kind_record", args=[participation.pk, get_kind(slug), rec.pk])
        return label(rec), url

    return Source(kind, choices, resolve)


# --- surveys: a round of a survey of the unit --------------------------------------------------


def _survey_source() -> Source:
    def queryset(user, participation):
        from dudao.surveys.access import visible_rounds

        return visible_rounds(user).filter(participation=participation)

    def label(r) -> str:
        instruments = {
            i["code"]: i["name"]
            for i in participation_template(r.participation).get("survey_instruments", [])
        }
        return f"{instruments.get(r.instrument, '测评')} 第{r.round_number}轮"

    def choices(user, participation):
        rows = queryset(user, participation).select_related("participation__campaign__template")
        return [(r.pk, label(r)) for r in rows.order_by("-pk")[:LIMIT]]

    def resolve(user, participation, pk):
        r = (
            queryset(user, participation)
            .select_related("participation__campaign__template")
            .filter(pk=pk)
            .first()
        )
        if r is None:
            return None
        return label(r), reverse("surveys:round", args=[r.pk])

    return Source(SourceKind.SURVEY, choices, resolve)


def participation_template(participation) -> dict:
    return participation.campaign.template.data


# --- reviews: a reviewer's comment on one of the unit's documents ------------------------------


def _review_comment_source() -> Source:
    def queryset(user, participation):
        from dudao.reviews.models import ReviewComment
        from dudao.reviews.selectors import visible_documents

        docs = visible_documents(user).filter(participation=participation)
        return ReviewComment.objects.filter(document__in=docs).select_related("document")

    def label(c) -> str:
        return f"《{_short(c.document.title or c.document.kind, 20)}》批注：{_short(c.body, 40)}"

    def choices(user, participation):
        return [(c.pk, label(c)) for c in queryset(user, participation).order_by("-pk")[:LIMIT]]

    def resolve(user, participation, pk):
        c = queryset(user, participation).filter(pk=pk).first()
        if c is None:
            return None
        return label(c), reverse("reviews:detail", args=[c.document_id]) + f"#comment-{c.pk}"

    return Source(SourceKind.REVIEW_COMMENT, choices, resolve)


register_source(_record_source(SourceKind.SELF_FOUND, "problems", "ProblemFound", "self"))
register_source(_record_source(SourceKind.GROUP_FOUND, "problems", "ProblemFound", "group"))
register_source(_record_source(SourceKind.CRITICISM, "criticisms", "Criticism", None))
register_source(_survey_source())
register_source(_review_comment_source())


# --- what the form and the item page use -------------------------------------------------------


def picker_choices(user, participation) -> list:
    """Grouped choices for the form's record select: [("", none), (kind label, [(value,
    label)])…], value ``"<kind>:<id>"``; kinds without records the user may pick are left out."""
    out: list = [("", "（不关联记录）")]
    if user is None or not user.is_authenticated:
        return out
    for kind in SourceKind:
        source = SOURCES.get(kind.value)
        if source is None:
            continue
        rows = source.choices(user, participation)
        if rows:
            out.append((kind.label, [(f"{kind.value}:{pk}", text) for pk, text in rows]))
    return out


def parse_pick(value: str) -> tuple[str, int] | None:
    kind, _, pk = (value or "").partition(":")
    if kind in SOURCES and pk.isascii() and pk.isdigit() and len(pk) <= 18:
        return kind, int(pk)
    return None


def linked(user, item) -> dict | None:
    """{"label", "url"} of the record an item came from, if it links one the user may see;
    {"label": None} when it links one the user may not see; None without a link."""
    source = SOURCES.get(item.source_kind)
    if source is None or item.source_id is None:
        return None
    found = source.resolve(user, item.participation, item.source_id)
    if found is None:
        return {"label": None, "url": None}
    return {"label": found[0], "url": found[1]}
