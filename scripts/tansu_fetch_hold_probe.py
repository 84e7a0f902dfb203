"""How long does Tansu hold a fetch when records arrive meanwhile, by the fetch wait?

    .venv/bin/python scripts/tansu_fetch_hold_probe.py [--records 400] [--waits 500,100,20,5]

For each fetch wait, a fresh embedded Tansu; one aiokafka producer (acks=all) sends a 3 KB
record every 6 ms to a one-partition topic while a consumer with that fetch wait reads at the
head. Prints p50/p99 of (time the consumer got the record - the record's timestamp) and of the
producer's acknowledgement, with linger 0 and 5 ms. Apache Kafka answers a fetch as soon as
`fetch_min_bytes` are there; Tansu answers after about a quarter of the wait at the median
(BENCHMARKS.md, "Latency by hop").
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from syndic.broker import embedded_broker

TOPIC = "hold"


def p50_p99(values: list[float]) -> str:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return f"{cuts[49]:.1f} / {cuts[98]:.1f}"


async def one_partition_topic(bootstrap: str, name: str) -> None:
    """Created explicitly: Tansu would auto-create it with 4 partitions."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, 1, 1)])
    finally:
        await admin.close()


async def probe(bootstrap: str, wait_ms: int, linger_ms: int, records: int) -> str:
    await one_partition_topic(bootstrap, TOPIC)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=linger_ms)
    consumer = AIOKafkaConsumer(
        TOPIC, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest",
        fetch_max_wait_ms=wait_ms,
    )  # fmt: skip
    await producer.start()
    await consumer.start()
    seen: list[float] = []
    acks: list[float] = []

    async def read() -> None:
        while len(seen) < records:
            batches = await consumer.getmany(timeout_ms=1000)
            now_ms = time.time() * 1000
            seen.extend(now_ms - m.timestamp for ms in batches.values() for m in ms)

    async def acknowledged(future: asyncio.Future[object], sent: float) -> None:
        await future
        acks.append((time.monotonic() - sent) * 1000)

    try:
        reading = asyncio.create_task(read())
        waits = []
        for _ in range(records):
            sent = time.monotonic()
            waits.append(
                asyncio.create_task(acknowledged(await producer.send(TOPIC, b"x" * 3000), sent))
            )
            await asyncio.sleep(0.006)
        await asyncio.gather(*waits)
        await asyncio.wait_for(reading, timeout=30)
    finally:
        await producer.stop()
        await consumer.stop()
    return (
        f"fetch wait {wait_ms:>4} ms, linger {linger_ms} ms: record to consumer p50/p99 "
        f"{p50_p99(seen)} ms; acknowledgement p50/p99 {p50_p99(acks)} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=400)
    parser.add_argument("--waits", default="500,100,20,5", help="fetch waits in ms")
    args = parser.parse_args()
    for wait_ms in (int(w) for w in args.waits.split(",")):
        for linger_ms in (0, 5):
            with embedded_broker() as broker:
                print(asyncio.run(probe(broker.bootstrap, wait_ms, linger_ms, args.records)))


if __name__ == "__main__":
    main()
