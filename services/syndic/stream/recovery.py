"""Complete a table's recovery by reading its changelog partition to the real end.

faust restores a table by reading its changelog up to the end offset the broker reports
(ListOffsets). Tansu reports the base offset of the last record batch plus one instead of the
true end, so every record after the first of the last batch is skipped: a restarted worker lost
part of its window (seen in tests/integration/test_scaling_and_restart.py). The fetch response's
high watermark is right on both Tansu and Apache Kafka, so this replays the partition until the
position reaches that high watermark and applies what faust missed. On Apache Kafka it finds
nothing new and changes nothing.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from syndic.security import aiokafka_kwargs
from syndic.settings import Settings

log = logging.getLogger("syndic.recovery")


async def changelog_batches(
    bootstrap_servers: str,
    topic: str,
    partitions: Iterable[int],
    *,
    timeout: float = 120.0,
    client_options: dict[str, Any] | None = None,
) -> AsyncIterator[tuple[int, list[tuple[str, Any]]]]:
    """The (key, value) records of the changelog partitions, one fetched batch at a time, each
    partition in offset order; None = deleted. Fails after `timeout` seconds without progress.

    Batches, not the whole changelog: on a broker that does not compact (Tansu), a changelog
    holds every write since the start, and a list of all of it would be held at once. One
    consumer reads all the partitions, so a worker that owns many of them recovers in about
    one fetch each, not one consumer start per partition."""
    wanted = [TopicPartition(topic, p) for p in sorted(set(partitions))]
    if not wanted:
        return
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_bytes=50 * 1024 * 1024,
        max_partition_fetch_bytes=10 * 1024 * 1024,
        fetch_max_wait_ms=100,
        **(client_options or {}),
    )
    await consumer.start()
    try:
        pending = await _holding_records(consumer, wanted)
        if not pending:
            return
        consumer.assign(sorted(pending))
        await consumer.seek_to_beginning(*pending)
        position = dict.fromkeys(pending, 0)
        deadline = time.monotonic() + timeout
        while pending:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"changelog {topic} {sorted(tp.partition for tp in pending)} "
                    f"stopped short of its end: no progress for {timeout} s"
                )
            batches = await consumer.getmany(*pending, timeout_ms=300, max_records=20_000)
            for tp, messages in batches.items():
                if messages:
                    deadline = time.monotonic() + timeout
                    position[tp] = messages[-1].offset + 1
                    yield tp.partition, _decoded(messages)
            for tp in list(pending):
                highwater = consumer.highwater(tp)
                if highwater is not None and position[tp] >= highwater:
                    pending.discard(tp)
    finally:
        await consumer.stop()


async def _holding_records(consumer: Any, wanted: list[TopicPartition]) -> set[TopicPartition]:
    """The partitions with anything to replay: an empty one would otherwise be known as
    such only from a fetch's high watermark, after `getmany` had waited its whole timeout for
    records that never come (0.3 s, on every first batch after a rebalance of a new
    deployment, where every changelog is empty). Its start and end offsets tell at once, on
    Tansu too: Tansu's end offset is short of the true end (above), but past the start
    whenever the partition holds a record. Asked before any partition is assigned: once one
    is, the consumer's long-poll fetch goes first on the connection and each answer waits for
    it (~0.1 s here)."""
    starts = await consumer.beginning_offsets(wanted)
    ends = await consumer.end_offsets(wanted)
    return {tp for tp in wanted if ends[tp] > starts[tp]}


def _decoded(messages: list[Any]) -> list[tuple[str, Any]]:
    records = []
    for message in messages:
        key = orjson.loads(message.key) if message.key else None
        if isinstance(key, str):
            value = orjson.loads(message.value) if message.value is not None else None
            records.append((key, value))
    return records


async def replay_changelog(
    bootstrap_servers: str,
    topic: str,
    partitions: Iterable[int],
    *,
    timeout: float = 120.0,
    client_options: dict[str, Any] | None = None,
) -> dict[int, list[tuple[str, Any]]]:
    """Every record of the changelog partitions at once (for tools and tests)."""
    records: dict[int, list[tuple[str, Any]]] = {p: [] for p in partitions}
    async for partition, batch in changelog_batches(
        bootstrap_servers, topic, records, timeout=timeout, client_options=client_options
    ):
        records[partition].extend(batch)
    return records


def apply_records(data: Any, records: list[tuple[str, Any]]) -> int:
    """Apply changelog records to a table's local data; returns how many keys changed."""
    changed = 0
    for key, value in records:
        if value is None:
            if key in data:
                del data[key]
                changed += 1
        elif key not in data or data[key] != value:
            data[key] = value
            changed += 1
    return changed


async def complete_recovery(
    app: Any, table: Any, partitions: Iterable[int], settings: Settings
) -> int:
    """Flush our own pending changelog writes, then replay the partitions onto the table."""
    await app.producer.flush()
    topic = table.changelog_topic.get_topic_name()
    wanted = sorted(set(partitions))
    replayed = changed = 0
    batches = changelog_batches(
        settings.bootstrap_servers, topic, wanted, client_options=aiokafka_kwargs(settings)
    )
    async with contextlib.aclosing(batches):  # its consumer stops now if applying fails
        async for _, records in batches:
            replayed += len(records)
            changed += apply_records(table.data, records)
    log.info(
        "recovery of %s %s completed: %d records replayed, %d keys restored that faust missed",
        topic, wanted, replayed, changed,
    )  # fmt: skip
    return changed
