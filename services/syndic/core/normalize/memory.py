"""Per-source memory of repeated lines: what a source sends in many articles is its boilerplate.

The store is a dict (batch) or a faust Table (stream), so keys are strings and values plain JSON
(ints, and one position per source). It is a count-min sketch per source: `depth` rows of
`width` counters, keys `bp:<source>:<row>:<col>`, so a source never holds more than
width*depth keys (default 2*4096) whatever it sends. Updates depend only on the order of
articles, which makes batch and stream agree.

The counters age: every `age_every` articles of a source, each of its counters is halved (and
dropped at zero). Without that the sketch fills up: 12 head/tail lines per article add ~24
counts, so after ~1,000 articles of one source the average counter is near 3, and a line the
source had never sent would read as "seen 3 times" in about a third of cases and be cut as
boilerplate. With halving every 128 articles the average stays under 1 (a fresh line reads 3+
in well under 1% of cases), while a line in every article climbs by 128 per period and never
falls below the threshold; the number of keys stays bounded by what recent articles sent.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any, NamedTuple

import xxhash

from syndic.core.normalize.hygiene import fingerprint_form


class Position(NamedTuple):
    """Where an article sits in the source-keyed stream it was read from."""

    partition: int
    offset: int


class BoilerplateMemory:
    """Counts, per source, in how many articles each short head/tail line appeared."""

    def __init__(
        self,
        store: MutableMapping[str, Any],
        *,
        width: int = 4096,
        depth: int = 2,
        age_every: int = 128,
        position: Position | None = None,
    ) -> None:
        self.store = store
        self.width = width
        self.depth = depth
        self.age_every = age_every
        self.position = position

    def already_counted(self, source: str) -> bool:
        """Whether this article is a redelivery the memory has counted already."""
        if self.position is None:
            return False
        mark = self.store.get(f"bpo:{source}")
        return (
            mark is not None
            and int(mark[0]) == self.position.partition
            and int(mark[1]) >= self.position.offset
        )

    def _keys(self, source: str, line: str) -> list[str]:
        return self._keys_of_form(source, fingerprint_form(line))

    def _keys_of_form(self, source: str, form: str) -> list[str]:
        digest = xxhash.xxh3_128_intdigest(form.encode())
        keys = []
        for row in range(self.depth):
            col = (digest >> (row * 32)) % self.width
            keys.append(f"bp:{source}:{row}:{col}")
        return keys

    def count(self, source: str, line: str) -> int:
        """How many earlier articles of `source` carried `line` (never under-counted)."""
        counted = min(int(self.store.get(key, 0)) for key in self._keys(source, line))
        if counted and self.already_counted(source) and fingerprint_form(line):
            return counted - 1  # not this article itself
        return counted

    def record(self, source: str, lines: Iterable[str]) -> None:
        """Count each distinct line once for this article, and only once per article."""
        if self.already_counted(source):
            return
        seen: set[str] = set()
        for line in lines:
            form = fingerprint_form(line)
            if not form or form in seen:
                continue
            seen.add(form)
            for key in self._keys_of_form(source, form):
                self.store[key] = int(self.store.get(key, 0)) + 1
        self._age(source)
        if self.position is not None:
            self.store[f"bpo:{source}"] = [self.position.partition, self.position.offset]

    def _age(self, source: str) -> None:
        """Halve the source's counters once every `age_every` of its articles."""
        counter = f"bpn:{source}"
        articles = int(self.store.get(counter, 0)) + 1
        if articles < self.age_every:
            self.store[counter] = articles
            return
        self.store[counter] = 0
        for row in range(self.depth):
            for col in range(self.width):
                key = f"bp:{source}:{row}:{col}"
                value = self.store.get(key)
                if value is None:
                    continue
                halved = int(value) // 2
                if halved:
                    self.store[key] = halved
                else:
                    del self.store[key]
