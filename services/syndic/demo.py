"""`syndic demo`: the whole service on one machine, from raw posts to a table of verdicts."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

from syndic.admin import create_topics
from syndic.broker import EmbeddedBroker, free_port
from syndic.client import consume, produce
from syndic.samples.demo import demo_records
from syndic.settings import Settings, load_settings

console = Console(width=max(Console().width, 120))


@contextlib.contextmanager
def worker_process(settings: Settings, web_port: int) -> Iterator[subprocess.Popen[bytes]]:
    """A `syndic worker` subprocess, stopped with SIGTERM (then SIGKILL) on the way out."""
    env = {**os.environ, "SYNDIC_LOG_LEVEL": os.environ.get("SYNDIC_LOG_LEVEL", "warning")}
    command = [sys.executable, "-m", "syndic", "worker", "--broker", settings.broker,
               "--web-port", str(web_port)]  # fmt: skip
    process = subprocess.Popen(command, env=env)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def collect_outputs(
    settings: Settings, expected: int, timeout: float
) -> list[dict[str, Any]]:
    """Clean and DLQ records until `expected` arrived or the deadline passed."""
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout

    async def gather() -> None:
        async for record in consume(settings, [settings.topic_clean, settings.topic_dlq]):
            found.append({"topic": record.topic, **orjson.loads(record.value or b"{}")})
            if len(found) >= expected:
                return

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(gather(), timeout=max(1.0, deadline - time.monotonic()))
    return found


def _verdict(dedup: dict[str, Any]) -> str:
    return f"{dedup['status']} (late)" if dedup.get("late") else str(dedup["status"])


def verdict_table(outputs: list[dict[str, Any]]) -> Table:
    table = Table(title="What syndic published")
    for column in ("id", "source", "title", "verdict", "duplicate_of", "story_id"):
        table.add_column(column)
    for out in sorted(
        outputs, key=lambda o: (o["topic"] != "articles.clean", o.get("sequence") or 0)
    ):
        if "dedup" in out:
            table.add_row(out["id"], out["source"], (out.get("title") or "")[:48],
                          _verdict(out["dedup"]), out["dedup"]["duplicate_of"] or "",
                          out["story_id"])  # fmt: skip
        else:
            table.add_row("-", "(dead-letter)", out["message"][:48], out["reason"], "", "")
    return table


def run_demo(broker: str | None, *, timeout: float = 120.0) -> int:
    configured = broker or os.environ.get("SYNDIC_BROKER")
    embedded = None if configured else EmbeddedBroker().start()
    try:
        settings = load_settings(overrides={"broker": configured or embedded.bootstrap})  # type: ignore[union-attr]
        where = "embedded Tansu broker" if embedded else "configured broker"
        console.print(f"[bold]syndic demo[/bold] on the {where} at {settings.bootstrap_servers}")
        asyncio.run(create_topics(settings))
        records = demo_records()
        with worker_process(settings, free_port()):
            report = asyncio.run(produce(settings, [("demo", r) for r in records]))
            console.print(
                f"posted {report.sent} records to {settings.topic_raw}; waiting for the worker"
            )
            outputs = asyncio.run(collect_outputs(settings, len(records), timeout))
        console.print(verdict_table(outputs))
        if len(outputs) < len(records):
            console.print(f"[red]only {len(outputs)} of {len(records)} records came out[/red]")
            return 1
        console.print(
            "every record came out: clean events on articles.clean, rejects on articles.dlq"
        )
        return 0
    finally:
        if embedded is not None:
            embedded.stop()
