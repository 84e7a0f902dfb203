"""Does a consumer at the head of a partition see every record when two producers write it?

    .venv/bin/python scripts/tansu_head_fetch_probe.py [--rate 200] [--seconds 20] [--refetch]

Starts an embedded Tansu, has two aiokafka producers send 3 KB records to one partition at
`--rate` each, and a consumer (20 ms fetch wait) read at the head. Prints the holes the consumer
jumped and the offsets it never saw, which a second read from the start does find. With
`--refetch`, syndic's `refetch_gaps` fix is installed for the topic (docs/reliability.md, 7).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from syndic.broker import EmbeddedBroker

TOPIC = "probe"


async def produce(bootstrap: str, name: int, rate: float, seconds: float) -> int:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    value = os.urandom(1500).hex().encode()
    started, sent, pending = time.monotonic(), 0, []
    while time.monotonic() - started < seconds:
        while sent < int((time.monotonic() - started) * rate):
            pending.append(await producer.send(TOPIC, value, key=f"{name}-{sent}".encode()))
            sent += 1
        await asyncio.sleep(0.005)
    await asyncio.gather(*pending)
    await producer.stop()
    return sent


async def read_all(bootstrap: str, partition: TopicPartition) -> list[int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    consumer.assign([partition])
    consumer.seek(partition, 0)
    offsets: list[int] = []
    while batch := await consumer.getmany(timeout_ms=1000):
        offsets += [record.offset for records in batch.values() for record in records]
    await consumer.stop()
    return offsets


async def probe(bootstrap: str, rate: float, seconds: float) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(TOPIC, 1, 1)])
    await admin.close()
    partition = TopicPartition(TOPIC, 0)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, fetch_max_wait_ms=20, enable_auto_commit=False
    )
    await consumer.start()
    consumer.assign([partition])
    consumer.seek(partition, 0)
    seen: list[int] = []
    holes: list[tuple[int, int]] = []

    async def tail() -> None:
        while True:
            batch = await consumer.getmany(timeout_ms=100)
            for record in (r for records in batch.values() for r in records):
                if seen and record.offset != seen[-1] + 1:
                    holes.append((seen[-1], record.offset))
                seen.append(record.offset)

    tailing = asyncio.create_task(tail())
    sent = sum(await asyncio.gather(*(produce(bootstrap, n, rate, seconds) for n in (0, 1))))
    await asyncio.sleep(2)
    tailing.cancel()
    await consumer.stop()
    stored = await read_all(bootstrap, partition)
    never_seen = sorted(set(stored) - set(seen))
    print(f"sent {sent}, stored {len(stored)}, seen at the head {len(seen)}")
    print(f"holes jumped: {holes[:10]}; stored but never seen: {never_seen[:10]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=200.0, help="records/s per producer")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--refetch", action="store_true", help="install syndic's fix")
    args = parser.parse_args()
    if args.refetch:
        from syndic.stream.faust_fixes import refetch_gaps

        refetch_gaps([TOPIC])
    broker = EmbeddedBroker().start()
    try:
        asyncio.run(probe(broker.bootstrap, args.rate, args.seconds))
    finally:
        broker.stop()


if __name__ == "__main__":
    main()
