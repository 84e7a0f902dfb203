"""Does a worker's memory stay flat on a long run? 200,000 articles through the three stages.

    python -m syndic.benchmarks.memory                      # 200,000 articles, 24 h window
    python -m syndic.benchmarks.memory --articles 20000     # a quick look

What grows in a worker is the core's state, not faust's: the decision window (bounded by event
time), the per-source boilerplate memory (a fixed-size sketch per source), the term and LSH
indexes derived from the window, and the caches of word weights and hashes (bounded LRUs).
faust's own buffers are bounded by `batch_size` and `stream_buffer_maxsize`. So this runs the
stream's stage objects (`IngestStage`, `PrepareStage`, `DecideStage`, the same code the agents
call) in one process, one article at a time in the stream's order, with the window and memory
stores as plain dicts, and samples the process's resident memory as it goes. The generated
articles are about 1.75 s apart in event time, so with the default 24 h window the window is
full after ~50,000 articles and the rest of the run shows whether memory stays flat while it
turns over. No broker: at 200,000 articles a Tansu broker (memory only) would hold gigabytes.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator, Sequence
from typing import Any

import orjson


def rss_mb(pid: int | str = "self") -> float:
    """Resident set size of a process (this one by default), from /proc (0 where there is no
    /proc or the process is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run(count: int, window_hours: float, every: int, partitions: int = 8) -> dict[str, Any]:
    from prometheus_client import CollectorRegistry

    from syndic.batch import build_decider, build_preparer
    from syndic.core.window import MeasuredStore
    from syndic.metrics import Metrics
    from syndic.settings import load_settings
    from syndic.stream.stages import DecideStage, IngestStage, InMessage, PrepareStage

    settings = load_settings(
        overrides={"raw_partitions": partitions, "window_hours": window_hours}, env={}
    )
    metrics = Metrics(registry=CollectorRegistry())
    preparer = build_preparer(settings)
    ingest = IngestStage(settings, metrics, preparer)
    prepare = PrepareStage(settings, metrics, preparer)
    window = MeasuredStore({})
    decide = DecideStage(settings, metrics, build_decider(settings, window), window=window)
    memories: dict[int, dict[str, Any]] = {p: {} for p in range(partitions)}
    samples: list[dict[str, Any]] = []
    started = time.perf_counter()
    now_ms = int(time.time() * 1000)
    for number, value in enumerate(_values_from_a_child(count), start=1):
        raw = InMessage(settings.topic_raw, number % partitions, number, None, value, now_ms)
        routed = ingest.process(raw)
        partition = zlib.crc32(routed.key) % partitions
        by_source = InMessage(routed.topic, partition, number, routed.key, routed.value, now_ms)
        (prepared,) = prepare.process(by_source, memories[partition])
        if prepared.topic == settings.internal("sequenced"):
            decide.process(InMessage(prepared.topic, 0, number, None, prepared.value, now_ms))
        if number % every == 0 or number == count:
            gc.collect()
            samples.append({
                "articles": number,
                "rss_mb": round(rss_mb(), 1),
                "window_articles": window.articles,
                "window_mb": round(window.bytes / 1e6, 1),
                "state_b_per_article": round(window.bytes / max(1, window.articles)),
                "memory_counters": sum(
                    len(sketch["cells"]) for m in memories.values() for sketch in m.values()
                ),
                **cache_fill(),
                "elapsed_s": round(time.perf_counter() - started, 1),
            })  # fmt: skip
            print(orjson.dumps(samples[-1]).decode(), file=sys.stderr, flush=True)
    return {"articles": count, "window_hours": window_hours, "samples": samples,
            "verdict": flatness(samples)}  # fmt: skip


def cache_fill() -> dict[str, Any]:
    """How far the bounded caches have filled: until each has reached its bound once (and
    the language tables the articles need are loaded), memory still grows towards them."""
    from syndic.core.dedup.terms import loaded_priors
    from syndic.core.memo import bounded_caches

    caches = bounded_caches()
    return {
        "caches_at_bound": sum(1 for c in caches if c.turnovers or len(c) >= c.maxsize),
        "caches": len(caches),
        "cache_entries": sum(len(c) for c in caches),
        "language_tables": loaded_priors(),
    }


def _values_from_a_child(count: int, seed: int = 8) -> Iterator[bytes]:
    """The generated articles' records, made in a child process. The generator keeps the
    stories it has open, more of them as the run goes (~7,000 by 200,000 articles, with their
    names, quotes and takes), which in this process counted as the stages' own growth."""
    command = [sys.executable, "-m", "syndic.benchmarks.memory", "--emit", str(count)]
    child = subprocess.Popen([*command, "--seed", str(seed)], stdout=subprocess.PIPE)
    assert child.stdout is not None
    try:
        for line in child.stdout:
            yield line.rstrip(b"\n")
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        child.stdout.close()


def _emit(count: int, seed: int) -> None:
    """One record a line on stdout (orjson escapes every newline inside a string)."""
    from syndic.benchmarks.articles import ArticleGenerator

    out = sys.stdout.buffer
    for article in ArticleGenerator(seed=seed).iterate(count):
        out.write(article.value() + b"\n")
    out.flush()


def flatness(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """RSS growth over the second half of the run, when the window has long been full."""
    half = [s for s in samples if s["articles"] > samples[-1]["articles"] / 2]
    if len(half) < 2:
        return {"second_half_growth_mb": None}
    growth = half[-1]["rss_mb"] - half[0]["rss_mb"]
    per_10k = growth / (half[-1]["articles"] - half[0]["articles"]) * 10_000
    # (a live worker's samples, `worker_memory`, are read from outside and carry no fill)
    filling = [
        s["articles"]
        for before, s in itertools.pairwise(half)
        if (s.get("caches_at_bound"), s.get("language_tables"))
        != (before.get("caches_at_bound"), before.get("language_tables"))
    ]
    verdict = {
        "second_half_growth_mb": round(growth, 1),
        "growth_mb_per_10k_articles": round(per_10k, 2),
        "peak_rss_mb": max(s["rss_mb"] for s in samples),
        # samples of the second half by which another cache reached its bound, or another
        # language table was loaded: growth up to the last of them is caches filling
        "caches_filling_at": filling,
    }
    if filling and filling[-1] < samples[-1]["articles"]:
        since = next(s for s in samples if s["articles"] == filling[-1])
        verdict["growth_since_filled_mb"] = round(samples[-1]["rss_mb"] - since["rss_mb"], 1)
    return verdict


def render(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"memory over {result['articles']:,} articles ({result['window_hours']:g} h window)"
    )
    for column in ("articles", "RSS MB", "window articles", "window MB", "state B/article",
                   "memory counters", "caches at bound", "cache entries", "language tables",
                   "elapsed s"):  # fmt: skip
        table.add_column(column, justify="right")
    for s in result["samples"]:
        table.add_row(f"{s['articles']:,}", f"{s['rss_mb']:.1f}", f"{s['window_articles']:,}",
                      f"{s['window_mb']:.1f}", f"{s['state_b_per_article']:,}",
                      f"{s['memory_counters']:,}", f"{s['caches_at_bound']}/{s['caches']}",
                      f"{s['cache_entries']:,}", " ".join(s["language_tables"]),
                      f"{s['elapsed_s']:.0f}")  # fmt: skip
    console = Console(width=None if sys.stdout.isatty() else 160)
    console.print(table)
    verdict = result["verdict"]
    console.print(
        f"second half of the run: RSS {verdict['second_half_growth_mb']:+} MB "
        f"({verdict.get('growth_mb_per_10k_articles')} MB per 10,000 articles), "
        f"peak {verdict.get('peak_rss_mb')} MB"
    )
    if verdict.get("caches_filling_at"):
        last = verdict["caches_filling_at"][-1]
        after = verdict.get("growth_since_filled_mb")
        console.print(
            f"caches were still filling in the second half (to {last:,} articles): that growth "
            "is theirs, up to their bounds; a longer run (--articles) shows the steady state"
            + (f". RSS since then: {after:+} MB" if after is not None else "")
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--window-hours", type=float, default=24.0)
    parser.add_argument("--every", type=int, default=None, help="sample every N articles")
    parser.add_argument("--json", default=None, help="write the samples here")
    parser.add_argument("--emit", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=8, help=argparse.SUPPRESS)
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.emit is not None:  # the child of `_values_from_a_child`
        _emit(args.emit, args.seed)
        return 0
    every = args.every or max(1, args.articles // 20)
    result = run(args.articles, args.window_hours, every)
    render(result)
    if args.json:
        with open(args.json, "wb") as out:
            out.write(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
