"""The bulk indexing path (many texts at once: a rebuild, a restore, a city-wide web corpus)
writes exactly what indexing the texts one by one writes: the same fingerprints at the same
positions, the same text counts, and checks against it find the same passages."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dudao.reviews import actions, detection
from dudao.reviews import passages as ps
from dudao.reviews.models import FingerprintFrequency, PassageFingerprint, PassageIndex

from .helpers import chinese_text

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E00 + 40)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(CJK, max_size=90), max_size=12))
def test_fingerprints_of_many_texts_at_once_equal_each_texts_own(texts):
    norms = [ps.normalise(t) for t in texts]
    owner, hashes, positions = ps.fingerprints_many(norms)
    for i, norm in enumerate(norms):
        own_hashes, own_positions = ps.winnow(ps.kgram_hashes(ps.codepoints(norm)))
        mine = owner == i
        assert hashes[mine].tolist() == own_hashes.tolist()
        assert positions[mine].tolist() == own_positions.tolist()


def _index_state(campaign_id):
    rows = sorted(
        PassageFingerprint.objects.filter(campaign_id=campaign_id).values_list(
            "reference_id", "hash", "pos"
        )
    )
    counts = sorted(
        FingerprintFrequency.objects.filter(campaign_id=campaign_id, documents__gt=0).values_list(
            "hash", "documents"
        )
    )
    return rows, counts, detection.indexed_count(campaign_id)


def test_bulk_indexing_writes_what_indexing_one_by_one_writes(cast05):
    office, campaign = cast05.user("office"), cast05.campaign
    shared = "坚持把学习贯彻党章作为先进性教育的重要内容切实抓紧抓好"
    actions.add_reference_text(
        actor=office,
        campaign=campaign,
        kind="boilerplate",
        title="上级模板",
        text="各单位要高度重视认真组织精心安排确保活动取得实效" + chinese_text(90, 200),
    )
    refs = [
        actions.add_reference_text(
            actor=office,
            campaign=campaign,
            kind="web",
            title=f"网文{i}",
            text=chinese_text(70 + i, 300 + 50 * i)
            + ("各单位要高度重视认真组织精心安排确保活动取得实效" if i % 2 else "")
            + (shared if i in (1, 4) else "")
            + chinese_text(80 + i, 200)
            + ("短" if i == 5 else ""),
        )
        for i in range(6)
    ]
    one_by_one = _index_state(campaign.pk)
    assert len(one_by_one[0]) > 100 and one_by_one[2] == 6
    text = chinese_text(99, 400) + shared + chinese_text(98, 300)
    found_before = [
        (f.reference_id, [(p.a, p.b, p.length) for p in f.passages])
        for f in detection.find_passages(campaign.pk, text)
    ]
    assert {r for r, _p in found_before} == {refs[1].pk, refs[4].pk}

    detection.clear_campaign(campaign.pk)
    assert _index_state(campaign.pk) == ([], [], 0)
    with detection.BulkIndexer(campaign.pk, rebuild_lookup=True) as bulk:
        bulk.add([(r.pk, r.text) for r in refs[:4]])
        bulk.add([(r.pk, r.text) for r in refs[4:]])
    assert _index_state(campaign.pk) == one_by_one
    found_after = [
        (f.reference_id, [(p.a, p.b, p.length) for p in f.passages])
        for f in detection.find_passages(campaign.pk, text)
    ]
    assert found_after == found_before


def test_a_rebuild_of_the_campaign_keeps_the_index_it_had(cast05):
    office, campaign = cast05.user("office"), cast05.campaign
    for i in range(3):
        actions.add_reference_text(
            actor=office, campaign=campaign, kind="web", title=f"网文{i}", text=chinese_text(i, 500)
        )
    before = _index_state(campaign.pk)
    detection.reindex_campaign(campaign.pk)
    assert _index_state(campaign.pk) == before
    assert PassageIndex.objects.get(campaign_id=campaign.pk).documents == 3
    assert np.unique([h for _r, h, _p in before[0]]).size == len(before[1])


def test_counts_merged_batch_by_batch_equal_the_counts_of_one_by_one(cast05, monkeypatch):
    """A city-wide load merges its pending counts into the sorted ones every so often (to
    bound the memory): merging after every text gives the counts indexing one by one gives,
    and the connection keeps its own page cache size afterwards."""
    office, campaign = cast05.user("office"), cast05.campaign
    common = "深入学习实践科学发展观活动动员大会精神传达到每一个党支部"
    refs = [
        actions.add_reference_text(
            actor=office,
            campaign=campaign,
            kind="web",
            title=f"网文{i}",
            text=chinese_text(40 + i, 200 + 30 * i)
            + (common if i % 3 else "")
            + chinese_text(i, 90),
        )
        for i in range(7)
    ]
    one_by_one = _index_state(campaign.pk)
    assert any(documents > 1 for _h, documents in one_by_one[1])
    detection.clear_campaign(campaign.pk)
    monkeypatch.setattr(detection.BulkIndexer, "FOLD_EVERY", 0)
    cache_before = _cache_size()
    with detection.BulkIndexer(campaign.pk, rebuild_lookup=True) as bulk:
        for r in reversed(refs):
            bulk.add([(r.pk, r.text)])
    assert _index_state(campaign.pk) == one_by_one
    assert _cache_size() == cache_before


def _cache_size():
    from django.db import connection

    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        return cur.fetchone()[0]
