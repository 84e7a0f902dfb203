"""Where did a missing article stop? Follows it through syndic's topics after a failed run.

A run that ends with articles missing says little by itself: lost (committed, never processed),
stuck (never committed, never processed) and dead-lettered look the same from the output topic.
This reads each hop (raw, by-source, sequenced, clean, and the dead-letter topic, keyed by the
raw key; an internal hop's record is opened, as it holds several articles) and the group's
committed offsets, so the report says which stage held the article last and whether its offset
was committed past it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from aiokafka import TopicPartition

from syndic.client import consume, group_offsets_reader
from syndic.settings import Settings
from syndic.stream.packing import unpack


async def _committed(settings: Settings, parts: set[TopicPartition]) -> dict[TopicPartition, Any]:
    found: dict[TopicPartition, Any] = {}
    async with group_offsets_reader(settings) as reader:
        for tp in sorted(parts):
            with contextlib.suppress(Exception):
                found[tp] = await reader.committed(tp)
    return found


def _ids_in_envelopes(value: bytes | None) -> list[str]:
    with contextlib.suppress(Exception):
        return [str(envelope["id"]) for envelope in unpack(value)]
    return []


def _ids_in_prepared(value: bytes | None) -> list[str]:
    with contextlib.suppress(Exception):
        return [str(item["article"]["id"]) for item in unpack(value)]
    return []


def _key(message: Any) -> list[str]:
    return [(message.key or b"").decode(errors="replace")]


async def trace_missing(
    settings: Settings, id_of: dict[bytes, str], missing: set[str]
) -> list[str]:
    """One line per sighting of a missing article, then the committed offset of its partition."""
    hops: tuple[tuple[str, Callable[[Any], list[str]]], ...] = (
        (settings.topic_raw, lambda m: [id_of.get(m.key or b"", "")]),
        (settings.internal("by-source"), lambda m: _ids_in_envelopes(m.value)),
        (settings.internal("sequenced"), lambda m: _ids_in_prepared(m.value)),
        (settings.topic_clean, _key),
        (settings.topic_dlq, lambda m: [id_of.get(m.key or b"", "")]),
    )
    seen: dict[str, list[tuple[str, int, int]]] = {article: [] for article in missing}
    for topic, articles_of in hops:
        async for message in consume(settings, [topic], idle_timeout=1.2):
            for article in articles_of(message):
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
