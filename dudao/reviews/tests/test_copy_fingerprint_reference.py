"""The array code that fingerprints texts (one text, or many at once for a bulk load) selects
exactly the fingerprints of the definition, written here as plain loops: normalise character by
character (NFKC, lower case, letters and digits only), hash every k-gram as a polynomial over
the code points modulo 2**64 followed by the 64-bit finaliser, keep the rightmost minimum of
every window of WINDOW hashes (or the rightmost minimum of a text shorter than one window)."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from dudao.reviews import passages as ps

MASK = (1 << 64) - 1
BASE = 0x100000001B3
M1 = 0xBF58476D1CE4E5B9
M2 = 0x94D049BB133111EB

# What office texts are made of: ideographs, ASCII, full-width forms (ＡＢ１２，！), the
# ideographic space and CJK punctuation (、。「」【】), general punctuation (“”…—), Latin-1
# (·é²½) and enclosed numbers (①⑴⒈) — all in the ranges the normaliser folds.
ALPHABET = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4E00 + 60),
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
    st.characters(min_codepoint=0x3000, max_codepoint=0x3011),
    st.characters(min_codepoint=0x2010, max_codepoint=0x2027),
    st.characters(min_codepoint=0x00A0, max_codepoint=0x00FF),
    st.characters(min_codepoint=0x2460, max_codepoint=0x249B),
    st.sampled_from("\n\t　，。；：！？"),
)
# Random texts, and texts repeating a short unit (a k-gram recurring within one window is where
# equal hashes tie: the rightmost is kept).
TEXTS = st.one_of(
    st.text(ALPHABET, max_size=160),
    st.builds(
        lambda head, unit, times, tail: head + unit * times + tail,
        st.text(ALPHABET, max_size=20),
        st.text(ALPHABET, min_size=1, max_size=6),
        st.integers(1, 30),
        st.text(ALPHABET, max_size=20),
    ),
)


def reference_normalise(text: str) -> str:
    return "".join(
        c for ch in text for c in unicodedata.normalize("NFKC", ch).lower() if c.isalnum()
    )


def reference_hashes(norm: str) -> list[int]:
    cps = [ord(c) for c in norm]
    out = []
    for i in range(len(cps) - ps.K + 1):
        h = 0
        for c in cps[i : i + ps.K]:
            h = (h * BASE + c) & MASK
        h ^= h >> 30
        h = (h * M1) & MASK
        h ^= h >> 27
        h = (h * M2) & MASK
        h ^= h >> 31
        out.append(h >> 1)
    return out


def reference_fingerprints(norm: str) -> tuple[list[int], list[int]]:
    hashes = reference_hashes(norm)
    if not hashes:
        return [], []
    kept = set()
    for start in range(max(1, len(hashes) - ps.WINDOW + 1)):
        window = hashes[start : start + ps.WINDOW]
        low = min(window)
        kept.add(start + max(i for i, h in enumerate(window) if h == low))
    positions = sorted(kept)
    return [hashes[p] for p in positions], positions


def test_the_reference_itself_on_a_known_text():
    text = "一、加强学习，（二）ＡＢ组２００５年！"
    assert reference_normalise(text) == ps.normalise(text) == "一加强学习二ab组2005年"
    hashes, positions = reference_fingerprints(reference_normalise(text))
    assert positions and all(0 <= h < 2**63 for h in hashes)


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_one_texts_fingerprints_equal_the_definition(text):
    norm = ps.normalise(text)
    assert norm == reference_normalise(text)
    hashes, positions = ps.fingerprints(text)
    assert (hashes.tolist(), positions.tolist()) == reference_fingerprints(norm)


@settings(max_examples=80, deadline=None)
@given(st.lists(TEXTS, max_size=10))
def test_many_texts_fingerprints_at_once_equal_the_definition(texts):
    norms = [ps.normalise(t) for t in texts]
    owner, hashes, positions = ps.fingerprints_many(norms)
    for i, norm in enumerate(norms):
        mine = owner == i
        assert (hashes[mine].tolist(), positions[mine].tolist()) == reference_fingerprints(norm)
