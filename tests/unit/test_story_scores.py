"""The story scores in numpy (`centroids.story_scores`) against the centroid written out plainly:
members' vectors summed per story with their closeness, then the article's cosine with it."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from syndic.core.dedup.centroids import story_scores
from syndic.core.dedup.fingerprint import as_stored, decode_term_arrays, encode_terms
from syndic.core.dedup.index import TermIndex

_vector = st.dictionaries(st.integers(0, 40), st.floats(0.01, 1.0), min_size=1, max_size=12)


def _plain(
    article: dict[int, float],
    members: list[dict[int, float]],
    member_story: list[int],
    closeness: list[float],
    stories: int,
) -> tuple[list[float], list[float]]:
    own = [sum(article[t] * v[t] for t in article.keys() & v.keys()) for v in members]
    scores = []
    for story in range(stories):
        centroid: dict[int, float] = {}
        for vector, of, weight in zip(members, member_story, closeness, strict=True):
            if of == story:
                for term, value in vector.items():
                    centroid[term] = centroid.get(term, 0.0) + weight * value
        norm = math.sqrt(sum(v * v for v in centroid.values()))
        scores.append(sum(article.get(t, 0.0) * v for t, v in centroid.items()) / norm)
    return own, scores


@settings(max_examples=200, deadline=None)
@given(
    article=_vector,
    members=st.lists(st.tuples(_vector, st.floats(0.5, 1.0)), min_size=1, max_size=8),
    data=st.data(),
)
def test_scores_are_the_plain_centroid_cosines(
    article: dict[int, float], members: list[tuple[dict[int, float], float]], data: st.DataObject
) -> None:
    article = as_stored(article)
    stored = [as_stored(vector) for vector, _ in members]
    stories = data.draw(st.integers(1, len(members)))
    member_story = [
        i if i < stories else data.draw(st.integers(0, stories - 1)) for i in range(len(members))
    ]
    closeness = [weight for _, weight in members]
    index = TermIndex()
    for number, vector in enumerate(stored):
        index.add(f"m{number}", *decode_term_arrays(encode_terms(vector)))
    own, scores = story_scores(
        article,
        *index.gather([f"m{number}" for number in range(len(stored))]),
        np.array(member_story, dtype=np.intp),
        np.array(closeness),
        stories,
    )
    plain_own, plain_scores = _plain(article, stored, member_story, closeness, stories)
    assert np.allclose(own, plain_own, rtol=1e-12, atol=1e-15)
    assert np.allclose(scores, plain_scores, rtol=1e-12, atol=1e-15)


def test_equal_dot_products_are_an_exact_tie_whatever_the_order_of_terms() -> None:
    """Integer quanta: the same products in another order give the same double, so the tie
    between two members goes to the rule (the later member), not to rounding."""
    article = as_stored({1: 0.3, 2: 0.5, 3: 0.7, 4: 0.1})
    index = TermIndex()
    index.add("a", *decode_term_arrays(encode_terms(as_stored({1: 0.7, 3: 0.3}))))
    index.add("b", *decode_term_arrays(encode_terms(as_stored({3: 0.3, 1: 0.7}))))
    own, _ = story_scores(article, *index.gather(["a", "b"]), np.array([0, 1]), np.ones(2), 2)
    quanta = {term: round(weight * 255) for term, weight in article.items()}
    assert own[0] == own[1] == (quanta[1] * 178 + quanta[3] * 76) / 255**2


def test_a_one_member_story_scores_its_own_cosine_whatever_its_closeness() -> None:
    article = as_stored({1: 0.6, 2: 0.8})
    index = TermIndex()
    index.add("a", *decode_term_arrays(encode_terms(as_stored({1: 1.0}))))
    _, near = story_scores(article, *index.gather(["a"]), np.array([0]), np.array([1.0]), 1)
    _, far = story_scores(article, *index.gather(["a"]), np.array([0]), np.array([0.5]), 1)
    assert near[0] == far[0] == 153 / 255
