"""Workarounds for faust internals that can lose data or stall; each says why it is safe.

(The changelog writes that faust's producer buffer could leave unsent, docs/reliability.md
cause 1, no longer use that buffer: see `table_store.py`.)

seek_between_batches
    faust race (the loss in docs/reliability.md, cause 2): after a rebalance, faust resumes the
    stream partitions and only then seeks them to their committed offsets (`perform_seek`),
    while its fetch loop runs. A batch fetched before the seek and still being delivered after
    it arrives with offsets beyond the new read offset; faust records the difference as a gap,
    counts the gap as acknowledged at the next commit, and drops the same offsets when they are
    fetched again (they are now below its read offset). Committed, never processed: lost.
    Fix: a batch is delivered whole before a seek, and a seek completes before the next batch
    is fetched (a task-reentrant lock around `getmany` and `perform_seek`; faust's `getmany`
    may itself seek). Records fetched before the seek are delivered under the old read offset
    and fetched again after it: duplicates, which at-least-once allows, and no gap.
    Safe on Apache Kafka: it only orders two things faust already does; a seek may wait for
    the batch in flight, which during a rebalance ends at once (flow is stopped).

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
from typing import Any


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


class _TaskLock:
    """An asyncio lock the task holding it may take again (faust's getmany calls perform_seek)."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None
        self._depth = 0

    async def acquire(self) -> None:
        task = asyncio.current_task()
        if self._owner is not task:
            await self._lock.acquire()
            self._owner = task
        self._depth += 1

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._owner = None
            self._lock.release()


def _seek_lock(consumer: Any) -> _TaskLock:
    lock = consumer.__dict__.get("_syndic_seek_lock")
    if lock is None:
        lock = consumer.__dict__["_syndic_seek_lock"] = _TaskLock()
    return lock


def seek_between_batches() -> None:
    """Install the ordering of faust's batch delivery and seeks (see the module docstring)."""
    from faust.transport.consumer import Consumer

    getmany = getattr(Consumer.getmany, "__wrapped__", Consumer.getmany)
    perform_seek = getattr(Consumer.perform_seek, "__wrapped__", Consumer.perform_seek)

    @functools.wraps(getmany)
    async def getmany_whole(self: Any, timeout: float) -> Any:
        lock = _seek_lock(self)
        await lock.acquire()
        try:
            async for item in getmany(self, timeout):
                yield item
        finally:
            lock.release()

    @functools.wraps(perform_seek)
    async def seek_between(self: Any) -> None:
        lock = _seek_lock(self)
        await lock.acquire()
        try:
            await perform_seek(self)
        finally:
            lock.release()

    Consumer.getmany = getmany_whole
    Consumer.perform_seek = seek_between
