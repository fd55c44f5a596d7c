"""The vectorised signature is exactly datasketch's MinHash of the same n-gram hashes."""

from __future__ import annotations

import numpy as np
from datasketch import MinHash

from dudao.reviews import similarity as sim

from .helpers import chinese_text


def test_it_equals_datasketch_update_batch_for_short_and_long_texts():
    for text in ("深入学习实践科学发展观，坚持以人为本。", chinese_text(1, 3000)):
        ids = sim.shingles(text)
        m = MinHash(num_perm=sim.NUM_PERM, seed=sim.SEED, hashfunc=int)
        m.update_batch(list(sim.shingle_hash32(ids)))
        assert np.array_equal(m.hashvalues.astype(np.uint32), sim.signature(ids))


def test_punctuation_and_line_breaks_do_not_change_the_ngrams():
    assert np.array_equal(
        sim.shingles("加强党性修养，\n提高服务意识。"), sim.shingles("加强党性修养提高服务意识")
    )


def test_a_band_key_includes_its_band_number():
    sig = sim.signature(sim.shingles(chinese_text(2)))
    keys = sim.band_keys(sig)
    assert len(keys) == sim.BANDS and len(set(keys.tolist())) == sim.BANDS
    assert np.array_equal(sim.band_keys(np.vstack([sig, sig]))[1], keys)
