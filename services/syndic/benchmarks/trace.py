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
from aiokafka import TopicPartition

from syndic.client import consume, group_offsets_reader
from syndic.settings import Settings


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
    hops = (
        (settings.topic_raw, lambda m: id_of.get(m.key or b"")),
        (settings.internal("by-source"), lambda m: _id_in_envelope(m.value)),
        (settings.internal("sequenced"), lambda m: (m.key or b"").decode(errors="replace")),
        (settings.topic_clean, lambda m: (m.key or b"").decode(errors="replace")),
        (settings.topic_dlq, lambda m: id_of.get(m.key or b"")),
    )
    seen: dict[str, list[tuple[str, int, int]]] = {article: [] for article in missing}
    for topic, article_of in hops:
        async for message in consume(settings, [topic], idle_timeout=1.2):
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
