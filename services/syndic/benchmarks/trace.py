"""Where did a missing article stop? Follows it through syndic's topics after a failed run.

A run that ends with articles missing says little by itself: lost (committed, never processed),
stuck (never committed, never processed) and dead-lettered look the same from the output topic.
This reads each hop (raw, by-source, sequenced, clean, and the dead-letter topic, keyed by the
raw key) and the group's committed offsets, so the report says which stage held the article
last and whether its offset was committed past it.
"""

from __future__ import annotations

import contextlib
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from syndic.client import group_offsets_reader
from syndic.settings import Settings


async def _read(bootstrap: str, topic: str, idle_polls: int = 6) -> list[Any]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest",
        enable_auto_commit=False, fetch_max_bytes=64 * 1024 * 1024,
        max_partition_fetch_bytes=8 * 1024 * 1024,
    )  # fmt: skip
    await consumer.start()
    records: list[Any] = []
    idle = 0
    try:
        while idle < idle_polls:
            batches = await consumer.getmany(timeout_ms=200, max_records=20_000)
            idle = 0 if batches else idle + 1
            for messages in batches.values():
                records.extend(messages)
    finally:
        await consumer.stop()
    return records


async def _committed(settings: Settings, parts: set[TopicPartition]) -> dict[TopicPartition, Any]:
    found: dict[TopicPartition, Any] = {}
    async with group_offsets_reader(settings) as reader:
        for tp in sorted(parts):
            with contextlib.suppress(Exception):
                found[tp] = await reader.committed(tp)
    return found


def _id_in_envelope(value: bytes | None) -> str | None:
    with contextlib.suppress(Exception):
        return str(orjson.loads(value or b"{}")["id"])
    return None


async def trace_missing(
    settings: Settings, id_of: dict[bytes, str], missing: set[str]
) -> list[str]:
    """One line per sighting of a missing article, then the committed offset of its partition."""
    bootstrap = settings.bootstrap_servers
    hops = (
        (settings.topic_raw, lambda m: id_of.get(m.key or b"")),
        (settings.internal("by-source"), lambda m: _id_in_envelope(m.value)),
        (settings.internal("sequenced"), lambda m: (m.key or b"").decode(errors="replace")),
        (settings.topic_clean, lambda m: (m.key or b"").decode(errors="replace")),
        (settings.topic_dlq, lambda m: id_of.get(m.key or b"")),
    )
    seen: dict[str, list[tuple[str, int, int]]] = {article: [] for article in missing}
    for topic, article_of in hops:
        for message in await _read(bootstrap, topic):
            article = article_of(message)
            if article in seen:
                seen[article].append((topic, message.partition, message.offset))
    parts = {TopicPartition(t, p) for sightings in seen.values() for t, p, _ in sightings}
    committed = await _committed(settings, parts)
    lines = []
    for article, sightings in sorted(seen.items()):
        where = ", ".join(
            f"{t}[{p}]@{o} (committed {committed.get(TopicPartition(t, p))})"
            for t, p, o in sightings
        )
        lines.append(f"{article}: {where or 'nowhere'}")
    return lines
