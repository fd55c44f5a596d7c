"""Near-duplicates proposed and merged keeping every original and its count (issue 12 §2)."""

from __future__ import annotations

import pytest

from dudao.core.errors import TransitionError
from dudao.opinions import actions, selectors
from dudao.opinions.models import Opinion

from .helpers import DAY, opinion, part

pytestmark = pytest.mark.django_db

SAME = [
    "机关会议太多、文件太多，基层干部疲于应付，建议精简会议文件。",
    "机关会议太多，文件太多，基层干部疲于应付，建议精简会议和文件",
    "机关会议多、文件也太多，基层干部疲于应付，希望精简会议文件！",
]
OTHER = "公车私用的现象时有发生，群众反映强烈。"


def _make(cast):
    same = [opinion(cast, t) for t in SAME]
    other = opinion(cast, OTHER)
    return same, other


def test_it_proposes_the_near_duplicates_and_not_the_others(cast2014):
    same, other = _make(cast2014)
    groups = selectors.duplicate_groups(part(cast2014))
    assert [[o.pk for o in g] for g in groups] == [[o.pk for o in same]]


def test_merging_keeps_every_original_and_counts_them(cast2014, client):
    same, _other = _make(cast2014)
    p = part(cast2014)
    client.force_login(cast2014.user("group_member"))
    response = client.post(
        f"/opinions/units/{p.pk}/duplicates/",
        {"keep": same[0].pk, "merge": [same[1].pk, same[2].pk]},
        follow=True,
    )
    assert "同类意见 3 条" in response.content.decode()
    assert Opinion.objects.count() == 4
    assert set(Opinion.objects.filter(merged_into=same[0]).values_list("text", flat=True)) == set(
        SAME[1:]
    )
    page = client.get(f"/opinions/units/{p.pk}/").content.decode()
    assert "同类意见 3 条" in page and SAME[1][:10] not in page
    assert selectors.duplicate_groups(p) == []
    # Collected still counts each original (seed 002 counts what was gathered).
    assert selectors.summary(Opinion.objects.filter(participation=p)).collected == 4


def test_merging_twice_does_not_double_and_feedback_reaches_the_merged(cast2014):
    same, _other = _make(cast2014)
    p = part(cast2014)
    actor = cast2014.user("liaison")
    actions.merge_opinions(actor=actor, participation=p, keep=same[0], others=same[1:])
    again = actions.merge_opinions(actor=actor, participation=p, keep=same[0], others=same[1:])
    assert again.merged.count() == 2
    actions.classify_opinion(actor=actor, opinion=same[0], codes=["formalism"])
    assert set(Opinion.objects.filter(classified=True).values_list("pk", flat=True)) == {
        o.pk for o in same
    }
    actions.feed_back(
        actor=actor,
        participation=p,
        opinions=[same[0]],
        form="meeting",
        fed_back_on=DAY,
        outcome="adopted",
    )
    assert Opinion.objects.filter(pk__in=[o.pk for o in same], feedback__isnull=False).count() == 3


def test_a_fed_back_opinion_cannot_be_merged_away(cast2014):
    same, _other = _make(cast2014)
    p = part(cast2014)
    actor = cast2014.user("liaison")
    actions.feed_back(
        actor=actor,
        participation=p,
        opinions=[same[1]],
        form="written",
        fed_back_on=DAY,
        outcome="answered",
    )
    with pytest.raises(TransitionError):
        actions.merge_opinions(actor=actor, participation=p, keep=same[0], others=[same[1]])
    # The proposal keeps the fed-back one and offers the rest into it.
    (group,) = selectors.duplicate_groups(p)
    assert group[0].pk == same[1].pk


def test_a_wrong_merge_is_undone(cast2014):
    same, other = _make(cast2014)
    p = part(cast2014)
    actor = cast2014.user("liaison")
    actions.merge_opinions(actor=actor, participation=p, keep=same[0], others=[other])
    actions.unmerge_opinion(actor=actor, opinion=Opinion.objects.get(pk=other.pk))
    assert Opinion.objects.get(pk=other.pk).merged_into_id is None


def test_the_batch_index_equals_datasketch_minhash_text_by_text():
    from dudao.opinions import similarity

    texts = SAME + [OTHER, "短", "！！！", "Ａｂｃ１２３全角也一样"]
    many = similarity.band_keys_many(texts)
    assert many == [similarity.band_keys(t) for t in texts]
    assert many[5] == [] and len(many[0]) == similarity.BANDS
    assert similarity.band_keys("Ａｂｃ１２３全角也一样") == similarity.band_keys(
        "abc123全角也一样"
    )
