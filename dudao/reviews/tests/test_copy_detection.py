"""Copy detection on submission: a near-copy of another unit's plan and of a web text is found
with its shares and shared passages; the superior's template (boilerplate) is not copying;
the index lives in the database so a fresh query (another process) finds the same."""

from __future__ import annotations

from dudao.reviews import actions, copies, detection
from dudao.reviews.models import PassageFingerprint, SimilarityMatch

from .helpers import chinese_text, participation

OWN_A = chinese_text(10, 700)
OWN_B = chinese_text(11, 700)
TEMPLATE = chinese_text(99, 900)  # the superior's model plan


def _submit(cast, unit, text, user="liaison"):
    return actions.submit_document(
        actor=cast.user(user) if unit == cast.unit_a else cast.users["admin"],
        participation=participation(cast, unit),
        kind="implementation_plan",
        text=text,
    )


def test_a_near_copy_of_another_units_plan_is_found(cast05):
    b = _submit(cast05, cast05.unit_b, OWN_B)
    copied = OWN_B[:300] + "结合本局实际" + OWN_B[310:650]
    a = _submit(cast05, cast05.unit_a, copied)
    (match,) = SimilarityMatch.objects.filter(version__document=a)
    assert match.other_version.document_id == b.pk
    assert 0.5 < match.jaccard < 1.0
    assert match.containment > 0.9 and match.longest >= 250
    # The group of unit A sees the shares and the passages, not the other unit's title.
    views = copies.similar_for_version(cast05.user("group_leader"), a.versions.get())
    (view,) = views
    assert view.share == round(match.containment * 100)
    assert not view.visible and "东城区教育局" in view.label
    shared = "".join(piece for piece, is_shared in view.spans if is_shared)
    assert OWN_B[:300] in shared and "结合本局实际" not in shared
    assert [p.text for p in view.passages][0] == OWN_B[:300]
    assert "对方先提交" in view.direction
    # The other side sees it too, with the passage at its place in its own text.
    (other,) = copies.similar_for_version(cast05.user("office"), b.versions.get())
    assert other.passages[0].start == 1 and other.passages[0].text == OWN_B[:300]
    assert "本文先提交" in other.direction


def test_the_superiors_template_is_not_reported_as_copying(cast05):
    actions.add_reference_text(
        actor=cast05.user("office"),
        campaign=cast05.campaign,
        kind="boilerplate",
        title="市委实施方案范本",
        text=TEMPLATE,
    )
    _submit(cast05, cast05.unit_b, TEMPLATE + "\n" + OWN_B[:250])
    a = _submit(cast05, cast05.unit_a, TEMPLATE + "\n" + OWN_A[:250])
    assert not SimilarityMatch.objects.exists()
    assert copies.similar_for_version(cast05.user("office"), a.versions.get()) == []


def test_boilerplate_uploaded_later_reindexes_and_clears_the_hint(cast05):
    _submit(cast05, cast05.unit_b, TEMPLATE + "\n" + OWN_B[:250])
    _submit(cast05, cast05.unit_a, TEMPLATE + "\n" + OWN_A[:250])
    assert SimilarityMatch.objects.count() == 1  # without knowing the template: looks copied
    actions.add_reference_text(
        actor=cast05.user("office"),
        campaign=cast05.campaign,
        kind="boilerplate",
        title="市委实施方案范本",
        text=TEMPLATE,
    )
    assert not SimilarityMatch.objects.filter(
        version__document__participation__unit=cast05.unit_a
    ).exists()


def test_a_text_from_the_web_is_found_from_the_stored_index(cast05):
    web = chinese_text(5, 800)
    ref = actions.add_reference_text(
        actor=cast05.user("office"),
        campaign=cast05.campaign,
        kind="web",
        title="网上范文",
        text=web,
    )
    assert PassageFingerprint.objects.filter(reference=ref).count() > 50
    # What another process sees: only the database.
    found = detection.find_passages(cast05.campaign.pk, web[:700])
    assert [(f.version_id, f.reference_id) for f in found] == [(None, ref.pk)]
    assert found[0].share > 0.95


def test_only_the_latest_version_of_a_document_is_indexed(cast05):
    a = _submit(cast05, cast05.unit_a, OWN_A)
    actions.decide(
        actor=cast05.user("group_leader"), document=a, decision="returned", reason="请修改。"
    )
    a = actions.submit_document(
        actor=cast05.user("liaison"),
        participation=participation(cast05),
        kind="implementation_plan",
        text=OWN_A + "补充",
        document=a,
    )
    assert set(PassageFingerprint.objects.values_list("version__number", flat=True)) == {2}


def test_the_campaign_report_lists_clusters_per_unit_and_group(cast05):
    b = _submit(cast05, cast05.unit_b, OWN_B)
    c = actions.submit_document(
        actor=cast05.users["admin"],
        participation=participation(cast05, cast05.unit_c),
        kind="implementation_plan",
        text=OWN_B[:600] + "档案馆",
    )
    a = _submit(cast05, cast05.unit_a, OWN_B[50:700])
    clusters = copies.copy_clusters(cast05.user("office"), cast05.campaign)
    (cluster,) = clusters
    assert {d.pk for d in cluster.documents} == {a.pk, b.pk, c.pk}
    assert cluster.groups == ["第一督导组", "第二督导组"]
    per_unit, per_group = copies.cluster_counts(clusters)
    assert dict(per_group) == {"第二督导组": 2, "第一督导组": 1}
    assert dict(per_unit) == {"东城区教育局": 1, "市档案馆": 1, "东城区财政局": 1}
    # Group 1 sees the cluster because its unit A is in it; the others by unit name only.
    (seen,) = copies.copy_clusters(cast05.user("group_leader"), cast05.campaign)
    assert {m.document.pk: m.visible for m in seen.members} == {
        a.pk: True,
        b.pk: False,
        c.pk: False,
    }


def test_the_reindex_command_rebuilds_the_same_matches(cast05):
    from django.core.management import call_command

    _submit(cast05, cast05.unit_b, OWN_B)
    _submit(cast05, cast05.unit_a, OWN_B[:650] + "财政局")
    fields = ("jaccard", "shared_chars", "longest", "passages")
    before = list(SimilarityMatch.objects.values_list(*fields))
    count = PassageFingerprint.objects.count()
    detection.clear_campaign(cast05.campaign.pk)
    call_command("reindex_similarity", cast05.campaign.pk)
    assert PassageFingerprint.objects.count() == count
    assert list(SimilarityMatch.objects.values_list(*fields)) == before
