"""A faust table seen as the plain MutableMapping the core expects, with batched changelog writes.

faust picks a table write's changelog partition from the "current event", which is ambiguous
inside a batch (`take_events`). This adapter writes the table's local data and sends the
changelog record to the partition it is told, the one the store belongs to, so that recovery
restores each key to the worker that owns that partition.

Writes are sent when the agent calls `flush()`, once per batch and before the batch is acked,
with the last value of each key: the decision rewrites its sequence counter and watermark for
every article and the boilerplate memory bumps the same counters again and again, so a batch of
200 articles sent ~30 changelog records per article before and a few per article now. Keys are
sent in the order they were first written, so an article's decision (its first write) still
reaches the changelog before the rest of its entries.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

_ABSENT = object()


class TableStore(MutableMapping[str, Any]):
    def __init__(self, table: Any, partition: int) -> None:
        self.table = table
        self.partition = partition
        self._dirty: dict[str, None] = {}

    def __getitem__(self, key: str) -> Any:
        return self.table.data[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.table.data[key] = value
        self._dirty[key] = None

    def __delitem__(self, key: str) -> None:
        del self.table.data[key]
        self._dirty[key] = None

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.table.data.keys()))

    def __len__(self) -> int:
        return len(self.table.data)

    def __contains__(self, key: object) -> bool:
        return key in self.table.data

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self.table.data[key]
        except KeyError:
            return default

    def flush(self) -> int:
        """Send the latest value (or a tombstone) of every key written since the last flush."""
        sent = 0
        data = self.table.data
        for key in self._dirty:
            value = data.get(key, _ABSENT)
            if value is _ABSENT:
                self.table.send_changelog(self.partition, key, None, value_serializer="raw")
            else:
                self.table.send_changelog(self.partition, key, value)
            sent += 1
        self._dirty.clear()
        return sent
