"""A bounded memo for the per-word functions every article calls hundreds of times.

`functools.lru_cache` costs about 160 ns per hit here (it keeps recency order on every call);
a dict subclass answers a hit from C in about 90 ns, computing a miss in `__missing__`. A word
cache is read ~1,500 times per article (shingle words, term keys, term weights), so the
difference is ~0.1 ms per article. Bounded because names and numbers make the vocabulary of a
long-running worker unbounded: past `maxsize` the older half is dropped (insertion order), and
the words still in use come back on their next miss.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from itertools import islice
from typing import Any, Protocol, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Bounded(Protocol):
    """A cache that stays under `maxsize` entries by dropping some or all of them when full;
    `turnovers` counts those drops. Until each of a worker's caches has turned over once, its
    memory still grows towards their bounds (`syndic.benchmarks.memory` reports them)."""

    maxsize: int
    turnovers: int

    def __len__(self) -> int: ...


# weak references in a list, not a WeakSet: a memo is a dict, so it has no hash
_TRACKED: list[weakref.ref[Any]] = []


def track(cache: Bounded) -> None:
    _TRACKED[:] = [ref for ref in _TRACKED if ref() is not None]
    _TRACKED.append(weakref.ref(cache))


def bounded_caches() -> list[Bounded]:
    """Every bounded cache alive in this process."""
    return [cache for cache in (ref() for ref in _TRACKED) if cache is not None]


class BoundedMemo(dict[K, V]):
    def __init__(self, compute: Callable[[K], V], maxsize: int) -> None:
        super().__init__()
        self.compute = compute
        self.maxsize = maxsize
        self.turnovers = 0
        track(self)

    def __missing__(self, key: K) -> V:
        if len(self) >= self.maxsize:
            self.turnovers += 1
            for old in list(islice(self, max(1, self.maxsize // 2))):
                del self[old]
        value = self[key] = self.compute(key)
        return value
