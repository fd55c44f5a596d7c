"""Categories from the template; suggestions from its keywords and from similar opinions
already classified; a person confirms (issue 12 §2)."""

from __future__ import annotations

import pytest

from dudao.core.errors import DomainError, TransitionError
from dudao.opinions import actions, selectors
from dudao.opinions.models import OpinionCategoryMark

from .helpers import opinion

pytestmark = pytest.mark.django_db


def test_the_2014_keywords_suggest_the_four_winds(cast2014):
    o = opinion(cast2014, "个别领导公款吃喝，逢年过节送礼")
    (first, *_rest) = selectors.suggestions(o)
    assert first.code == "extravagance" and first.name == "奢靡之风"
    assert "公款" in first.reason


def test_the_2005_template_has_its_own_categories(cast2005):
    o = opinion(
        cast2005, "窗口办事效率低，推诿拖拉", given_on=__import__("datetime").date(2005, 3, 5)
    )
    assert selectors.suggestions(o)[0].name == "工作方面"


def test_a_similar_classified_opinion_lends_its_categories(cast2014):
    # No keyword of any category in these texts: only the neighbour can suggest.
    first = opinion(cast2014, "局里的新大楼装修得像宾馆一样豪华气派")
    actions.classify_opinion(actor=cast2014.user("liaison"), opinion=first, codes=["extravagance"])
    second = opinion(cast2014, "局里新大楼装修得像宾馆一样豪华")
    (s,) = selectors.suggestions(second)
    assert s.code == "extravagance" and s.neighbours == 1 and "相似的已归类意见 1 条" in s.reason


def test_several_categories_are_confirmed_and_unknown_ones_refused(cast2014):
    o = opinion(cast2014, "会议多、公款吃喝")
    actor = cast2014.user("group_leader")
    with pytest.raises(DomainError):
        actions.classify_opinion(actor=actor, opinion=o, codes=["thought"])  # a 2005 code
    actions.classify_opinion(actor=actor, opinion=o, codes=["formalism", "extravagance"])
    assert set(OpinionCategoryMark.objects.values_list("code", flat=True)) == {
        "formalism",
        "extravagance",
    }


def test_a_stale_form_is_refused(cast2014):
    o = opinion(cast2014, "会议多")
    actor = cast2014.user("group_leader")
    actions.classify_opinion(actor=actor, opinion=o, codes=["formalism"], expected_version=1)
    with pytest.raises(TransitionError):
        actions.classify_opinion(actor=actor, opinion=o, codes=["hedonism"], expected_version=1)


def test_the_page_shows_the_suggestion_and_saves_the_choice(cast2014, client):
    o = opinion(cast2014, "上班时间玩手机、迟到早退")
    client.force_login(cast2014.user("group_member"))
    page = client.get(f"/opinions/opinions/{o.pk}/").content.decode()
    assert "系统建议" in page and "享乐主义" in page
    client.post(f"/opinions/opinions/{o.pk}/classify/", {"codes": ["hedonism"], "version": 1})
    assert list(OpinionCategoryMark.objects.values_list("code", flat=True)) == ["hedonism"]


def test_only_classified_opinions_are_in_the_suggestion_index(cast2014):
    from dudao.opinions import similarity
    from dudao.opinions.models import OpinionBand

    first = opinion(cast2014, "局里的新大楼装修得像宾馆一样豪华气派")
    # Its keys are on its row; the campaign index learns them only once it is classified.
    assert similarity.unpack(first.bands) == similarity.band_keys(first.text)
    assert not OpinionBand.objects.filter(opinion=first).exists()
    second = opinion(cast2014, "局里新大楼装修得像宾馆一样豪华")
    assert selectors.suggestions(second) == []
    actions.classify_opinion(actor=cast2014.user("liaison"), opinion=first, codes=["extravagance"])
    assert sorted(
        OpinionBand.objects.filter(opinion=first).values_list("key", flat=True)
    ) == sorted(similarity.band_keys(first.text))
    # Classifying again with other categories does not double its rows.
    actions.classify_opinion(actor=cast2014.user("liaison"), opinion=first, codes=["hedonism"])
    assert OpinionBand.objects.filter(opinion=first).count() == similarity.BANDS
    (s,) = selectors.suggestions(second)
    assert s.code == "hedonism" and s.neighbours == 1
