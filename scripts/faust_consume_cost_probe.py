"""What faust costs per consumed record, with its Monitor sensor and with the Monitor's hooks
made no-ops, against a plain aiokafka consumer.

    .venv/bin/python scripts/faust_consume_cost_probe.py [--records 10000] [--rounds 2]

A fresh embedded Tansu; per run a new 8-partition topic preloaded with 3 KB records, then one
consumer process drains it: faust's Worker with an agent that takes batches
(`take_events(200, within=0.01)`) and does nothing else, or aiokafka's `getmany` with a
commit per batch. Prints the process's CPU seconds from its first batch to its last
(BENCHMARKS.md, "How throughput grows" and the results of 2026-12-03).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PARTITIONS = 8


def drain_with_faust(
    bootstrap: str, topic: str, records: int, quiet_monitor: bool, out: str
) -> None:
    import faust
    from faust.sensors.monitor import Monitor

    options: dict[str, Any] = {}
    if quiet_monitor:
        options["Monitor"] = _quiet(Monitor)
    app = faust.App(
        f"probe-{topic}", broker=f"kafka://{bootstrap}", broker_session_timeout=5.0,
        web_enabled=False, **options,
    )  # fmt: skip
    source = app.topic(topic, key_type=bytes, value_type=bytes, key_serializer="raw",
                       value_serializer="raw")  # fmt: skip
    seen = {"records": 0, "started": 0.0}

    @app.agent(source)
    async def drain(stream: Any) -> None:
        async for events in stream.take_events(200, within=0.01):
            if not seen["records"]:
                seen["started"] = time.process_time()
            seen["records"] += len(events)
            if seen["records"] >= records:
                _write(out, time.process_time() - seen["started"])
                os._exit(0)

    sys.argv = [sys.argv[0], "worker"]
    faust.Worker(app, loglevel="warning", quiet=True).execute_from_commandline()


def _quiet(monitor: type) -> type:
    """The Monitor with every per-event and per-operation hook doing nothing."""
    lifecycle = {"on_init", "on_first_start", "on_start", "on_started", "on_restart",
                 "on_stop", "on_shutdown", "on_init_dependencies"}  # fmt: skip
    hooks = {
        name: (lambda self, *args, **kwargs: None)
        for name in dir(monitor)
        if name.startswith("on_") and name not in lifecycle
        and callable(getattr(monitor, name))
        and not asyncio.iscoroutinefunction(getattr(monitor, name))
    }  # fmt: skip
    return type("QuietMonitor", (monitor,), hooks)


async def drain_with_aiokafka(bootstrap: str, topic: str, records: int, out: str) -> None:
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=f"probe-{topic}",
        auto_offset_reset="earliest", enable_auto_commit=False,
    )  # fmt: skip
    await consumer.start()
    try:
        count, started = 0, 0.0
        while count < records:
            batches = await consumer.getmany(timeout_ms=500, max_records=500)
            if batches and not count:
                started = time.process_time()
            count += sum(len(messages) for messages in batches.values())
            if batches:
                await consumer.commit()
        _write(out, time.process_time() - started)
    finally:
        await consumer.stop()


def _write(path: str, cpu_seconds: float) -> None:
    """faust sends a worker's stdout to its log: the figure goes to a file instead."""
    with open(path, "w") as file:
        file.write(f"{cpu_seconds:.4f}")


async def preload(bootstrap: str, topic: str, records: int) -> None:
    from aiokafka import AIOKafkaProducer
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, PARTITIONS, 1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5,
                                max_batch_size=256 * 1024)  # fmt: skip
    await producer.start()
    try:
        value = b"x" * 3000
        sent = [await producer.send(topic, value, key=str(i).encode(), partition=i % PARTITIONS)
                for i in range(records)]  # fmt: skip
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--drain", nargs=4, metavar=("BOOTSTRAP", "TOPIC", "WAY", "OUT"),
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args()
    if args.drain:
        bootstrap, topic, way, out = args.drain
        if way == "aiokafka":
            asyncio.run(drain_with_aiokafka(bootstrap, topic, args.records, out))
        else:
            drain_with_faust(bootstrap, topic, args.records, way == "faust-quiet", out)
        return
    from syndic.broker import embedded_broker

    with embedded_broker() as broker, tempfile.TemporaryDirectory() as folder:
        for round_number in range(1, args.rounds + 1):
            for way in ("faust", "faust-quiet", "aiokafka"):
                topic = f"probe-{round_number}-{way}"
                out = Path(folder) / topic
                asyncio.run(preload(broker.bootstrap, topic, args.records))
                subprocess.run(
                    [sys.executable, __file__, "--records", str(args.records),
                     "--drain", broker.bootstrap, topic, way, str(out)],
                    capture_output=True, timeout=300,
                )  # fmt: skip
                cpu = float(out.read_text()) if out.exists() else float("nan")
                per_record = 1000 * cpu / args.records
                print(f"round {round_number} {way:12} {cpu:.3f} CPU s ({per_record:.3f} ms "
                      "per record)", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
