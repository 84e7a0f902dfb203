"""A faust table seen as the plain MutableMapping the core expects, with batched changelog writes.

faust picks a table write's changelog partition from the "current event", which is ambiguous
inside a batch (`take_events`). This adapter writes the table's local data and sends the
changelog record to the partition it is told, the one the store belongs to, so that recovery
restores each key to the worker that owns that partition.

Writes leave as changelog records when the agent calls `changelog()`, once per batch, and the
agent publishes them with the batch's outputs and waits for every acknowledgement before the
batch is acked. They go straight to the producer, as the outputs do: faust's own path
(`send_changelog`) queues each record in its producer buffer, whose flush can return with
records still queued (docs/reliability.md, cause 1), and costs a future and callbacks per
record. The records are the ones faust writes (JSON key and value, a null value deletes),
so faust's recovery and `stream/recovery.py` read them as before. Each key goes with its last
value: the decision rewrites its sequence counter and watermark for every article and the
boilerplate memory its source's value, so a batch of 200 articles sent ~30 changelog records per
article before and a few per article now. Keys are
sent in the order they were first written, so an article's decision (its first write) still
reaches the changelog before the rest of its entries, and an eviction's tombstones before the
writes of the articles that followed it.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

import orjson

from syndic.stream.stages import OutMessage

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

    def changelog(self) -> list[OutMessage]:
        """The latest value (or a tombstone) of every key written since the last call."""
        topic = self.table.changelog_topic.get_topic_name()
        data = self.table.data
        records = []
        for key in self._dirty:
            value = data.get(key, _ABSENT)
            body = None if value is _ABSENT else orjson.dumps(value)
            records.append(OutMessage(topic, orjson.dumps(key), body, self.partition))
        self._dirty.clear()
        return records
