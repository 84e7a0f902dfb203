"""Where a live worker's time goes: py-spy samples one syndic worker draining a backlog.

The in-process profile (`--profile`) times the stages without a broker; this one watches the
real process, so faust's per-record work, the producer, the consumer thread and the event loop
show up beside the stages. py-spy samples the worker from outside (no instrumentation in the
worker, so its own cost stays out of the figures) at `rate` Hz from the moment the worker starts
until the last output record is read; every sample's stack is put in the first category whose
marker it contains, and the table gives each category's share of the samples.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

# Order matters: a stack goes to the first category with a marker in it (the stages before the
# machinery they call, the machinery before the event loop that runs everything).
CATEGORIES: list[tuple[str, tuple[str, ...]]] = [
    ("start-up (imports)", ("_find_and_load",)),
    ("ingest: parse, validate, route", ("IngestStage.process",)),
    ("prepare: normalize", ("Normalizer.normalize",)),
    ("prepare: fingerprint (terms, shingles, MinHash)", ("Fingerprinter.compute",)),
    ("prepare: envelope, JSON, metrics", ("PrepareStage.process",)),
    ("decide: the decision", ("Deduplicator.decide",)),
    ("decide: JSON, clean event, metrics", ("DecideStage.process",)),
    ("state: changelog writes and recovery", ("TableStore.flush", "send_changelog",
                                              "complete_recovery")),
    ("produce: faust topics and aiokafka", ("SyndicApp.publish", "ProducerBuffer", "Sender.",
                                            "AIOKafkaProducer", "publish_message")),
    ("consume: consumer thread and fetcher", ("WorkerThread", "Fetcher", "_drain_messages",
                                              "AIOKafkaConsumerThread")),
    ("faust: streams, acks, agents", ("/faust/", "/mode/")),
    ("event loop", ("asyncio/",)),
]  # fmt: skip
OTHER = "other"
_FRAME_FILE = re.compile(r" \((?:[^;()]*/)?([^/;()]+\.py):\d+\)")


def py_spy() -> str | None:
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


def categorize(raw_lines: list[str]) -> tuple[Counter[str], Counter[str], int]:
    """Samples per category and per leaf function (self time) from py-spy's raw output."""
    categories: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    total = 0
    for line in raw_lines:
        stack, _, count_text = line.rstrip().rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        name = next((n for n, markers in CATEGORIES if any(m in stack for m in markers)), OTHER)
        categories[name] += count
        leaves[_FRAME_FILE.sub(r" (\1)", stack.rsplit(";", 1)[-1])] += count
    return categories, leaves, total


async def _drain_under_py_spy(
    articles: list[Any], partitions: int, rate: int, spy: str, workdir: Path
) -> dict[str, Any]:
    from syndic.benchmarks import pipeline as bench

    corpus = bench.Corpus.build(articles, 8)
    run = bench.RunOptions(None, partitions, workdir, f"prof-{os.getpid()}", 900.0)
    raw_path = workdir / "worker.raw"
    with bench.broker_for(run) as bootstrap:
        layout, settings = bench.plan("syndic-1w", bootstrap, run, "profile")
        await bench.create_topics_for(layout, settings, bootstrap, partitions)
        await bench.preload(bootstrap, layout.raw, corpus)
        procs = bench.start(layout, run, "profile")
        worker = procs[0]
        sampler = subprocess.Popen(
            [spy, "record", "--pid", str(worker.pid), "--rate", str(rate), "--format", "raw",
             "--nonblocking", "--output", str(raw_path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        started = time.perf_counter()
        try:
            collector = bench.Collector(bootstrap, layout.out, set(corpus.ids), corpus.id_of)
            collected = await collector.run(procs, run.timeout, run.stall, run.first_wait)
            wall = time.perf_counter() - started
            cpu = bench.cpu_seconds(worker.pid)
        finally:
            sampler.send_signal(signal.SIGINT)
            try:
                _, spy_err = sampler.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                sampler.kill()
                _, spy_err = sampler.communicate()
            bench.stop_all(procs)
    if not raw_path.exists():
        raise RuntimeError(f"py-spy wrote no samples: {spy_err.decode(errors='replace')[-500:]}")
    categories, leaves, total = categorize(raw_path.read_text(errors="replace").splitlines())
    whole = total or 1
    return {
        "articles": len(articles),
        "out": len(collected.out_ms),
        "wall_s": round(wall, 1),
        "worker_cpu_s": cpu,
        "samples": total,
        "rate_hz": rate,
        "categories": [
            {"category": name, "samples": n, "pct": round(100 * n / whole, 1)}
            for name, n in categories.most_common()
        ],
        "top_self": [
            {"function": name, "pct": round(100 * n / whole, 1)}
            for name, n in leaves.most_common(15)
        ],
    }


def profile_worker(articles: list[Any], partitions: int, rate: int = 200) -> dict[str, Any]:
    spy = py_spy()
    if spy is None:
        raise SystemExit("py-spy is not installed (pip install py-spy, or `make install`)")
    workdir = Path(os.environ.get("TMPDIR", "/tmp")) / f"syndic-profile-{os.getpid()}"
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        return asyncio.run(_drain_under_py_spy(articles, partitions, rate, spy, workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def render_worker_profile(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=False)
    title = (
        f"live worker (1 of 1) draining {result['articles']:,} articles: {result['samples']:,} "
        f"samples at {result['rate_hz']} Hz, wall {result['wall_s']} s, worker CPU "
        f"{result['worker_cpu_s']} s"
    )
    table = Table(title=title)
    table.add_column("where the worker's samples fall")
    table.add_column("% of samples", justify="right")
    for row in result["categories"]:
        table.add_row(row["category"], f"{row['pct']:.1f}")
    console.print(table)
    top = Table(title="top functions by own samples")
    top.add_column("function")
    top.add_column("%", justify="right")
    for row in result["top_self"]:
        top.add_row(row["function"], f"{row['pct']:.1f}")
    console.print(top)
