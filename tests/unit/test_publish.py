"""What an agent publishes per batch: changelog and outputs, every send acknowledged, counted."""

from __future__ import annotations

import asyncio
from typing import Any

from prometheus_client import CollectorRegistry

from syndic.metrics import Metrics
from syndic.settings import load_settings
from syndic.stream.app import build_app
from syndic.stream.stages import OutMessage


class RecordingProducer:
    """Stands in for faust's producer: records each send and hands back its acknowledgement."""

    def __init__(self) -> None:
        self.sent: list[tuple[Any, ...]] = []
        self.acks: list[asyncio.Future[None]] = []

    async def send(self, *record: Any) -> asyncio.Future[None]:
        self.sent.append(record)
        ack: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.acks.append(ack)
        return ack


def test_publish_sends_the_changelog_first_waits_for_every_ack_and_counts_only_outputs():
    metrics = Metrics(CollectorRegistry())
    app = build_app(load_settings(env={}), metrics)
    producer = RecordingProducer()
    app.faust.producer = producer
    outputs = [
        OutMessage("articles.clean", b"a", b"{}"),
        OutMessage("articles.unique", b"a", b"{}"),
    ]
    changelog = [OutMessage("syndic-dedup-state-changelog", b'"d:a"', b"{}", 0)]

    async def run() -> bool:
        publishing = asyncio.create_task(app.publish(outputs, changelog=changelog))
        for _ in range(1000):  # a bounded wait for the three sends
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
    assert [r[0] for r in producer.sent] == [
        "syndic-dedup-state-changelog",
        "articles.clean",
        "articles.unique",
    ]
    assert producer.sent[0][3] == 0  # the changelog record keeps its store's partition
    sample = metrics.registry.get_sample_value
    assert sample("syndic_articles_out_total", {"topic": "articles.clean"}) == 1
    assert sample("syndic_articles_out_total", {"topic": "syndic-dedup-state-changelog"}) is None
