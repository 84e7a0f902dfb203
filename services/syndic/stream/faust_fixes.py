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
"""

from __future__ import annotations

import asyncio
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
