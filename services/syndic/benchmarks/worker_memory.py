"""A real worker's memory over a long run: articles through a broker, RSS read as it goes.

    python -m syndic.benchmarks.worker_memory                        # 200,000 articles
    python -m syndic.benchmarks.worker_memory --articles 20000 --every 5000
    python -m syndic.benchmarks.worker_memory --broker host:9092     # an existing cluster

`syndic.benchmarks.memory` runs the stage objects in one process, with plain dicts as stores;
this runs `syndic worker` itself (faust, its tables and changelogs, the producer's buffers) on
a broker it starts (embedded Tansu) or is given. It sends the generated articles in chunks of
`--every`, waits until the worker has decided (or dead-lettered) every article sent
so far, and then reads the worker's resident set size from /proc. The articles are ~1.75 s apart
in event time, so with the 24 h window the window is full after ~50,000 and the rest of the run
shows whether a live worker stays flat while it turns over.

Tansu keeps every topic in memory (~20 KB of records per article across raw, internal, output
and changelog topics), so its own RSS is printed beside the worker's, and a 200,000-article run
needs a few GB for the broker.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

from syndic.benchmarks.memory import flatness, rss_mb
from syndic.benchmarks.pipeline import Proc, cpu_seconds, producer, scrape_metrics


def handled(metrics: dict[str, float]) -> int:
    """Articles the worker is done with: decided, or sent to the dead-letter topic."""
    return int(metrics.get("syndic_verdicts_total", 0.0) + metrics.get("syndic_dlq_total", 0.0))


@contextlib.contextmanager
def bootstrap_for(broker: str | None) -> Iterator[tuple[str, int | None]]:
    """The given broker, or an embedded Tansu (its pid, to read its memory too)."""
    if broker:
        yield broker, None
        return
    from syndic.broker import EmbeddedBroker

    embedded = EmbeddedBroker().start()
    try:
        assert embedded.process is not None
        yield embedded.bootstrap, embedded.process.pid
    finally:
        embedded.stop()


def worker_settings(bootstrap: str, window_hours: float, partitions: int) -> Any:
    from syndic.settings import load_settings, namespaced

    run_id = f"{os.getpid()}-{int(time.time())}"
    return load_settings(
        overrides={
            **namespaced(f"memory-{run_id}"),
            "broker": bootstrap,
            "raw_partitions": partitions,
            "output_partitions": partitions,
            "window_hours": window_hours,
            "log_level": "warning",
        },
        env={},
    )


def start_worker(
    settings: Any, workdir: Path, name: str = "worker"
) -> tuple[subprocess.Popen[bytes], int, Path]:
    from syndic.broker import die_with_parent, free_port
    from syndic.settings import Settings

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNDIC_")}
    env.update({f"SYNDIC_{n.upper()}": str(getattr(settings, n)) for n in Settings.names()})
    env["SYNDIC_WEB_PORT"] = str(port)
    log_path = workdir / f"{name}.log"
    with log_path.open("wb") as log:
        popen = subprocess.Popen(
            [sys.executable, "-m", "syndic", "worker"], env=env, stdout=log,
            stderr=subprocess.STDOUT, cwd=workdir, preexec_fn=die_with_parent,
        )  # fmt: skip
    return popen, port, log_path


async def wait_until_handled(
    worker: subprocess.Popen[bytes], port: int, sent: int, deadline: float
) -> dict[str, float]:
    """Poll the worker's metrics until it has decided or dead-lettered `sent` articles."""
    while True:
        samples = scrape_metrics(port)
        if handled(samples) >= sent:
            return samples
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited ({worker.returncode})")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{handled(samples):,} of {sent:,} articles out before the deadline")
        await asyncio.sleep(0.2)


async def send_all(client: Any, topic: str, values: list[bytes], keys: random.Random) -> None:
    """Each value under a random key (spread over the partitions like producers' keys)."""
    pending = [
        await client.send(topic, value, key=f"{keys.getrandbits(64):016x}".encode())
        for value in values
    ]
    await asyncio.gather(*pending)


async def run(
    count: int, every: int, window_hours: float, partitions: int, broker: str | None,
    chunk_timeout: float, restart: bool = False,
) -> dict[str, Any]:  # fmt: skip
    from syndic.admin import create_topics
    from syndic.benchmarks.articles import ArticleGenerator

    samples: list[dict[str, Any]] = []
    restarted: dict[str, Any] | None = None
    with (
        bootstrap_for(broker) as (bootstrap, broker_pid),
        tempfile.TemporaryDirectory(prefix="syndic-memory-") as workdir,
    ):
        settings = worker_settings(bootstrap, window_hours, partitions)
        await create_topics(settings)
        worker, port, log_path = start_worker(settings, Path(workdir))
        keys = random.Random(count)
        started = time.perf_counter()
        sent = 0
        try:
            async with producer(bootstrap, linger_ms=5) as client:
                articles = ArticleGenerator(seed=8).iterate(count)
                while sent < count:
                    chunk = [next(articles).value() for _ in range(min(every, count - sent))]
                    await send_all(client, settings.topic_raw, chunk, keys)
                    sent += len(chunk)
                    metrics = await wait_until_handled(
                        worker, port, sent, time.monotonic() + chunk_timeout
                    )
                    samples.append(sample(sent, worker.pid, broker_pid, metrics, started))
                    print(orjson.dumps(samples[-1]).decode(), file=sys.stderr, flush=True)
                if restart:
                    stop(worker)
                    worker, port, log_path = start_worker(settings, Path(workdir), "restarted")
                    restarted = await time_restart(
                        client, settings.topic_raw, worker, port, keys, chunk_timeout
                    )
                    print(orjson.dumps(restarted).decode(), file=sys.stderr, flush=True)
        except Exception as error:
            tail = log_path.read_text(errors="replace").splitlines()[-20:]
            raise RuntimeError(f"{error}\n--- worker log:\n" + "\n".join(tail)) from error
        finally:
            stop(worker)
    return {
        "articles": count,
        "window_hours": window_hours,
        "broker": broker or "embedded Tansu",
        "samples": samples,
        "verdict": flatness(samples),
        "restart": restarted,
    }


