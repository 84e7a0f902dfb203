"""`syndic demo`: the whole service on one machine, from raw posts to a table of verdicts."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

from syndic.admin import create_topics
from syndic.broker import EmbeddedBroker, die_with_parent, free_port
from syndic.client import consume, produce
from syndic.samples.demo import demo_waves
from syndic.settings import Settings, load_settings

console = Console(width=max(Console().width, 120))


@contextlib.contextmanager
def worker_process(settings: Settings, web_port: int) -> Iterator[subprocess.Popen[bytes]]:
    """A `syndic worker` subprocess, stopped with SIGTERM (then SIGKILL) on the way out."""
    env = {**os.environ, "SYNDIC_LOG_LEVEL": os.environ.get("SYNDIC_LOG_LEVEL", "warning")}
    command = [sys.executable, "-m", "syndic", "worker", "--broker", settings.broker,
               "--web-port", str(web_port)]  # fmt: skip
    # tables live in memory; the data directory faust insists on goes away with the demo
    scratch = None if settings.data_dir else tempfile.TemporaryDirectory(prefix="syndic-demo-")
    if scratch is not None:
        command += ["--data-dir", scratch.name]
    process = subprocess.Popen(command, env=env, preexec_fn=die_with_parent)
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
        if scratch is not None:
            scratch.cleanup()


async def collect_outputs(
    settings: Settings, posted: list[bytes], timeout: float
) -> list[dict[str, Any]]:
    """The clean event (first per id) or DLQ record of each posted record, or fewer at the
    deadline. Records from earlier runs on the same topics are skipped."""
    ids = {str(orjson.loads(r)["id"]) for r in posted if _is_json_object(r)}
    rejects = {base64.b64encode(r).decode() for r in posted if not _is_json_object(r)}
    clean: dict[str, dict[str, Any]] = {}
    dead: dict[str, dict[str, Any]] = {}

    async def gather() -> None:
        async for record in consume(settings, [settings.topic_clean, settings.topic_dlq]):
            value = orjson.loads(record.value or b"{}")
            if record.topic == settings.topic_clean and value.get("id") in ids:
                clean.setdefault(value["id"], {"topic": record.topic, **value})
            elif value.get("original_b64") in rejects:
                dead[value["original_b64"]] = {"topic": record.topic, **value}
            if len(clean) == len(ids) and len(dead) == len(rejects):
                return

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(gather(), timeout=timeout)
    return [*clean.values(), *dead.values()]


def _is_json_object(record: bytes) -> bool:
    try:
        return isinstance(orjson.loads(record), dict)
    except orjson.JSONDecodeError:
        return False


def _verdict(dedup: dict[str, Any]) -> str:
    return f"{dedup['status']} (late)" if dedup.get("late") else str(dedup["status"])


def verdict_table(outputs: list[dict[str, Any]]) -> Table:
    table = Table(title="What syndic published")
    for column in ("id", "source", "title", "verdict", "duplicate_of", "story_id"):
        table.add_column(column, no_wrap=column != "title")
    table.columns[2].max_width = 40
    table.columns[2].overflow = "ellipsis"
    table.columns[2].no_wrap = True
    for out in sorted(outputs, key=lambda o: ("dedup" not in o, o.get("sequence") or 0)):
        if "dedup" in out:
            table.add_row(out["id"], out["source"], (out.get("title") or "")[:48],
                          _verdict(out["dedup"]), out["dedup"]["duplicate_of"] or "",
                          out["story_id"])  # fmt: skip
        else:
            table.add_row("-", "(dead-letter)", out["message"][:48], out["reason"], "", "")
    return table


def summary(outputs: list[dict[str, Any]]) -> str:
    counts = Counter(o["dedup"]["status"] if "dedup" in o else "dead-letter" for o in outputs)
    return ", ".join(f"{status} {n}" for status, n in sorted(counts.items()))


def run_demo(broker: str | None, *, timeout: float = 120.0) -> int:
    configured = broker or os.environ.get("SYNDIC_BROKER")
    embedded = None if configured else EmbeddedBroker().start()
    try:
        settings = load_settings(overrides={"broker": configured or embedded.bootstrap})  # type: ignore[union-attr]
        where = "embedded Tansu broker" if embedded else "configured broker"
        console.print(f"[bold]syndic demo[/bold] on the {where} at {settings.bootstrap_servers}")
        asyncio.run(create_topics(settings))
        originals, copies = demo_waves()
        with worker_process(settings, free_port()):
            # Copies are posted once the originals are decided: articles from different sources
            # are prepared in parallel, so posting all at once would not fix which comes first.
            outputs: list[dict[str, Any]] = []
            for wave in (originals, copies):
                report = asyncio.run(produce(settings, [("demo", r) for r in wave]))
                console.print(f"posted {report.sent} records to {settings.topic_raw}")
                outputs += asyncio.run(collect_outputs(settings, wave, timeout))
        console.print(verdict_table(outputs))
        console.print(f"verdicts: {summary(outputs)}")
        expected = len(originals) + len(copies)
        if len(outputs) < expected:
            console.print(f"[red]only {len(outputs)} of {expected} records came out[/red]")
            return 1
        console.print(
            "every record came out: clean events on articles.clean, rejects on articles.dlq"
        )
        return 0
    finally:
        if embedded is not None:
            embedded.stop()
