"""The bench's account of a missing article: which hop held it last, and what was committed."""

from __future__ import annotations

import asyncio

import orjson
from aiokafka import AIOKafkaProducer

from syndic.benchmarks.trace import trace_missing
from tests.conftest import isolated_settings, make_topics


async def _write(bootstrap: str, records: list[tuple[str, bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for topic, key, value in records:
            await producer.send_and_wait(topic, key=key, value=value, partition=0)
    finally:
        await producer.stop()


def test_a_missing_article_is_traced_to_the_last_hop_that_held_it(tansu):
    settings = isolated_settings(tansu)
    make_topics(settings)
    envelope = orjson.dumps({"id": "art-1", "value": "{}"})
    asyncio.run(
        _write(
            settings.bootstrap_servers,
            [
                (settings.topic_raw, b"raw-key-1", b"{}"),
                (settings.internal("by-source"), b"source-a", envelope),
                (settings.topic_dlq, b"raw-key-3", b"{}"),
            ],
        )
    )
    id_of = {b"raw-key-1": "art-1", b"raw-key-2": "art-2", b"raw-key-3": "art-3"}
    lines = asyncio.run(trace_missing(settings, id_of, {"art-1", "art-2", "art-3"}))
    assert lines == [
        f"art-1: {settings.topic_raw}[0]@0 (committed None), "
        f"{settings.internal('by-source')}[0]@0 (committed None)",
        "art-2: nowhere",
        f"art-3: {settings.topic_dlq}[0]@0 (committed None)",
    ]
