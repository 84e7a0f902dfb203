"""Workarounds for faust internals that can lose data on a crash; each says why it is safe.

flush_changelog
    faust bug: a table write (`table[key] = value`) only puts the changelog record in the
    producer's buffer (`send_soon`), and `ProducerBuffer.flush()` gives up after 0.1 s without
    progress, returning while records are still buffered. Offsets are committed for acked
    events independently of that buffer.
    Symptom: a SIGKILL after the commit of a batch whose changelog records were still buffered
    loses that state; the restarted worker re-reads nothing (the offsets are committed) and
    decides later copies as new (a changed verdict, or a story split in two).
    Fix: before a batch is acked, loop until the buffer is empty, then flush aiokafka's
    producer, so every changelog record of the batch is acknowledged by the broker first.
    Safe on Apache Kafka: it only waits for sends faust makes anyway; the cost is one
    round trip per batch, which the outputs already pay.

set_worker_fetch_wait
    faust hard-codes `fetch_max_wait_ms=1500` for the worker's consumer, with no setting.
    Symptom: on Tansu, which holds a fetch for up to about half of that wait even when records
    arrive meanwhile, every hop between stages costs up to ~750 ms of latency, and a stage that
    has caught up with the one before it idles (BENCHMARKS.md, finding 1).
    Fix: wrap the factory of the worker consumer and set aiokafka's fetch wait (read when the
    consumer starts its fetcher) to the `fetch_wait_ms` setting. The wrap is process-wide, which
    is what a worker process wants; it is installed by `build_app`, never at import.
    Safe on Apache Kafka: it answers a fetch as soon as data is there, so a shorter wait only
    means more empty fetches when a partition is idle (10 a second at 100 ms).
"""

from __future__ import annotations

import asyncio
import functools
import time
from typing import Any


async def flush_changelog(app: Any, timeout: float = 60.0) -> None:
    """Wait until faust's producer buffer is empty and aiokafka has delivered everything."""
    producer = app.producer
    deadline = time.monotonic() + timeout
    while producer.buffer.size:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{producer.buffer.size} changelog records not sent in {timeout} s")
        await producer.buffer.flush()
        await asyncio.sleep(0)
    await producer.flush()


def set_worker_fetch_wait(milliseconds: int) -> None:
    """Make faust's worker consumers use this fetch wait instead of its fixed 1,500 ms."""
    from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

    factory = AIOKafkaConsumerThread._create_worker_consumer
    original = getattr(factory, "__wrapped__", factory)

    @functools.wraps(original)
    def create_worker_consumer(self: Any, transport: Any) -> Any:
        consumer = original(self, transport)
        consumer._fetch_max_wait_ms = milliseconds
        return consumer

    AIOKafkaConsumerThread._create_worker_consumer = create_worker_consumer
