"""A partition of syndic's state as the plain MutableMapping the core expects, with batched
changelog writes.

The state is syndic's own, not a faust table: a dict per partition, its changelog topic
(`{app_id}-dedup-state-changelog`, `{app_id}-source-memory-changelog`, compacted on Apache
Kafka), and `stream/recovery.py` to rebuild it from that changelog when a worker takes the
partition. With faust tables each worker read a changelog twice on every assignment: faust's
recovery, up to the end offset the broker reports, then syndic's replay to the real end,
which Tansu's end offsets need (docs/reliability.md, cause 3); faust's pass was most of a
restart's time after a long run (BENCHMARKS.md, "A restart after the run"). faust also
picked a table write's changelog partition from the "current event", which is ambiguous
inside a batch (`take_events`): here each record goes to the partition its store belongs
to, so recovery restores each key to the worker that owns that partition.

Writes leave as changelog records when the agent calls `changelog()`, once per batch, and the
agent publishes them with the batch's outputs and waits for every acknowledgement before the
batch is acked. They go straight to the producer, as the outputs do: faust's own path
(`send_changelog`) queued each record in its producer buffer, whose flush can return with
records still queued (docs/reliability.md, cause 1), and cost a future and callbacks per
record. The records are those faust's tables wrote (JSON key and value, a null value
deletes), so the changelog of a deployment that ran with faust tables is read as it is.
Each key goes with its last value: the decision rewrites its sequence counter and watermark
for every article and the boilerplate memory its source's value, so a batch of 200 articles
sent ~30 changelog records per article before and a few per article now. Keys are sent in
the order they were first written, so an article's decision (its first write) still reaches
the changelog before the rest of its entries, and an eviction's tombstones before the writes
of the articles that followed it.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

import orjson

from syndic.stream.stages import OutMessage

_ABSENT = object()


class TableStore(MutableMapping[str, Any]):
    """One partition's state (`data`, as recovery rebuilt it) and its changelog partition."""

    def __init__(self, data: dict[str, Any], topic: str, partition: int) -> None:
        self.data = data
        self.topic = topic
        self.partition = partition
        self._dirty: dict[str, None] = {}

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.data[key] = value
        self._dirty[key] = None

    def __delitem__(self, key: str) -> None:
        del self.data[key]
        self._dirty[key] = None

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.data.keys()))

    def __len__(self) -> int:
        return len(self.data)

    def __contains__(self, key: object) -> bool:
        return key in self.data

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def changelog(self) -> list[OutMessage]:
        """The latest value (or a tombstone) of every key written since the last call."""
        data = self.data
        records = []
        for key in self._dirty:
            value = data.get(key, _ABSENT)
            body = None if value is _ABSENT else orjson.dumps(value)
            records.append(OutMessage(self.topic, orjson.dumps(key), body, self.partition))
        self._dirty.clear()
        return records
