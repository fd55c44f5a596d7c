"""Winnowing's guarantee, checked over random texts: two texts sharing a normalised passage of
GUARANTEE characters share a fingerprint, wherever the passage sits in each."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dudao.reviews import passages as ps

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E00 + 3000)


@settings(max_examples=60, deadline=None)
@given(
    shared=st.text(CJK, min_size=ps.GUARANTEE, max_size=60),
    left_a=st.text(CJK, max_size=80),
    right_a=st.text(CJK, max_size=80),
    left_b=st.text(CJK, max_size=80),
    right_b=st.text(CJK, max_size=80),
)
def test_it_guarantees_a_shared_fingerprint_for_a_shared_passage(
    shared, left_a, right_a, left_b, right_b
):
    ha, _ = ps.fingerprints(left_a + shared + right_a)
    hb, _ = ps.fingerprints(left_b + shared + right_b)
    assert np.intersect1d(ha, hb).size > 0


def test_it_matches_after_normalising_width_case_and_punctuation():
    assert ps.normalise("ＡＢｃ，１２３　党建！") == ps.normalise("abc,123 党建") == "abc123党建"


def test_positions_map_back_to_the_original_text():
    text = "一、加强学习，（二）ＡＢ组"
    norm, where = ps.normalise_with_positions(text)
    assert norm == ps.normalise(text)
    assert [text[i] for i in where] == [c for c in text if ps.normalise(c)]


def test_grown_passages_are_exact_and_disjoint():
    x = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳"
    y = "天地" + x[2:14] + "玄黄"
    hx = ps.kgram_hashes(ps.codepoints(x))
    hy = ps.kgram_hashes(ps.codepoints(y))
    seeds = [(i, j) for i in range(len(hx)) for j in range(len(hy)) if hx[i] == hy[j]]
    (p,) = ps.shared_passages(x, y, seeds)
    assert (p.a, p.b, p.length) == (2, 2, 12)
