"""In-memory indexes derived from the store: rebuilt on start, never persisted themselves."""

from __future__ import annotations

import heapq
import struct

import numpy as np
import numpy.typing as npt

BAND_ROWS = 2


class LshIndex:
    """Bands of 2 rows make pairs with Jaccard >= 0.3 candidates with high probability, which
    truncated copies (high containment, low resemblance) need.

    A bucket is a tuple, not a list: an article fills 32 buckets, nearly all of them alone, and
    a tuple of strings drops out of the cyclic garbage collector's view after its first pass,
    where a list stays in it for good. With lists the window was ~27 tracked objects per
    article and a full collection paused the deciding worker ~100 ms at 3,000 articles (and
    grows with the window); buckets are small, so rebuilding one on a change costs little."""

    def __init__(self) -> None:
        self.buckets: dict[tuple[int, bytes], tuple[str, ...]] = {}

    @staticmethod
    def _keys(signature: npt.NDArray[np.uint32]) -> list[tuple[int, bytes]]:
        return [
            (band, signature[band * BAND_ROWS : (band + 1) * BAND_ROWS].tobytes())
            for band in range(signature.size // BAND_ROWS)
        ]

    def add(self, article_id: str, signature: npt.NDArray[np.uint32]) -> None:
        buckets = self.buckets
        for key in self._keys(signature):
            buckets[key] = (*buckets.get(key, ()), article_id)

    def remove(self, article_id: str, signature: npt.NDArray[np.uint32]) -> None:
        for key in self._keys(signature):
            bucket = self.buckets.get(key, ())
            if article_id in bucket:
                kept = tuple(member for member in bucket if member != article_id)
                if kept:
                    self.buckets[key] = kept
                else:
                    del self.buckets[key]

    def candidates(self, signature: npt.NDArray[np.uint32]) -> list[str]:
        seen: dict[str, None] = {}
        for key in self._keys(signature):
            for article_id in self.buckets.get(key, ()):
                seen[article_id] = None
        return list(seen)


class TermIndex:
    """Inverted index term -> article ids, for story candidates, and each indexed article's
    decoded term vector (a decision then decodes no stored strings).

    A posting is a bytearray of 8-byte article numbers, not a list of ids: a bytearray is
    invisible to the cyclic garbage collector (a list, or an `array`, is scanned on every full
    collection, and a window holds one posting per distinct term) and still appends in O(1),
    which long postings need (a tuple rebuilt per add took the story decision's p99 from 1.6
    to 27 ms with 100,000 articles in the window)."""

    def __init__(self) -> None:
        self.postings: dict[int, bytearray] = {}
        self.vectors: dict[str, dict[int, float]] = {}
        self.norms: dict[str, float] = {}
        self._number: dict[str, int] = {}
        self._article: dict[int, str] = {}
        self._next = 0

    def add(self, article_id: str, terms: dict[int, float]) -> None:
        if article_id in self._number:
            self.remove(article_id, self.vectors.get(article_id, {}))
        number = self._next
        self._next += 1
        self._number[article_id] = number
        self._article[number] = article_id
        self.vectors[article_id] = terms
        self.norms[article_id] = sum(w * w for w in terms.values()) ** 0.5
        postings = self.postings
        entry = _NUMBER.pack(number)
        for term in terms:
            posting = postings.get(term)
            if posting is None:
                postings[term] = bytearray(entry)
            else:
                posting += entry

    def remove(self, article_id: str, terms: dict[int, float]) -> None:
        self.vectors.pop(article_id, None)
        self.norms.pop(article_id, None)
        number = self._number.pop(article_id, None)
        if number is None:
            return
        del self._article[number]
        entry = _NUMBER.pack(number)
        for term in terms:
            posting = self.postings.get(term)
            at = -1 if posting is None else _find_entry(posting, entry)
            if posting is None or at < 0:
                continue
            del posting[at : at + _NUMBER.size]
            if not posting:
                del self.postings[term]

    def candidates(
        self, terms: dict[int, float], *, top: int = 12, limit: int = 64, keep: int = 32
    ) -> list[str]:
        """The `keep` articles sharing the most weight of this article's `top` heaviest terms,
        among each term's `limit` most recent holders: bounded work per decision, whatever the
        window holds. Members of one story share its names and numbers, so they rank first;
        ties go to the one met first."""
        shared: dict[int, float] = {}  # by article number: ids are looked up for the chosen
        for term in sorted(terms, key=lambda t: (-terms[t], t))[:top]:
            weight = terms[term]
            posting = self.postings.get(term)
            if posting is None:
                continue
            for number in memoryview(posting[-limit * _NUMBER.size :]).cast("Q").tolist():
                shared[number] = shared.get(number, 0.0) + weight
        if len(shared) > keep:
            shared = dict(heapq.nlargest(keep, shared.items(), key=_weight))
        return list(map(self._article.__getitem__, shared))


_NUMBER = struct.Struct("=Q")  # native order and size: what memoryview.cast("Q") reads


def _find_entry(posting: bytearray, entry: bytes) -> int:
    """Byte offset of `entry` in `posting` at an entry boundary, or -1."""
    at = posting.find(entry)
    while at >= 0 and at % _NUMBER.size:
        at = posting.find(entry, at + 1)
    return at


def _weight(item: tuple[int, float]) -> float:
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
