"""Per-source memory of repeated lines: what a source sends in many articles is its boilerplate.

The store is a dict (batch) or a faust Table (stream), so keys are strings and values ints. It is
a count-min sketch per source: `depth` rows of `width` counters, keys `bp:<source>:<row>:<col>`,
so a source never holds more than width*depth keys (default 2*4096) whatever it sends. Updates
depend only on the order of articles, which makes batch and stream agree.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any

import xxhash

from syndic.core.normalize.hygiene import fingerprint_form


class BoilerplateMemory:
    """Counts, per source, in how many articles each short head/tail line appeared."""

    def __init__(
        self, store: MutableMapping[str, Any], *, width: int = 4096, depth: int = 2
    ) -> None:
        self.store = store
        self.width = width
        self.depth = depth

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
        return min(int(self.store.get(key, 0)) for key in self._keys(source, line))

    def record(self, source: str, lines: Iterable[str]) -> None:
        """Count each distinct line once for this article."""
        seen: set[str] = set()
        for line in lines:
            form = fingerprint_form(line)
            if not form or form in seen:
                continue
            seen.add(form)
            for key in self._keys_of_form(source, form):
                self.store[key] = int(self.store.get(key, 0)) + 1
