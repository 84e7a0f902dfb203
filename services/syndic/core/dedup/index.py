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

    Memory is what this index is about: each article fills 32 buckets, nearly all of them
    alone, so a bucket costs as little as a dict entry can. Its key is one int under 2**60 (the
    band's two rows and the band number mixed into 60 bits: 32 bytes, where a (band, bytes)
    tuple took ~100), and a bucket of one article holds the article's id itself, the string
    the window already keeps; only a shared bucket becomes a tuple. Two different bands
    landing on one key would only add a candidate, which the resemblance check then judges
    like any other. Neither an int nor a string is tracked by the cyclic garbage collector,
    and a tuple of strings drops out of its view after its first pass (lists, used first,
    made a full collection pause the deciding worker ~100 ms at 3,000 articles)."""

    def __init__(self) -> None:
        self.buckets: dict[int, str | tuple[str, ...]] = {}

    @staticmethod
    def _keys(signature: npt.NDArray[np.uint32]) -> list[int]:
        bands = signature.size // BAND_ROWS
        rows = signature[: bands * BAND_ROWS].astype(np.uint64).reshape(bands, BAND_ROWS)
        mixed = ((rows[:, 0] << np.uint64(32)) | rows[:, 1]) ^ _BAND_SALT[:bands]
        keys: list[int] = ((mixed * _MIX) >> np.uint64(4)).tolist()
        return keys

    def add(self, article_id: str, signature: npt.NDArray[np.uint32]) -> None:
        buckets = self.buckets
        for key in self._keys(signature):
            held = buckets.get(key)
            if held is None:
                buckets[key] = article_id
            elif isinstance(held, str):
                buckets[key] = (held, article_id)
            else:
                buckets[key] = (*held, article_id)

    def remove(self, article_id: str, signature: npt.NDArray[np.uint32]) -> None:
        buckets = self.buckets
        for key in self._keys(signature):
            held = buckets.get(key)
            if held is None:
                continue
            if isinstance(held, str):
                if held == article_id:
                    del buckets[key]
                continue
            kept = tuple(member for member in held if member != article_id)
            if not kept:
                del buckets[key]
            else:
                buckets[key] = kept[0] if len(kept) == 1 else kept

    def candidates(self, signature: npt.NDArray[np.uint32]) -> list[str]:
        seen: dict[str, None] = {}
        buckets = self.buckets
        for key in self._keys(signature):
            held = buckets.get(key)
            if held is None:
                continue
            if isinstance(held, str):
                seen[held] = None
            else:
                seen.update(dict.fromkeys(held))
        return list(seen)


_rng = np.random.default_rng(20241125)  # fixed: every worker must derive the same keys
_BAND_SALT = _rng.integers(0, 1 << 63, size=64, dtype=np.uint64)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd: multiplying by it is a bijection of 64-bit words


class TermIndex:
    """Inverted index term -> article ids, for story candidates, and each indexed article's
    term vector, kept as the bytes of its hashes and of its weights in 1/255ths, as stored:
    the candidates' vectors then come out as one pair of arrays (`gather`), which the story
    scores work on in numpy (`centroids.story_scores`), and a vector costs ~0.25 KB against
    ~2 KB as a dict of ints and floats.

    A posting is a bytearray of 8-byte article numbers, not a list of ids: a bytearray is
    invisible to the cyclic garbage collector (a list, or an `array`, is scanned on every full
    collection, and a window holds one posting per distinct term) and still appends in O(1),
    which long postings need (a tuple rebuilt per add took the story decision's p99 from 1.6
    to 27 ms with 100,000 articles in the window)."""

    def __init__(self) -> None:
        self.postings: dict[int, bytearray] = {}
        self.hashes: dict[str, bytes] = {}  # each indexed article's term hashes, uint32
        self.quanta: dict[str, bytes] = {}  # and their weights in 1/255ths, in the same order
        self._number: dict[str, int] = {}
        self._article: dict[int, str] = {}
        self._next = 0

    def add(
        self,
        article_id: str,
        hashes: npt.NDArray[np.uint32],
        quanta: npt.NDArray[np.uint8],
    ) -> None:
        if article_id in self._number:
            self.remove(article_id)
        number = self._next
        self._next += 1
        self._number[article_id] = number
        self._article[number] = article_id
        # native order, as `gather` reads them (a stored vector is little-endian)
        self.hashes[article_id] = hashes.astype(np.uint32, copy=False).tobytes()
        self.quanta[article_id] = quanta.astype(np.uint8, copy=False).tobytes()
        postings = self.postings
        entry = _NUMBER.pack(number)
        for term in hashes.tolist():
            posting = postings.get(term)
            if posting is None:
                postings[term] = bytearray(entry)
            else:
                posting += entry

    def remove(self, article_id: str) -> None:
        hashes = self.hashes.pop(article_id, b"")
        self.quanta.pop(article_id, None)
        number = self._number.pop(article_id, None)
        if number is None:
            return
        del self._article[number]
        entry = _NUMBER.pack(number)
        for term in np.frombuffer(hashes, np.uint32).tolist():
            posting = self.postings.get(term)
            at = -1 if posting is None else _find_entry(posting, entry)
            if posting is None or at < 0:
                continue
            del posting[at : at + _NUMBER.size]
            if not posting:
                del self.postings[term]

    def gather(
        self, article_ids: list[str]
    ) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint8], npt.NDArray[np.intp]]:
        """These articles' vectors, one after another, and how many terms each has."""
        quanta = list(map(self.quanta.__getitem__, article_ids))
        lengths = np.fromiter(map(len, quanta), np.intp, len(quanta))
        hashes = np.frombuffer(b"".join(map(self.hashes.__getitem__, article_ids)), np.uint32)
        return hashes, np.frombuffer(b"".join(quanta), np.uint8), lengths

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
