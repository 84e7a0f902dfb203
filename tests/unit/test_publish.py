"""What an agent publishes per batch: changelog and outputs, every send acknowledged, counted."""

from __future__ import annotations

import asyncio
from typing import Any

from prometheus_client import CollectorRegistry

from syndic.metrics import Metrics
from syndic.settings import load_settings
from syndic.stream.app import build_app
from syndic.stream.packing import key_partitioner
from syndic.stream.publishing import send_in_batches
from syndic.stream.stages import OutMessage


class RecordingBatch:
    """Stands in for aiokafka's BatchBuilder: holds up to `room` records."""

    def __init__(self, room: int) -> None:
        self.room = room
        self.records: list[tuple[bytes, bytes | None]] = []

    def append(self, *, key: bytes, value: bytes | None, timestamp: None) -> object | None:
        if self.records and len(self.records) >= self.room:
            return None
        self.records.append((key, value))
        return object()


class RecordingProducer:
    """Stands in for the aiokafka producer: records each batch and hands back its ack."""

    def __init__(self, room: int = 100, partitions: int = 4) -> None:
        self.room = room
        self.partitions = partitions
        self.sent: list[tuple[str, int, list[tuple[bytes, bytes | None]]]] = []
        self.acks: list[asyncio.Future[None]] = []

    def create_batch(self) -> RecordingBatch:
        return RecordingBatch(self.room)

    async def partitions_for(self, topic: str) -> set[int]:
        return set(range(self.partitions))

    async def send_batch(
        self, batch: RecordingBatch, topic: str, *, partition: int
    ) -> asyncio.Future[None]:
        self.sent.append((topic, partition, batch.records))
        ack: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.acks.append(ack)
        return ack


def _app_with(producer: RecordingProducer, metrics: Metrics) -> Any:
    app = build_app(load_settings(env={}), metrics)
    app.kafka_producer = lambda: producer
    return app


def test_publish_sends_the_changelog_first_waits_for_every_ack_and_counts_only_outputs():
    metrics = Metrics(CollectorRegistry())
    producer = RecordingProducer()
    app = _app_with(producer, metrics)
    outputs = [
        OutMessage("articles.clean", b"a", b"{}"),
        OutMessage("articles.unique", b"a", b"{}"),
    ]
    changelog = [OutMessage("syndic-dedup-state-changelog", b'"d:a"', b"{}", 0)]

    async def run() -> bool:
        publishing = asyncio.create_task(app.publish(outputs, changelog=changelog))
        for _ in range(1000):  # a bounded wait for the three batches
            if len(producer.acks) == 3:
                break
            await asyncio.sleep(0)
        assert len(producer.acks) == 3
        for ack in producer.acks[:2]:
            ack.set_result(None)
        await asyncio.sleep(0)
        waiting = not publishing.done()
        producer.acks[2].set_result(None)
        await publishing
        return waiting

    assert asyncio.run(run()) is True  # not done while one acknowledgement was missing
    assert [(topic, partition) for topic, partition, _ in producer.sent] == [
        ("syndic-dedup-state-changelog", 0),  # the changelog record keeps its store's partition
        ("articles.clean", key_partitioner(4)(b"a")),
        ("articles.unique", key_partitioner(4)(b"a")),
    ]
    sample = metrics.registry.get_sample_value
    assert sample("syndic_articles_out_total", {"topic": "articles.clean"}) == 1
    assert sample("syndic_articles_out_total", {"topic": "syndic-dedup-state-changelog"}) is None


def test_records_go_to_their_keys_partitions_in_order_and_a_full_batch_starts_another():
    producer = RecordingProducer(room=2, partitions=3)
    records = [OutMessage("articles.clean", f"k{i}".encode(), f"v{i}".encode()) for i in range(9)]
    asyncio.run(send_in_batches(producer, records))
    choose = key_partitioner(3)
    expected: dict[int, list[tuple[bytes, bytes | None]]] = {}
    for record in records:
        expected.setdefault(choose(record.key), []).append((record.key, record.value))
    sent: dict[int, list[tuple[bytes, bytes | None]]] = {}
    for topic, partition, batch in producer.sent:
        assert topic == "articles.clean"
        assert 1 <= len(batch) <= 2
        sent.setdefault(partition, []).extend(batch)
    assert sent == expected
    assert len(producer.sent) == sum((len(v) + 1) // 2 for v in expected.values())
