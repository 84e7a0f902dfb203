"""Size of the decision window, measured at the store: what ops need to see state grow or not.

`MeasuredStore` wraps the store the Deduplicator is given and keeps three figures as keys are
written and removed, so reading them costs nothing per scrape: articles in the window (`a:`
entries), bytes of state (the JSON size of every value and key), and active stories (distinct
story ids among the decisions still held, `d:` entries). It knows the Deduplicator's key
prefixes and nothing else of it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, MutableMapping
from typing import Any

import orjson


class MeasuredStore(MutableMapping[str, Any]):
    def __init__(self, inner: MutableMapping[str, Any]) -> None:
        self.inner = inner
        self.bytes = 0
        self.articles = 0
        self._sizes: dict[str, int] = {}
        self._stories: Counter[str] = Counter()
        for key, value in inner.items():
            self._count(key, value)

    @property
    def stories(self) -> int:
        return len(self._stories)

    def _count(self, key: str, value: Any) -> None:
        size = len(key) + len(orjson.dumps(value))
        self._sizes[key] = size
        self.bytes += size
        if key.startswith("a:"):
            self.articles += 1
        elif key.startswith("d:") and isinstance(value, dict):
            self._stories[str(value.get("story_id", key[2:]))] += 1  # absent: its own

    def _uncount(self, key: str) -> None:
        size = self._sizes.pop(key, None)
        if size is None:
            return
        self.bytes -= size
        if key.startswith("a:"):
            self.articles -= 1
        elif key.startswith("d:"):
            value = self.inner.get(key)
            story = str(value.get("story_id", key[2:])) if isinstance(value, dict) else None
            if story is not None:
                self._stories[story] -= 1
                if self._stories[story] <= 0:
                    del self._stories[story]

    def __getitem__(self, key: str) -> Any:
        return self.inner[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._uncount(key)
        self.inner[key] = value
        self._count(key, value)

    def __delitem__(self, key: str) -> None:
        self._uncount(key)
        del self.inner[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.inner)

    def __len__(self) -> int:
        return len(self.inner)

    def __contains__(self, key: object) -> bool:
        return key in self.inner

    def get(self, key: str, default: Any = None) -> Any:
        return self.inner.get(key, default)