def stop(worker: subprocess.Popen[bytes]) -> None:
    Proc("worker", worker, Path(os.devnull)).stop()


async def time_restart(
    client: Any, topic: str, worker: subprocess.Popen[bytes], port: int, keys: random.Random,
    timeout: float, articles: int = 100,
) -> dict[str, Any]:  # fmt: skip
    """A new worker for the same group, just started: seconds until it has decided `articles`
    new ones. It rebuilds the window from the changelog first (on Tansu, which does not
    compact, every record written since the start), so this is what a restart costs after
    the run, and the window it reports shows the state came back."""
    import dataclasses

    from syndic.benchmarks.articles import ArticleGenerator

    started = time.perf_counter()
    fresh = ArticleGenerator(seed=9).iterate(articles)
    values = [dataclasses.replace(a, id=f"restart-{i}").value() for i, a in enumerate(fresh)]
    await send_all(client, topic, values, keys)
    metrics = await wait_until_handled(worker, port, articles, time.monotonic() + timeout)
    return {
        "seconds_to_decide": round(time.perf_counter() - started, 1),
        "articles": articles,
        "window_articles": int(metrics.get("syndic_window_entries", 0)),
        "rss_mb": round(rss_mb(worker.pid), 1),
    }


def sample(
    sent: int, worker_pid: int, broker_pid: int | None, metrics: dict[str, float], started: float
) -> dict[str, Any]:
    window = int(metrics.get("syndic_window_entries", 0))
    window_bytes = metrics.get("syndic_window_bytes", 0.0)
    return {
        "articles": sent,
        "rss_mb": round(rss_mb(worker_pid), 1),
        "worker_cpu_s": cpu_seconds(worker_pid),
        "broker_rss_mb": round(rss_mb(broker_pid), 1) if broker_pid else None,
        "window_articles": window,
        "state_b_per_article": round(window_bytes / max(1, window)),
        "rebalances": int(metrics.get("syndic_rebalances_total", 0)),
        "elapsed_s": round(time.perf_counter() - started, 1),
    }


def render(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"syndic worker memory over {result['articles']:,} articles "
        f"({result['window_hours']:g} h window, {result['broker']})"
    )
    columns = ("articles", "worker RSS MB", "broker RSS MB", "window articles",
               "state B/article", "rebalances", "elapsed s")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="right")
    for s in result["samples"]:
        broker_rss = "" if s["broker_rss_mb"] is None else f"{s['broker_rss_mb']:,.0f}"
        table.add_row(f"{s['articles']:,}", f"{s['rss_mb']:.1f}", broker_rss,
                      f"{s['window_articles']:,}", f"{s['state_b_per_article']:,}",
                      f"{s['rebalances']}", f"{s['elapsed_s']:.0f}")  # fmt: skip
    console = Console()
    console.print(table)
    verdict = result["verdict"]
    if verdict.get("second_half_growth_mb") is not None:
        console.print(
            f"worker RSS over the second half: {verdict['second_half_growth_mb']:+.1f} MB "
            f"({verdict['growth_mb_per_10k_articles']:+.2f} MB per 10,000 articles), "
            f"peak {verdict['peak_rss_mb']:.1f} MB"
        )
    restart = result.get("restart")
    if restart:
        console.print(
            f"restarted worker: {restart['seconds_to_decide']:.1f} s from its start to "
            f"{restart['articles']} new articles decided, window {restart['window_articles']:,} "
            f"articles, RSS {restart['rss_mb']:.1f} MB"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--every", type=int, default=10_000, help="articles per chunk (10,000)")
    parser.add_argument("--window-hours", type=float, default=24.0)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--broker", default=None, help="host:port (default: embedded Tansu)")
    parser.add_argument("--chunk-timeout", type=float, default=600.0,
                        help="seconds for one chunk to come out (600)")  # fmt: skip
    parser.add_argument("--restart", action="store_true",
                        help="then restart the worker and time its first decisions")  # fmt: skip
    parser.add_argument("--json", type=Path, default=None, help="write the samples here")
    args = parser.parse_args(argv)
    if args.articles <= 0 or args.every <= 0:
        parser.error("--articles and --every must be positive")
    result = asyncio.run(
        run(args.articles, args.every, args.window_hours, args.partitions, args.broker,
            args.chunk_timeout, args.restart)
    )  # fmt: skip
    render(result)
    if args.json:
        args.json.write_text(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
