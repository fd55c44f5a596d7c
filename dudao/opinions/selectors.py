"""Set-based reads: the register's list with merged counts, the summary counts per unit (one
GROUP BY whatever the number of units), near-duplicate proposals and category suggestions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, QuerySet

from . import rules, similarity
from .models import Opinion, OpinionBand, OpinionCategoryMark


@dataclass
class Summary:
    collected: int = 0
    classified: int = 0
    fed_back: int = 0
    into_items: int = 0
    merged: int = 0
    hidden: int = 0

    @property
    def not_fed_back(self) -> int:
        return self.collected - self.fed_back


def _summary_annotations() -> dict:
    live = Q(hidden=False)
    return {
        "collected": Count("pk", filter=live),
        "classified": Count("pk", filter=live & Q(classified=True)),
        "fed_back": Count("pk", filter=live & Q(feedback__isnull=False)),
        "into_items": Count("pk", filter=live & Q(rect_item__isnull=False)),
        "merged": Count("pk", filter=live & Q(merged_into__isnull=False)),
        "hidden": Count("pk", filter=Q(hidden=True)),
    }


def summaries(qs: QuerySet[Opinion], by: str = "participation_id") -> dict[int, Summary]:
    """Counts per ``by`` (participation, campaign, or the participation's group) in one query.
    Collected counts every opinion not hidden (a merged duplicate is still an opinion someone
    gave: seed 002 counts 218 collected); fed back counts those answered, their duplicates
    with them."""
    rows = qs.values(by).annotate(**_summary_annotations()).order_by()
    return {row[by]: Summary(**{k: row[k] for k in _summary_annotations()}) for row in rows}


def summary(qs: QuerySet[Opinion]) -> Summary:
    return Summary(**qs.aggregate(**_summary_annotations()))


def register(qs: QuerySet[Opinion], template, *, show_merged: bool = False) -> list[Opinion]:
    """The unit's list: representatives (not merged ones, unless asked), each with
    ``same_count`` (itself and its duplicates) and ``category_names``."""
    base = qs if show_merged else qs.filter(merged_into__isnull=True)
    rows = list(
        base.select_related("target_person", "feedback")
        .annotate(duplicates=Count("merged", distinct=True))
        .order_by("-given_on", "-pk")
    )
    names = rules.category_names(template)
    marks: dict[int, list[str]] = {}
    for opinion_id, code in OpinionCategoryMark.objects.filter(
        opinion_id__in=[o.pk for o in rows]
    ).values_list("opinion_id", "code"):
        marks.setdefault(opinion_id, []).append(names.get(code, code))
    for o in rows:
        o.same_count = 1 + o.duplicates
        o.category_names = sorted(marks.get(o.pk, []))
    return rows


def duplicate_groups(participation) -> list[list[Opinion]]:
    """Near-duplicate proposals of the unit: groups of live, not yet merged opinions whose
    2-gram Jaccard reaches the threshold (similarity.py), the oldest first in each group.
    Opinions already fed back may be in a group only as the one kept."""
    live = Opinion.objects.filter(
        participation=participation, hidden=False, merged_into__isnull=True
    )
    texts = {}
    keys = []
    for pk, text, bands in live.values_list("pk", "text", "bands"):
        texts[pk] = text
        keys += [(pk, key) for key in similarity.unpack(bands)]
    groups = similarity.clusters(similarity.duplicate_pairs(texts, keys))
    if not groups:
        return []
    wanted = {pk for g in groups for pk in g}
    by_pk = {
        o.pk: o
        for o in Opinion.objects.filter(pk__in=wanted)
        .select_related("feedback")
        .annotate(duplicates=Count("merged", distinct=True))
    }
    out = []
    for g in groups:
        members = [by_pk[pk] for pk in g]
        # Keep a fed-back one if there is one (it cannot be merged away).
        members.sort(key=lambda o: (o.feedback_id is None and o.rect_item_id is None, o.pk))
        done = [o for o in members[1:] if o.feedback_id or o.rect_item_id]
        if done:
            members = [members[0], *[o for o in members[1:] if o not in done]]
        if len(members) > 1:
            for o in members:
                o.same_count = 1 + o.duplicates
            out.append(members)
    return out


def suggestions(opinion: Opinion) -> list[similarity.Suggestion]:
    """Category suggestions for ``opinion``: the template's keywords, and the categories of
    classified opinions of the same campaign that share a band key and are similar enough."""
    template = opinion.participation.campaign.template
    keys = similarity.unpack(opinion.bands)
    if not keys:
        keys = similarity.band_keys(opinion.text)
    return suggest_for_text(opinion.campaign_id, template, opinion.text, keys, exclude=opinion.pk)


def suggest_for_text(campaign_id, template, text, keys, *, exclude=None):
    """Suggestions for a text with band ``keys``. Candidates come from the (campaign, key)
    index of classified opinions alone (``OpinionBand``), at most ``MAX_BAND_ROWS`` rows shared among the keys: common phrases fill some buckets with
    thousands of opinions, and a join or DISTINCT over them made one suggestion cost a quarter
    of a second at 200,000 opinions (bench/opinions.py). The opinions sharing most keys (the
    MinHash estimate of their similarity) are then checked on the exact Jaccard."""
    if not keys:
        return similarity.suggest(text, rules.categories(template), [])
    # One short range of the covering (campaign, key, opinion) index per key, in one query,
    # so that one crowded bucket cannot crowd the others out.
    per_key = similarity.MAX_BAND_ROWS // max(1, len(keys))
    qn = connection.ops.quote_name
    table = qn(OpinionBand._meta.db_table)
    part = (
        f"SELECT opinion_id FROM (SELECT opinion_id FROM {table} "
        f"WHERE campaign_id = %s AND {qn('key')} = %s LIMIT %s) AS b{{i}}"
    )
    sql = " UNION ALL ".join(part.format(i=i) for i in range(len(keys)))
    params = [x for key in keys for x in (campaign_id, key, per_key)]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        shared = Counter(pk for (pk,) in cur.fetchall() if pk != exclude)
    best = [pk for pk, _n in shared.most_common(similarity.MAX_NEIGHBOURS)]
    found = dict(Opinion.objects.filter(pk__in=best, classified=True).values_list("pk", "text"))
    codes: dict[int, list[str]] = {}
    for opinion_id, code in OpinionCategoryMark.objects.filter(
        opinion_id__in=list(found)
    ).values_list("opinion_id", "code"):
        codes.setdefault(opinion_id, []).append(code)
    neighbours = [(found[pk], codes.get(pk, [])) for pk in best if pk in found]
    return similarity.suggest(text, rules.categories(template), neighbours)
