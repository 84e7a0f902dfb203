"""Several articles per record on the internal topics (`by-source`, `sequenced`).

faust's path for one consumed record (message, event, channel queue, stream iterator, the
batch buffer) costs more CPU than parsing, validating and routing an article. The internal
hops carry nothing a consumer outside syndic reads, so each batch sends
one record per destination partition holding up to `pack_articles` articles, as a JSON array
of the values it would have sent one by one; the agents then take as many records as hold
about `batch_size` articles. The output topics keep one record per article. Measured
(BENCHMARKS.md, 2026-12-01): 2 workers ~+15-18% articles/s, 1 worker within the noise.

A pack's partition is the one its first article's key chooses, with the producer's own
partitioner, so a source's articles go where they went one by one and its boilerplate memory
stays on the partition that holds it. A record that is a single JSON object, as written before
packing, reads as a pack of one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import orjson
from aiokafka.partitioner import murmur2

from syndic.settings import MAX_PACK_ARTICLES
from syndic.stream.records import OutMessage

# A pack stays within one producer batch (`producer_max_batch_size`), unless one article is
# larger on its own (then it goes alone: the request and fetch limits allow for it).
PACK_BYTES = 256 * 1024
# An article's `sequence` is its pack's offset times this, plus its place in the pack.
SEQUENCE_STRIDE = MAX_PACK_ARTICLES

PartitionOf = Callable[[bytes], int]


def pack(
    outputs: Iterable[OutMessage], topic: str, max_articles: int, partition_of: PartitionOf
) -> list[OutMessage]:
    """The records for `topic` joined per destination partition, in their order; the others
    (dead letters) unchanged, ahead of the packs."""
    passed: list[OutMessage] = []
    runs: dict[int, list[_Run]] = {}
    for out in outputs:
        if out.topic != topic or out.value is None:
            passed.append(out)
            continue
        partition = partition_of(out.key) if out.partition is None else out.partition
        open_runs = runs.setdefault(partition, [_Run(out.key)])
        if not open_runs[-1].fits(out.value, max_articles):
            open_runs.append(_Run(out.key))
        open_runs[-1].add(out.value)
    return passed + [
        OutMessage(topic, run.key, run.value(), partition)
        for partition, partition_runs in runs.items()
        for run in partition_runs
    ]


class _Run:
    """The values of one pack as they are collected."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.values: list[bytes] = []
        self.size = 0

    def fits(self, value: bytes, max_articles: int) -> bool:
        if not self.values:
            return True
        return len(self.values) < max_articles and self.size + len(value) <= PACK_BYTES

    def add(self, value: bytes) -> None:
        self.values.append(value)
        self.size += len(value) + 1

    def value(self) -> bytes:
        return b"[" + b",".join(self.values) + b"]"


def is_pack(value: bytes | None) -> bool:
    return value is not None and value.startswith(b"[")


def key_partitioner(partitions: int) -> PartitionOf:
    """The partition the producer's default partitioner (Kafka's murmur2, as in the Java
    client) gives a key on a topic of `partitions` partitions."""

    def partition_of(key: bytes) -> int:
        return (murmur2(key) & 0x7FFFFFFF) % partitions

    return partition_of


def unpack(value: bytes | None) -> list[Any]:
    """The articles of a record: a JSON array, or one object for a record written unpacked.
    Raises on a value that is not JSON (the caller dead-letters the record)."""
    parsed = orjson.loads(value or b"{}")
    return parsed if isinstance(parsed, list) else [parsed]
