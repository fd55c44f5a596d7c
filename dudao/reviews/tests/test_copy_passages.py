"""Copying found where it happens, in passages (issue: units take a few sentences, not whole
documents): two shared sentences in otherwise different texts are reported with both
sentences; stock phrases of the campaign are not copying; punctuation and full-width/half-width
changes do not hide a copy; a group sees a cluster that reaches outside its units."""

from __future__ import annotations

from dudao.reviews import actions, copies, detection
from dudao.reviews.models import SimilarityMatch

from .helpers import chinese_text, participation

SENTENCE_1 = "坚持把学习贯彻党章作为先进性教育的重要内容切实抓紧抓好"  # 27 characters
SENTENCE_2 = "认真查找在思想作风和工作作风方面存在的突出问题并立即整改"  # 27 characters


def _submit(cast, unit, text, kind="implementation_plan"):
    return actions.submit_document(
        actor=cast.user("liaison") if unit == cast.unit_a else cast.users["admin"],
        participation=participation(cast, unit),
        kind=kind,
        text=text,
    )


def test_it_reports_two_shared_sentences_in_otherwise_different_texts(cast05):
    mine, theirs = chinese_text(1, 900), chinese_text(2, 1200)
    b = _submit(
        cast05,
        cast05.unit_b,
        theirs[:300] + SENTENCE_1 + "。" + theirs[300:900] + SENTENCE_2 + "。" + theirs[900:],
    )
    a = _submit(
        cast05,
        cast05.unit_a,
        mine[:500] + SENTENCE_2 + "；" + mine[500:700] + SENTENCE_1 + "，" + mine[700:],
    )
    (match,) = SimilarityMatch.objects.filter(version__document=a)
    assert match.other_version.document_id == b.pk
    assert match.jaccard < 0.1  # whole-document similarity would never have reported it
    (view,) = copies.similar_for_version(cast05.user("office"), a.versions.get())
    assert sorted(p.text for p in view.passages) == sorted([SENTENCE_1, SENTENCE_2])
    by_text = {p.text: p for p in view.passages}
    # Positions in both documents, counted from 1 as a reader counts.
    assert a.versions.get().text[by_text[SENTENCE_2].start - 1 :].startswith(SENTENCE_2)
    assert b.versions.get().text[by_text[SENTENCE_2].other_start - 1 :].startswith(SENTENCE_2)
    assert 27 <= view.longest <= 29 and 54 <= view.shared_chars <= 58
    assert "对方先提交" in view.direction


def test_a_short_copy_under_the_passage_length_is_not_reported(cast05):
    mine, theirs = chinese_text(3, 900), chinese_text(4, 900)
    _submit(cast05, cast05.unit_b, theirs[:400] + SENTENCE_1[:14] + theirs[400:])
    a = _submit(cast05, cast05.unit_a, mine[:400] + SENTENCE_1[:14] + mine[400:])
    assert not SimilarityMatch.objects.filter(version__document=a).exists()


def test_stock_phrases_of_the_campaign_are_not_copying(cast05, settings):
    settings.DUDAO_COPY_STOCK_MIN_DOCS = 5
    stock = "以邓小平理论和三个代表重要思想为指导全面贯彻落实科学发展观"
    units = [cast05.unit_b, cast05.unit_c, cast05.unit_d]
    for i in range(6):  # the phrase is in six texts of the campaign: a stock phrase
        detection.index_reference(
            actions.add_reference_text(
                actor=cast05.user("office"),
                campaign=cast05.campaign,
                kind="web",
                title=f"其他文章{i}",
                text=chinese_text(40 + i, 400) + stock + chinese_text(50 + i, 300),
            )
        )
    _submit(cast05, units[0], chinese_text(60, 600) + stock + chinese_text(61, 400))
    a = _submit(cast05, cast05.unit_a, chinese_text(62, 700) + stock + chinese_text(63, 300))
    assert not SimilarityMatch.objects.filter(version__document=a).exists()


