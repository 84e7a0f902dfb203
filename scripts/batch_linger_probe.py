"""Does aiokafka let a batch handed to `send_batch` linger, and does closing it first help?

    .venv/bin/python scripts/batch_linger_probe.py [--batches 300]

On a fresh embedded Tansu, one producer (acks=all) sends batches of three 3 KB records to a
one-partition topic, one every ~5 ms, each awaited, with linger 5 and 0 ms, the batch left open
or closed before `send_batch`. Prints p50/p99 of the acknowledgement. aiokafka's accumulator
holds an open batch for the linger time (`MessageBatch.remaining_linger`), closed or full ones
not. `stream/publishing.py` leaves its batches open: closing them cut the
acknowledgement but not the end-to-end latency (BENCHMARKS.md, "Closing the batches").
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from aiokafka import AIOKafkaProducer
from tansu_fetch_hold_probe import one_partition_topic  # this script's folder is on the path

from syndic.broker import embedded_broker


async def probe(bootstrap: str, linger_ms: int, close: bool, batches: int) -> str:
    topic = f"linger-{linger_ms}-{'closed' if close else 'open'}"
    await one_partition_topic(bootstrap, topic)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=linger_ms)
    await producer.start()
    acks: list[float] = []
    try:
        for _ in range(batches):
            batch = producer.create_batch()
            for _ in range(3):
                batch.append(key=b"k", value=b"x" * 3000, timestamp=None)
            if close:
                batch.close()
            sent = time.monotonic()
            await (await producer.send_batch(batch, topic, partition=0))
            acks.append((time.monotonic() - sent) * 1000)
            await asyncio.sleep(0.005)
    finally:
        await producer.stop()
    cuts = statistics.quantiles(acks, n=100, method="inclusive")
    state = "closed" if close else "open  "
    return f"linger {linger_ms} ms, batch {state}: ack p50 {cuts[49]:.2f} / p99 {cuts[98]:.2f} ms"


async def main(batches: int) -> None:
    with embedded_broker() as broker:
        for linger_ms in (5, 0):
            for close in (False, True):
                print(await probe(broker.bootstrap, linger_ms, close, batches), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=300)
    asyncio.run(main(parser.parse_args().batches))
