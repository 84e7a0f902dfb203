"""The story scores of one article: its cosine with each candidate story's centroid, in numpy.

The decision is the one sequential stage of the stream (one partition decides every article),
so its cost per article caps the throughput of any number of workers. Summing each story's
member vectors into a centroid dict cost ~1,000 dict operations per article (7 candidate
stories of ~3.5 members, ~40 terms each); here the same sums are a sort and a few reductions
over the candidates' vectors laid end to end, whatever the number of stories.

The arithmetic is that of the centroid: with member vectors v_i weighed by closeness w_i and
the article's unit vector a,

    score = a . (sum_i w_i v_i) / |sum_i w_i v_i| = (sum_i w_i (a . v_i)) / |sum_i w_i v_i|

so the numerator needs only each member's own dot product with the article, and the norm the
centroid's terms summed once; a one-member story scores a . v / |v|. Weights are the stored
ones, in 1/255ths, so a . v is a sum of integer products, exact in any order: two members with
equal products are an exact tie, which the caller breaks by their place in the stream.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
_QUANTUM = 255.0


def story_scores(
    article: dict[int, float],
    hashes: npt.NDArray[np.uint32],
    quanta: npt.NDArray[np.uint8],
    lengths: npt.NDArray[np.intp],
    member_story: npt.NDArray[np.intp],
    closeness: Floats,
    stories: int,
) -> tuple[Floats, Floats]:
    """Each member's dot product with the article, and each story's centroid cosine.

    `article` holds weights in 1/255ths (`fingerprint.as_stored`); `hashes`/`quanta` are the
    members' vectors end to end (`TermIndex.gather`), `lengths` their sizes, `member_story`
    each member's story (0 .. stories-1) and `closeness` its weight in the centroid."""
    member = np.arange(lengths.size).repeat(lengths)
    weights = quanta.astype(np.float64)
    own = _dot_products(article, hashes, weights, member, lengths.size)
    numerators = np.bincount(member_story, closeness * own, minlength=stories)
    keys = (member_story[member].astype(np.uint64) << np.uint64(32)) | hashes.astype(np.uint64)
    order = keys.argsort(kind="stable")
    keys = keys[order]
    starts = np.concatenate(([True], keys[1:] != keys[:-1])).nonzero()[0]
    summed = np.add.reduceat((closeness[member] * weights)[order], starts)
    term_story = (keys[starts] >> np.uint64(32)).astype(np.intp)
    norms = np.sqrt(np.bincount(term_story, summed * summed, minlength=stories)) * _QUANTUM
    scores: Floats = numerators / np.where(norms > 0.0, norms, 1.0)
    return own / (_QUANTUM * _QUANTUM), scores


def _dot_products(
    article: dict[int, float],
    hashes: npt.NDArray[np.uint32],
    weights: Floats,
    member: npt.NDArray[np.intp],
    members: int,
) -> Floats:
    """255² a . v_i for every member, from integer quanta: its terms looked up among the
    article's terms, sorted."""
    if not article:
        return np.zeros(members)
    keys = np.fromiter(article, np.uint32, len(article))
    values = np.rint(np.fromiter(article.values(), np.float64, len(article)) * _QUANTUM)
    order = keys.argsort()
    keys, values = keys[order], values[order]
    at = np.minimum(keys.searchsorted(hashes), keys.size - 1)
    products = np.where(keys[at] == hashes, values[at] * weights, 0.0)
    own: Floats = np.bincount(member, products, minlength=members).astype(np.float64, copy=False)
    return own