def test_punctuation_and_width_changes_do_not_hide_a_copy(cast05):
    source = "二〇〇五年1月至6月，全市共有ABC等52个单位参加第一批活动。" + chinese_text(7, 400)
    b = _submit(cast05, cast05.unit_b, source + chinese_text(8, 400))
    disguised = (
        source.replace("，", " , ")
        .replace("。", "．\n")
        .replace("1", "１")
        .replace("52", "５２")
        .replace("ABC", "ａｂｃ")
    )
    a = _submit(cast05, cast05.unit_a, chinese_text(9, 300) + disguised)
    (match,) = SimilarityMatch.objects.filter(version__document=a)
    assert match.other_version.document_id == b.pk
    assert match.longest >= 400
    # Stored text is what the user wrote: the passage is shown in each document's own form.
    (view,) = copies.similar_for_version(cast05.user("office"), a.versions.get())
    assert "５２" in view.passages[0].text and "52" in view.passages[0].other_text


def test_a_copied_share_of_the_smaller_text_is_reported_without_a_long_passage(cast05, settings):
    settings.DUDAO_COPY_MIN_PASSAGE = 10_000  # only the share can report it here
    theirs = chinese_text(11, 1500)
    # A short text made of pieces of 15–18 characters of the other: no long passage.
    pieces = [theirs[i : i + 16] for i in range(0, 800, 40)]
    mine = "".join(p + "，" + chinese_text(100 + n, 4) + "。" for n, p in enumerate(pieces))
    _submit(cast05, cast05.unit_b, theirs)
    a = _submit(cast05, cast05.unit_a, mine)
    (match,) = SimilarityMatch.objects.filter(version__document=a)
    assert match.longest < 20 and match.containment >= 0.3


def test_a_group_leader_sees_a_cross_group_cluster_involving_his_unit(cast05):
    text = chinese_text(21, 800)
    b = _submit(cast05, cast05.unit_b, text)  # unit B is supervised by the second group
    a = _submit(cast05, cast05.unit_a, chinese_text(22, 200) + text[:500])
    (cluster,) = copies.copy_clusters(cast05.user("group_leader"), cast05.campaign)
    members = {m.document.pk: m.visible for m in cluster.members}
    assert members == {a.pk: True, b.pk: False}
    # The second group's own documents only: it sees the cluster from its side too.
    assert copies.copy_clusters(cast05.user("office"), cast05.campaign)


def test_the_index_lookup_leaves_out_stock_fingerprints_and_nothing_else(cast05, settings):
    """The lookup of a text's fingerprints returns every indexed occurrence of them except
    those of fingerprints in at least the stock limit of texts (counted or not yet counted)."""
    from django.db.models import Q

    from dudao.reviews import passages as ps
    from dudao.reviews.models import FingerprintFrequency, PassageFingerprint

    settings.DUDAO_COPY_STOCK_MIN_DOCS = 4
    stock = "以邓小平理论和三个代表重要思想为指导全面贯彻落实科学发展观"
    refs = [
        actions.add_reference_text(
            actor=cast05.user("office"),
            campaign=cast05.campaign,
            kind="web",
            title=f"网文{i}",
            text=chinese_text(70 + i, 300) + (stock if i < 5 else SENTENCE_1) + chinese_text(i, 99),
        )
        for i in range(7)
    ]
    for r in refs:
        detection.index_reference(r)
    probe = chinese_text(80, 200) + stock + SENTENCE_1 + chinese_text(70, 300)
    hashes = sorted(set(ps.fingerprints(probe)[0].tolist()))
    limit = detection.stock_limit(detection.indexed_count(cast05.campaign.pk))
    assert limit == 4
    common = set(
        FingerprintFrequency.objects.filter(
            campaign_id=cast05.campaign.pk, hash__in=hashes, documents__gte=limit
        ).values_list("hash", flat=True)
    )
    assert common  # the stock phrase's fingerprints
    expected = sorted(
        PassageFingerprint.objects.filter(campaign_id=cast05.campaign.pk, hash__in=hashes)
        .exclude(Q(hash__in=common))
        .values_list("hash", "pos", "version_id", "reference_id")
    )
    got = sorted(detection._hits(cast05.campaign.pk, hashes, limit))
    assert got == expected
    assert {r for *_x, r in got} >= {refs[0].pk, refs[5].pk, refs[6].pk}
    assert not common & {h for h, *_x in got}
