"""In-memory indexes derived from the store: rebuilt on start, never persisted themselves."""

from __future__ import annotations

import heapq
from collections import defaultdict

import numpy as np
import numpy.typing as npt

BAND_ROWS = 2


class LshIndex:
    """Bands of 2 rows make pairs with Jaccard >= 0.3 candidates with high probability, which
    truncated copies (high containment, low resemblance) need."""

    def __init__(self) -> None:
        self.buckets: dict[tuple[int, bytes], list[str]] = defaultdict(list)

    @staticmethod
    def _keys(signature: npt.NDArray[np.uint32]) -> list[tuple[int, bytes]]:
        return [
            (band, signature[band * BAND_ROWS : (band + 1) * BAND_ROWS].tobytes())
            for band in range(signature.size // BAND_ROWS)
        ]

    def add(self, article_id: str, signature: npt.NDArray[np.uint32]) -> None:
        for key in self._keys(signature):
            self.buckets[key].append(article_id)

    def remove(self, article_id: str, signature: npt.NDArray[np.uint32]) -> None:
        for key in self._keys(signature):
            bucket = self.buckets.get(key)
            if bucket is not None and article_id in bucket:
                bucket.remove(article_id)
                if not bucket:
                    del self.buckets[key]

    def candidates(self, signature: npt.NDArray[np.uint32]) -> list[str]:
        seen: dict[str, None] = {}
        for key in self._keys(signature):
            for article_id in self.buckets.get(key, ()):
                seen[article_id] = None
        return list(seen)


class TermIndex:
    """Inverted index term -> article ids, for story candidates, and each indexed article's
    decoded term vector (a decision then decodes no stored strings)."""

    def __init__(self) -> None:
        self.postings: dict[int, list[str]] = defaultdict(list)
        self.vectors: dict[str, dict[int, float]] = {}
        self.norms: dict[str, float] = {}

    def add(self, article_id: str, terms: dict[int, float]) -> None:
        self.vectors[article_id] = terms
        self.norms[article_id] = sum(w * w for w in terms.values()) ** 0.5
        for term in terms:
            self.postings[term].append(article_id)

    def remove(self, article_id: str, terms: dict[int, float]) -> None:
        self.vectors.pop(article_id, None)
        self.norms.pop(article_id, None)
        for term in terms:
            posting = self.postings.get(term)
            if posting is not None and article_id in posting:
                posting.remove(article_id)
                if not posting:
                    del self.postings[term]

    def candidates(
        self, terms: dict[int, float], *, top: int = 12, limit: int = 64, keep: int = 32
    ) -> list[str]:
        """The `keep` articles sharing the most weight of this article's `top` heaviest terms,
        among each term's `limit` most recent holders: bounded work per decision, whatever the
        window holds. Members of one story share its names and numbers, so they rank first;
        ties go to the one met first."""
        shared: dict[str, float] = {}
        for term in sorted(terms, key=lambda t: (-terms[t], t))[:top]:
            weight = terms[term]
            for article_id in self.postings.get(term, ())[-limit:]:
                shared[article_id] = shared.get(article_id, 0.0) + weight
        if len(shared) <= keep:
            return list(shared)
        return [article_id for article_id, _ in heapq.nlargest(keep, shared.items(), key=_weight)]


def _weight(item: tuple[str, float]) -> float:
    return item[1]


class Expiry:
    """Min-heap of (event time, sequence, id): eviction pops only what expired, no store scans."""

    def __init__(self) -> None:
        self.heap: list[tuple[float, int, str]] = []

    def push(self, event_time: float, sequence: int, article_id: str) -> None:
        heapq.heappush(self.heap, (event_time, sequence, article_id))

    def pop_before(self, horizon: float) -> list[str]:
        expired = []
        while self.heap and self.heap[0][0] < horizon:
            expired.append(heapq.heappop(self.heap)[2])
        return expired
