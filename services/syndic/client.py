"""Plain aiokafka clients for the people around the topics: produce files, tail topics."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from syndic.security import aiokafka_kwargs
from syndic.settings import Settings


@dataclass
class ProduceReport:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def records_from_paths(paths: Iterable[Path]) -> Iterator[tuple[str, bytes]]:
    """(where, value) for each record: a .jsonl line, or a text file as {"source", "text"}."""
    for path in paths:
        if path.is_dir():
            yield from records_from_paths(sorted(p for p in path.rglob("*") if p.is_file()))
        elif path.suffix in {".jsonl", ".ndjson"}:
            with path.open("rb") as handle:
                for number, line in enumerate(handle, start=1):
                    if line.strip():
                        yield f"{path}:{number}", line.rstrip(b"\r\n")
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
            yield str(path), orjson.dumps({"source": path.name, "text": text})


async def produce(
    settings: Settings, records: Iterable[tuple[str, bytes]], on_sent=None
) -> ProduceReport:
    report = ProduceReport()
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers,
        acks="all",
        max_request_size=settings.message_bytes,
        linger_ms=5,
        **aiokafka_kwargs(settings),
    )
    await producer.start()
    try:
        pending = []
        for where, value in records:
            pending.append((where, await producer.send(settings.topic_raw, value=value)))
        for where, future in pending:
            try:
                await future
                report.sent += 1
            except Exception as exc:
                report.failed += 1
                report.errors.append(f"{where}: {exc}")
            if on_sent is not None:
                on_sent()
    finally:
        await producer.stop()
    return report


@dataclass(frozen=True, slots=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp_ms: int


async def consume(
    settings: Settings,
    topics: list[str],
    *,
    from_beginning: bool = True,
    idle_timeout: float | None = None,
    limit: int | None = None,
) -> AsyncIterator[Record]:
    """Read topics without a group (nothing is committed); stop after `idle_timeout` of quiet."""
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=settings.bootstrap_servers,
        group_id=None,
        auto_offset_reset="earliest" if from_beginning else "latest",
        enable_auto_commit=False,
        fetch_max_bytes=50 * 1024 * 1024,
        # a partition whose next record is larger than this stalls on Tansu (Apache Kafka
        # returns an oversized first batch anyway), so it fits the largest record syndic writes
        max_partition_fetch_bytes=settings.message_bytes,
        **aiokafka_kwargs(settings),
    )
    await consumer.start()
    seen = 0
    last = time.monotonic()
    try:
        while limit is None or seen < limit:
            batches = await consumer.getmany(timeout_ms=200, max_records=500)
            if not batches:
                if idle_timeout is not None and time.monotonic() - last > idle_timeout:
                    return
                await asyncio.sleep(0)
                continue
            last = time.monotonic()
            for tp, messages in batches.items():
                for m in messages:
                    yield Record(tp.topic, tp.partition, m.offset, m.key, m.value, m.timestamp)
                    seen += 1
    finally:
        await consumer.stop()


@contextlib.asynccontextmanager
async def group_offsets_reader(settings: Settings) -> AsyncIterator[AIOKafkaConsumer]:
    """A started consumer carrying syndic's group id that never subscribes (it joins nothing and
    commits nothing): ask it `committed(tp)`. aiokafka's admin OffsetFetch cannot decode
    Tansu's answer, so this is how the harnesses read the group's committed offsets."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers,
        group_id=settings.app_id,
        enable_auto_commit=False,
        **aiokafka_kwargs(settings),
    )
    await consumer.start()
    try:
        yield consumer
    finally:
        await consumer.stop()
