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

refetch_gaps
    Tansu race (the loss in docs/reliability.md, cause 7): when two producers write one
    partition at once, a consumer fetching at the head of it is sometimes answered with the
    later producer's records before the earlier one's are visible
    (`scripts/tansu_head_fetch_probe.py`: holes of 2-3 offsets in 5 of 9 runs of 8,000 records,
    every record there when the partition is read again). aiokafka takes the answer and moves
    its position past the hole, and faust counts the hole as acknowledged: committed, never
    processed. syndic's internal topics are written by every worker at once, so in a 2-worker
    group this lost an article now and then.
    Fix: for the topics named, a fetch answer that skips offsets is cut at the hole and the
    position stays there, so the next fetch asks again; a hole still there after a second
    (`_HOLE_PATIENCE_S`) is believed. On Apache Kafka only compaction and transaction markers
    leave holes, and the named topics have neither, so it never triggers there.

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
import logging
import time
from collections.abc import Iterable, Iterator
from typing import Any

log = logging.getLogger("syndic.stream")


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


_GAP_TOPICS: set[str] = set()
_GAPS_SEEN: dict[Any, tuple[int, float]] = {}  # partition -> (hole's first offset, first seen)
_HOLE_PATIENCE_S = 1.0


def refetch_gaps(topics: Iterable[str]) -> None:
    """Refetch instead of skipping a hole in these topics' fetch answers (module docstring)."""
    from aiokafka.consumer.fetcher import PartitionRecords

    _GAP_TOPICS.update(topics)
    unpack = PartitionRecords._unpack_records
    unpack = getattr(unpack, "__wrapped__", unpack)

    @functools.wraps(unpack)
    def unpack_without_holes(self: Any) -> Iterator[Any]:
        records = unpack(self)
        if self._tp.topic not in _GAP_TOPICS:
            yield from records
            return
        expected = self.next_fetch_offset
        for record in records:
            if record.offset > expected and not _hole_is_real(self._tp, expected):
                self.next_fetch_offset = expected
                return
            expected = record.offset + 1
            yield record

    PartitionRecords._unpack_records = unpack_without_holes


def _hole_is_real(partition: Any, offset: int) -> bool:
    """True once a hole at `offset` has been seen for `_HOLE_PATIENCE_S`."""
    now = time.monotonic()
    seen = _GAPS_SEEN.get(partition)
    if seen is None or seen[0] != offset:
        _GAPS_SEEN[partition] = (offset, now)
        log.info(
            "%s: the fetch answer skipped offsets after %d; fetching it again", partition, offset
        )
        return False
    if now - seen[1] < _HOLE_PATIENCE_S:
        return False
    del _GAPS_SEEN[partition]
    return True


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
