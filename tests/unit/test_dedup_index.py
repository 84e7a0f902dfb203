"""The derived indexes: what they return, and that the window they hold costs the cyclic
garbage collector nothing (its full passes would otherwise pause the deciding worker for a
time that grows with the window)."""

from __future__ import annotations

import gc
import random
from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from syndic.core.dedup.fingerprint import (
    Fingerprint,
    as_stored,
    decode_term_arrays,
    decode_terms,
    encode_terms,
)
from syndic.core.dedup.index import _NUMBER, LshIndex, TermIndex, _find_entry


def _terms(rng: random.Random) -> dict[int, float]:
    return {rng.randrange(500): round(rng.random(), 3) for _ in range(40)}


def _add(index: TermIndex, article_id: str, terms: dict[int, float]) -> None:
    index.add(article_id, *decode_term_arrays(encode_terms(terms)))


def test_term_candidates_rank_shared_weight_and_forget_removed_articles() -> None:
    index = TermIndex()
    _add(index, "a", {1: 0.9, 2: 0.1})
    _add(index, "b", {1: 0.5, 3: 0.5})
    _add(index, "c", {4: 1.0})
    assert index.candidates({1: 0.8, 3: 0.2}) == ["a", "b"]
    index.remove("a")
    assert index.candidates({1: 0.8, 3: 0.2}) == ["b"]
    assert 2 not in index.postings
    assert index.candidates({1: 1.0}, keep=1) == ["b"]
    assert "a" not in index.hashes and "a" not in index.quanta


def test_gathered_vectors_are_the_stored_ones_end_to_end() -> None:
    index = TermIndex()
    _add(index, "a", {5: 0.5, 1: 1.0})
    _add(index, "b", {3_000_000_000: 0.2})
    hashes, quanta, lengths = index.gather(["b", "a"])
    assert hashes.tolist() == [3_000_000_000, 1, 5]
    assert quanta.tolist() == [51, 255, 128]
    assert lengths.tolist() == [1, 2]


def test_term_candidates_look_only_at_each_terms_most_recent_holders() -> None:
    index = TermIndex()
    for number in range(10):
        _add(index, f"a{number}", {7: 1.0})
    assert index.candidates({7: 1.0}, limit=3) == ["a7", "a8", "a9"]


def test_a_posting_entry_is_found_only_on_an_entry_boundary() -> None:
    # 2**8 packs to 00 01 00 00 ...: its bytes also appear across the boundary of 1 and 0
    posting = bytearray(_NUMBER.pack(1 << 56) + _NUMBER.pack(1) + _NUMBER.pack(1 << 8))
    assert _find_entry(posting, _NUMBER.pack(1 << 8)) == 2 * _NUMBER.size
    assert _find_entry(posting, _NUMBER.pack(5)) == -1


def test_lsh_buckets_give_candidates_in_arrival_order_and_drop_removed_ones() -> None:
    index = LshIndex()
    signature = np.arange(8, dtype=np.uint32)
    index.add("a", signature)
    index.add("b", signature)
    assert index.candidates(signature) == ["a", "b"]
    index.remove("a", signature)
    assert index.candidates(signature) == ["b"]
    index.remove("b", signature)
    assert index.buckets == {}
    assert all(key < 1 << 60 for key in index._keys(np.full(64, 0xFFFFFFFF, dtype=np.uint32)))


def test_a_full_window_adds_almost_nothing_for_the_garbage_collector_to_scan() -> None:
    rng = random.Random(3)
    lsh, terms = LshIndex(), TermIndex()
    gc.collect()
    before = len(gc.get_objects())
    for number in range(2_000):
        signature = np.array([rng.randrange(1 << 32) for _ in range(64)], dtype=np.uint32)
        lsh.add(f"id{number}", signature)
        _add(terms, f"id{number}", _terms(rng))
    gc.collect()
    assert len(gc.get_objects()) - before < 100  # a list per bucket or posting: ~60,000


def test_a_stored_vector_decodes_to_the_same_terms_as_a_dict_and_as_arrays() -> None:
    encoded = encode_terms({3_000_000_000: 0.5, 7: 0.25})
    assert decode_terms(encoded) == {7: 64 / 255, 3_000_000_000: 128 / 255}
    hashes, quanta = decode_term_arrays(encoded)
    assert hashes.tolist() == [7, 3_000_000_000] and quanta.tolist() == [64, 128]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.integers(0, 2**32 - 1), st.floats(0.0, 1.0), max_size=40))
def test_a_record_s_terms_are_stored_as_they_came_which_is_their_encoding(
    terms: dict[int, float],
) -> None:
    """The window entry takes the sequenced record's encoded terms as they are (no encoding
    again on the sequential stage): that string is what encoding the decoded terms gives."""
    fingerprint = Fingerprint("h", None, terms=as_stored(terms))
    decoded = Fingerprint.from_dict(fingerprint.to_dict())
    assert decoded.encoded_terms() == encode_terms(decoded.terms) == encode_terms(as_stored(terms))
    assert replace(decoded, terms={}).encoded_terms() == encode_terms({})
