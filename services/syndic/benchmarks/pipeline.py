"""syndic's benchmark: the same generated articles through syndic and through the references.

    python -m syndic.benchmarks.pipeline                    # 10,000 articles, every system
    python -m syndic.benchmarks.pipeline --smoke --json out.json     # tiny, for `make test`
    python -m syndic.benchmarks.pipeline --profile          # per-stage profile, no broker
    python -m syndic.benchmarks.pipeline --profile-worker   # py-spy on a live worker

What is measured, and why this way:

- Throughput is "first in to last out" on a backlog: the raw topic is preloaded, then the system
  starts and drains it. First in is the earliest record timestamp the system wrote on its first
  topic (`syndic.by-source` for syndic, the output topic for the references); last out is the
  latest timestamp among the output records of the benchmark's articles. Both are the producing
  process's wall clock (aiokafka stamps records when they are appended), so start-up and group
  joins stay outside the window and every system is measured alike.
- CPU seconds come from /proc/<pid>/stat (utime + stime) of the system's processes, sampled every
  50 ms and read at the two ends of that window; peak RSS is VmHWM from /proc/<pid>/status.
- Latency is measured in a second run per system, started and warmed up before any article is
  sent: articles are then produced at a paced rate (half of syndic's 1-worker throughput), each
  stamped with its send time, and latency is the output record's timestamp minus that stamp.
- State per article: the worker's `syndic_window_bytes / syndic_window_entries` gauges when it
  sets them, and the decision table's changelog (last value per key, as compaction would keep it)
  divided by the number of articles, read from the broker after the run.
- Each system run gets a fresh embedded Tansu broker (or, with --broker, its own topic names and
  consumer group), so runs never see each other's records.

The harness shares the machine with what it measures (the broker, the workers and itself on the
same cores), which is the deployment the issue's figures describe; on a 2-core box the figures
are noisy, so BENCHMARKS.md records the load next to them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import itertools
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from syndic.benchmarks.articles import Article, ArticleGenerator, corpus_summary
from syndic.broker import die_with_parent

SYSTEMS: dict[str, str] = {
    "syndic-1w": "syndic, 1 worker",
    "syndic-2w": "syndic, 2 workers",
    "faust": "faust pass-through",
    "aiokafka": "aiokafka pass-through",
    "datasketch": "aiokafka + datasketch",
}
WARM_FIELDS = (
    "throughput_per_s", "steady_per_s", "window_s", "cpu_s", "cpu_s_per_1k", "peak_rss_mb",
    "out", "complete", "duplicates_out", "error", "preload_s",
)  # fmt: skip
SYNDIC_WORKERS = {"syndic-1w": 1, "syndic-2w": 2}
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# -- the data ------------------------------------------------------------------------------------


@dataclass
class Corpus:
    """Articles as Kafka records: unique random keys (spread over partitions like real producers'
    keys) and the JSON values; `id_of` maps a key back to its article (pass-throughs keep keys)."""

    articles: list[Article]
    keys: list[bytes]
    values: list[bytes]
    id_of: dict[bytes, str]

    @classmethod
    def build(cls, articles: list[Article], seed: int) -> Corpus:
        rng = random.Random(seed * 7919 + len(articles))
        keys = [f"{rng.getrandbits(64):016x}".encode() for _ in articles]
        values = [a.value() for a in articles]
        return cls(articles, keys, values, {k: a.id for k, a in zip(keys, articles, strict=True)})

    @property
    def ids(self) -> list[str]:
        return [a.id for a in self.articles]

    def __len__(self) -> int:
        return len(self.articles)


def warmup_corpus(count: int, seed: int) -> Corpus:
    """Articles unlike the measured ones (another seed, `warm-` ids) to wake a system up."""
    generated = ArticleGenerator(seed=seed + 1000).generate(count, copy_share=0.0)
    articles = [dataclasses.replace(a, id=f"warm-{i:05d}") for i, a in enumerate(generated)]
    return Corpus.build(articles, seed + 1000)


# -- processes -----------------------------------------------------------------------------------


@dataclass
class Proc:
    """One process of a measured system, with its log file and (syndic) metrics port."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    web_port: int | None = None

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 25) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of a live process, in seconds (fields 14 and 15 of /proc/<pid>/stat)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM (the peak resident set size) of a live process, in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class CpuSampler:
    """Samples the summed CPU seconds of some processes so any moment can be read afterwards."""

    def __init__(self, pids: Sequence[int], every: float = 0.05) -> None:
        self.pids = list(pids)
        self.every = every
        self.samples: list[tuple[float, float]] = []
        self._last: dict[int, float] = {}

    def sample(self) -> None:
        for pid in self.pids:
            value = cpu_seconds(pid)
            if value is not None:
                self._last[pid] = value
        self.samples.append((time.time(), sum(self._last.values())))

    async def run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.every)

    def at(self, moment: float) -> float | None:
        """CPU seconds at `moment` (wall clock), linearly interpolated between samples."""
        if not self.samples:
            return None
        before = [s for s in self.samples if s[0] <= moment]
        after = [s for s in self.samples if s[0] >= moment]
        if not before:
            return after[0][1]
        if not after:
            return before[-1][1]
        (t0, c0), (t1, c1) = before[-1], after[0]
        return c0 if t1 == t0 else c0 + (c1 - c0) * (moment - t0) / (t1 - t0)


# -- Kafka helpers -------------------------------------------------------------------------------


@contextlib.contextmanager
def broker_for(run: RunOptions) -> Iterator[str]:
    """The given broker, or a fresh embedded Tansu for this one measurement (stopped after)."""
    with broker_process(run) as (bootstrap, _):
        yield bootstrap


@contextlib.contextmanager
def broker_process(run: RunOptions) -> Iterator[tuple[str, int | None]]:
    """`broker_for`, with the embedded broker's pid (None for a given broker): the broker
    shares the machine's cores with the system measured, so its CPU is measured too."""
    if run.broker:
        yield run.broker, None
        return
    from syndic.broker import EmbeddedBroker

    broker = EmbeddedBroker().start()
    try:
        yield broker.bootstrap, broker.process.pid if broker.process else None
    finally:
        broker.stop()


async def create_plain_topics(bootstrap: str, topics: dict[str, int]) -> None:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import TopicAlreadyExistsError

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        for name, partitions in topics.items():
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics([NewTopic(name, partitions, replication_factor=1)])
    finally:
        await admin.close()


@contextlib.asynccontextmanager
async def producer(bootstrap: str, *, linger_ms: int) -> AsyncIterator[Any]:
    from aiokafka import AIOKafkaProducer

    client = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        linger_ms=linger_ms,
        max_batch_size=512 * 1024,
        max_request_size=8 * 1024 * 1024,
    )
    await client.start()
    try:
        yield client
    finally:
        await client.stop()


async def preload(bootstrap: str, topic: str, corpus: Corpus) -> float:
    """Write every article to the raw topic as fast as the producer can; returns seconds."""
    started = time.perf_counter()
    async with producer(bootstrap, linger_ms=5) as client:
        pending = [
            await client.send(topic, value, key=key)
            for key, value in zip(corpus.keys, corpus.values, strict=True)
        ]
        await asyncio.gather(*pending)
    return time.perf_counter() - started


@dataclass
class Collected:
    """What came out: the first output timestamp (ms) per article id, and the extras."""

    out_ms: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    other: int = 0
    error: str | None = None


class Collector:
    """Reads an output topic from its start, without a group, until every expected id came out.

    Only keys and timestamps are looked at, so the harness spends as little CPU as it can on the
    cores it shares with the system under test.
    """

    def __init__(
        self, bootstrap: str, topic: str, expected: set[str], id_of: dict[bytes, str]
    ) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self.expected = expected
        self.id_of = id_of
        self.result = Collected()
        self.done = asyncio.Event()

    async def run(
        self, procs: Sequence[Proc], timeout: float, stall: float, first_wait: float
    ) -> Collected:
        from aiokafka import AIOKafkaConsumer

        consumer = AIOKafkaConsumer(
            self.topic,
            bootstrap_servers=self.bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            fetch_max_bytes=64 * 1024 * 1024,
            max_partition_fetch_bytes=8 * 1024 * 1024,
        )
        await consumer.start()
        result = self.result
        started = last_progress = time.monotonic()
        try:
            while len(result.out_ms) < len(self.expected):
                batches = await consumer.getmany(timeout_ms=100, max_records=5000)
                now = time.monotonic()
                for messages in batches.values():
                    for message in messages:
                        key = message.key or b""
                        article_id = key.decode(errors="replace")
                        if article_id not in self.expected:
                            article_id = self.id_of.get(key, "")
                        if article_id not in self.expected:
                            result.other += 1
                        elif article_id in result.out_ms:
                            result.duplicates += 1
                        else:
                            result.out_ms[article_id] = message.timestamp
                            last_progress = now
                dead = [p for p in procs if not p.alive()]
                if dead:
                    result.error = f"{dead[0].name} exited ({dead[0].popen.returncode}):\n" + (
                        dead[0].log_tail()
                    )
                    break
                waited = now - last_progress
                if now - started > timeout or waited > (stall if result.out_ms else first_wait):
                    result.error = (
                        f"{len(result.out_ms)} of {len(self.expected)} articles out of "
                        f"{self.topic} after {now - started:.0f} s"
                    )
                    break
        finally:
            await consumer.stop()
            self.done.set()
        return result


async def first_timestamp_ms(bootstrap: str, topic: str, idle: float = 3.0) -> int | None:
    """The earliest record timestamp on a topic: the first record of each partition."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            await consumer.topics()
            partitions = consumer.partitions_for_topic(topic) or set()
        wanted = {TopicPartition(topic, p) for p in partitions}
        if not wanted:
            return None
        consumer.assign(list(wanted))
        await consumer.seek_to_beginning(*wanted)
        earliest: int | None = None
        last = time.monotonic()
        while wanted and time.monotonic() - last < idle:
            batches = await consumer.getmany(timeout_ms=200, max_records=50)
            for tp, messages in batches.items():
                if tp in wanted and messages:
                    stamp = min(m.timestamp for m in messages)
                    earliest = stamp if earliest is None else min(earliest, stamp)
                    wanted.discard(tp)
                    consumer.pause(tp)
                    last = time.monotonic()
        return earliest
    finally:
        await consumer.stop()


async def records_until_idle(bootstrap: str, topic: str, idle: float = 2.0) -> AsyncIterator[Any]:
    """Every record of a topic from the start, until none has come for `idle` seconds."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_bytes=64 * 1024 * 1024,
        max_partition_fetch_bytes=16 * 1024 * 1024,
    )
    await consumer.start()
    try:
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < idle:
            batches = await consumer.getmany(timeout_ms=200, max_records=20_000)
            for messages in batches.values():
                for message in messages:
                    quiet_since = time.monotonic()
                    yield message
    finally:
        await consumer.stop()


async def compacted_bytes(bootstrap: str, topic: str, idle: float = 2.0) -> tuple[int, int]:
    """(bytes, keys) of a changelog as compaction would leave it: the last value per key."""
    latest: dict[bytes, int] = {}
    async for message in records_until_idle(bootstrap, topic, idle):
        key = message.key or b""
        if message.value is None:
            latest.pop(key, None)
        else:
            latest[key] = len(key) + len(message.value)
    return sum(latest.values()), len(latest)


async def pack_stamps(bootstrap: str, topic: str, idle: float = 2.0) -> dict[str, int]:
    """Article id -> the timestamp of the internal record (a pack) that carried it: when a
    stage wrote it. A by-source item names its article at the top, a sequenced one in its
    `article`."""
    from syndic.stream.packing import unpack

    stamps: dict[str, int] = {}
    async for message in records_until_idle(bootstrap, topic, idle):
        for item in unpack(message.value):
            named = item.get("article", item) if isinstance(item, dict) else {}
            article_id = named.get("id") if isinstance(named, dict) else None
            if isinstance(article_id, str):
                stamps.setdefault(article_id, message.timestamp)
    return stamps


def hop_latencies(
    sent_ms: dict[str, int], stamps: Sequence[dict[str, int]], out_ms: dict[str, int]
) -> list[dict[str, float]]:
    """p50/p95/p99 of each hop (send -> first stamps -> ... -> out) over the articles every
    stage stamped: where an article's latency goes."""
    chain = [sent_ms, *stamps, out_ms]
    both = [i for i in out_ms if all(i in step for step in chain)]
    figures = []
    for before, after in itertools.pairwise(chain):
        spans = sorted(after[i] - before[i] for i in both)
        if len(spans) < 2:
            return []
        cuts = statistics.quantiles(spans, n=100, method="inclusive")
        figures.append({"p50_ms": cuts[49], "p95_ms": cuts[94], "p99_ms": cuts[98]})
    return figures


async def topic_span(bootstrap: str, topic: str, idle: float = 2.0) -> dict[str, Any]:
    """Records on a topic and the first/last record timestamps: when a stage wrote its output."""
    count, first, last = 0, None, None
    async for message in records_until_idle(bootstrap, topic, idle):
        count += 1
        stamp = message.timestamp
        first = stamp if first is None else min(first, stamp)
        last = stamp if last is None else max(last, stamp)
    span = (last - first) / 1000 if first is not None and last is not None else None
    return {
        "records": count,
        "first_ms": first,
        "last_ms": last,
        "span_s": span,
        "rate_per_s": round(count / span, 1) if span else None,
    }


def scrape_metrics(port: int) -> dict[str, float]:
    """Unlabelled syndic_* samples (and label-summed counters) from a worker's /metrics."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=3) as response:
            text = response.read().decode()
    except OSError:
        return {}
    values: dict[str, float] = {}
    for line in text.splitlines():
        if not line.startswith("syndic_") or " " not in line:
            continue
        name_part, _, number = line.rpartition(" ")
        name = name_part.split("{", 1)[0]
        with contextlib.suppress(ValueError):
            values[name] = values.get(name, 0.0) + float(number)
    return values


def http_status(port: int, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except OSError:
        return 0


# -- the systems ---------------------------------------------------------------------------------


@dataclass
class RunOptions:
    broker: str | None
    partitions: int
    workdir: Path
    run_id: str
    timeout: float
    stall: float = 90.0
    first_wait: float = 120.0


@dataclass
class Layout:
    """Where a system reads and writes, how to start it, and where its first records land."""

    system: str
    raw: str
    out: str
    first_topic: str
    changelog: str | None
    commands: list[tuple[list[str], dict[str, str], int | None]]


def plan(system: str, bootstrap: str, run: RunOptions, phase: str) -> tuple[Layout, Any]:
    """Topic names and commands for one run; the second value is syndic's Settings (or None)."""
    prefix = f"bench-{run.run_id}-{system}-{phase}"
    if system in SYNDIC_WORKERS:
        from syndic.broker import free_port
        from syndic.settings import Settings, load_settings, namespaced

        settings = load_settings(
            overrides={
                **namespaced(prefix),
                "broker": bootstrap,
                "raw_partitions": run.partitions,
                "output_partitions": run.partitions,
                "log_level": "warning",
            },
            env={},
        )
        base = {k: v for k, v in os.environ.items() if not k.startswith("SYNDIC_")}
        commands: list[tuple[list[str], dict[str, str], int | None]] = []
        for _ in range(SYNDIC_WORKERS[system]):
            port = free_port()
            env = {f"SYNDIC_{n.upper()}": str(getattr(settings, n)) for n in Settings.names()}
            env["SYNDIC_WEB_PORT"] = str(port)
            commands.append(([sys.executable, "-m", "syndic", "worker"], {**base, **env}, port))
        layout = Layout(
            system,
            raw=settings.topic_raw,
            out=settings.topic_clean,
            first_topic=settings.internal("by-source"),
            changelog=f"{settings.app_id}-dedup-state-changelog",
            commands=commands,
        )
        return layout, settings
    raw, out = f"{prefix}.raw", f"{prefix}.out"
    command = [
        sys.executable, "-m", "syndic.benchmarks.references", system,
        "--broker", bootstrap, "--in", raw, "--out", out, "--group", prefix,
    ]  # fmt: skip
    return Layout(system, raw, out, out, None, [(command, dict(os.environ), None)]), None


async def create_topics_for(layout: Layout, settings: Any, bootstrap: str, partitions: int) -> None:
    if settings is not None:
        from syndic.admin import create_topics

        await create_topics(settings)
    else:
        await create_plain_topics(bootstrap, {layout.raw: partitions, layout.out: partitions})


def start(layout: Layout, run: RunOptions, phase: str) -> list[Proc]:
    procs: list[Proc] = []
    for number, (command, env, port) in enumerate(layout.commands):
        log_path = run.workdir / f"{layout.system}-{phase}-{number}.log"
        with log_path.open("wb") as log:
            # cwd: the faust systems create their data directory there, so it goes with workdir
            popen = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=run.workdir,
                preexec_fn=die_with_parent,
            )  # fmt: skip
        procs.append(Proc(f"{layout.system}[{number}]", popen, log_path, port))
    return procs


def stop_all(procs: Sequence[Proc]) -> None:
    for proc in procs:
        proc.stop()


def console(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def measure_throughput(
    system: str, corpus: Corpus, run: RunOptions, warmup: Corpus | None = None
) -> dict[str, Any]:
    """Throughput, CPU, RSS and state of one system on the corpus.

    Cold (no `warmup`): preload the raw topic, start the system, let it drain the backlog; first
    in is the first record the system wrote. Warm: start the system, send `warmup` through it and
    wait until it is ready, then write the corpus as one burst; first in is the burst's start.
    Cold includes what a (re)started worker does before its stages run (group join excluded);
    warm is the rate of a running deployment.
    """
    phase = "warm" if warmup is not None else "tp"
    result: dict[str, Any] = {"system": system, "label": SYSTEMS[system]}
    with broker_process(run) as (bootstrap, broker_pid):
        layout, settings = plan(system, bootstrap, run, phase)
        await create_topics_for(layout, settings, bootstrap, run.partitions)
        if warmup is None:
            result["preload_s"] = round(await preload(bootstrap, layout.raw, corpus), 3)
        started_at = time.time()
        procs = start(layout, run, phase)
        sampler = CpuSampler([p.pid for p in procs])
        broker_sampler = CpuSampler([broker_pid] if broker_pid else [])
        # one per process too: with 2 workers, one also decides; is it the busier one?
        process_samplers = [CpuSampler([p.pid]) for p in procs] if len(procs) > 1 else []
        all_samplers = (sampler, broker_sampler, *process_samplers)
        sampling = [asyncio.create_task(s.run()) for s in all_samplers]
        burst_ms: int | None = None
        try:
            if warmup is not None:
                async with producer(bootstrap, linger_ms=0) as client:
                    problem = await warm_up(bootstrap, layout, procs, warmup, client, run)
                if problem is not None:
                    raise RuntimeError(problem)
                burst_ms = int(time.time() * 1000)
                result["preload_s"] = round(await preload(bootstrap, layout.raw, corpus), 3)
            collector = Collector(bootstrap, layout.out, set(corpus.ids), corpus.id_of)
            collected = await collector.run(procs, run.timeout, run.stall, run.first_wait)
            for each in all_samplers:
                each.sample()
            rss = [peak_rss_mb(p.pid) for p in procs]
            metrics = [scrape_metrics(p.web_port) for p in procs if p.web_port]
        finally:
            for task in sampling:
                task.cancel()
            stop_all(procs)
        if collected.error and settings is not None:
            await explain_missing(settings, corpus, collected, procs)
        first_ms = burst_ms or await first_timestamp_ms(bootstrap, layout.first_topic)
        state = None
        if layout.changelog and collected.out_ms and warmup is None:
            state = await compacted_bytes(bootstrap, layout.changelog)
            # When each stage wrote its output: in a cold drain, a stage's span over its
            # record count is its drain rate (or its upstream's, if it caught up).
            result["stage_spans"] = {
                name: await topic_span(bootstrap, topic)
                for name, topic in (
                    ("ingest", layout.first_topic),
                    ("prepare", settings.internal("sequenced")),
                    ("decide", layout.out),
                )
            }
    result.update(summarize_throughput(corpus, collected, first_ms, sampler, rss, metrics, state))
    if broker_pid and first_ms is not None and collected.out_ms:
        cpu = _cpu_between(broker_sampler, first_ms, max(collected.out_ms.values()))
        if cpu is not None:
            result["broker_cpu_s_per_1k"] = round(cpu / len(collected.out_ms) * 1000, 3)
    if process_samplers and first_ms is not None and collected.out_ms:
        last_ms = max(collected.out_ms.values())
        shares = [_cpu_between(s, first_ms, last_ms) for s in process_samplers]
        result["cpu_s_per_process"] = [None if c is None else round(c, 2) for c in shares]
    result["workers"] = len(procs)
    if warmup is None:
        result["startup_s"] = round(first_ms / 1000 - started_at, 2) if first_ms else None
    return result


def quiet_tail(text: str, lines: int = 15) -> str:
    """The last lines of a log without faust's "producer buffer full" notices (a busy worker's
    normal state, and enough of them to hide everything else)."""
    kept = [line for line in text.splitlines() if "producer buffer full" not in line]
    return "\n".join(kept[-lines:])


async def explain_missing(
    settings: Any, corpus: Corpus, collected: Collected, procs: Sequence[Proc]
) -> None:
    """Add to the error where each missing article stopped, and the workers' last log lines."""
    from syndic.benchmarks.trace import trace_missing

    missing = set(corpus.ids) - set(collected.out_ms)
    if not missing:
        return
    lines = await trace_missing(settings, corpus.id_of, set(sorted(missing)[:10]))
    tails = [f"--- {p.name} log:\n{quiet_tail(p.log_tail(200))}" for p in procs]
    collected.error = "\n".join([collected.error or "", "missing:", *lines, *tails])


def summarize_throughput(
    corpus: Corpus,
    collected: Collected,
    first_ms: int | None,
    sampler: CpuSampler,
    rss: list[float | None],
    metrics: list[dict[str, float]],
    state: tuple[int, int] | None,
) -> dict[str, Any]:
    n = len(corpus)
    out = collected.out_ms
    summary: dict[str, Any] = {
        "articles": n,
        "out": len(out),
        "complete": len(out) == n,
        "missing": n - len(out),
        "duplicates_out": collected.duplicates,
        "error": collected.error,
    }
    if out and first_ms is not None:
        last_ms = max(out.values())
        window = max(last_ms - first_ms, 1) / 1000
        cpu = _cpu_between(sampler, first_ms, last_ms)
        first_out_ms = min(out.values())
        steady = max(last_ms - first_out_ms, 1) / 1000
        summary.update(
            window_s=round(window, 3),
            throughput_per_s=round(len(out) / window, 1),
            # Pipeline fill: from the first record the system wrote to its first output. For
            # syndic this holds the later stages' start-up (table recovery) after the join.
            fill_s=round((first_out_ms - first_ms) / 1000, 3),
            steady_per_s=round(len(out) / steady, 1),
            cpu_s=round(cpu, 2) if cpu is not None else None,
            cpu_s_per_1k=round(cpu / len(out) * 1000, 3) if cpu is not None else None,
        )
    known_rss = [r for r in rss if r is not None]
    summary["peak_rss_mb"] = round(max(known_rss), 1) if known_rss else None
    summary["peak_rss_mb_per_process"] = [round(r, 1) if r else None for r in rss]
    if metrics:
        entries = sum(m.get("syndic_window_entries", 0.0) for m in metrics)
        size = sum(m.get("syndic_window_bytes", 0.0) for m in metrics)
        summary["window_entries"] = int(entries)
        # the worker holding the window is the one that decides
        summary["window_entries_per_process"] = [
            int(m.get("syndic_window_entries", 0.0)) for m in metrics
        ]
        summary["state_bytes_per_article_metric"] = round(size / entries, 1) if entries else None
        summary["rebalances"] = int(sum(m.get("syndic_rebalances_total", 0.0) for m in metrics))
    if state is not None:
        summary["changelog_bytes"], summary["changelog_keys"] = state
        summary["state_bytes_per_article_changelog"] = round(state[0] / n, 1)
    return summary


def _cpu_between(sampler: CpuSampler, first_ms: int, last_ms: int) -> float | None:
    """CPU seconds the sampled processes spent from first in to last out."""
    start_cpu, end_cpu = sampler.at(first_ms / 1000), sampler.at(last_ms / 1000)
    return None if start_cpu is None or end_cpu is None else end_cpu - start_cpu


async def measure_latency(
    system: str, corpus: Corpus, warmup: Corpus, rate: float, run: RunOptions
) -> dict[str, Any]:
    """Start, warm up, then send at `rate` articles/s: output timestamp minus send time."""
    with broker_for(run) as bootstrap:
        layout, settings = plan(system, bootstrap, run, "lat")
        await create_topics_for(layout, settings, bootstrap, run.partitions)
        procs = start(layout, run, "lat")
        try:
            async with producer(bootstrap, linger_ms=0) as client:
                ready = await warm_up(bootstrap, layout, procs, warmup, client, run)
                if ready is not None:
                    return {"rate_per_s": round(rate, 1), "error": ready}
                sent_ms: dict[str, int] = {}
                collector = Collector(bootstrap, layout.out, set(corpus.ids), corpus.id_of)
                collecting = asyncio.create_task(
                    collector.run(procs, run.timeout, run.stall, run.first_wait)
                )
                send_seconds = await paced_send(client, layout.raw, corpus, rate, sent_ms)
                collected = await collecting
        finally:
            stop_all(procs)
        if collected.error and settings is not None:
            await explain_missing(settings, corpus, collected, procs)
        hops: list[dict[str, float]] = []
        if settings is not None and collected.out_ms:
            stamps = [
                await pack_stamps(bootstrap, settings.internal(name))
                for name in ("by-source", "sequenced")
            ]
            hops = hop_latencies(sent_ms, stamps, collected.out_ms)
    latencies = sorted(collected.out_ms[i] - sent_ms[i] for i in collected.out_ms if i in sent_ms)
    figures: dict[str, Any] = {
        "rate_per_s": round(rate, 1),
        "achieved_rate_per_s": round(len(sent_ms) / send_seconds, 1) if send_seconds else None,
        "articles": len(corpus),
        "out": len(collected.out_ms),
        "error": collected.error,
    }
    if len(latencies) >= 2:
        cuts = statistics.quantiles(latencies, n=100, method="inclusive")
        figures.update(
            p50_ms=round(cuts[49], 1),
            p95_ms=round(cuts[94], 1),
            p99_ms=round(cuts[98], 1),
            max_ms=latencies[-1],
        )
    if hops:
        # send -> ingest's pack -> prepare's pack -> the clean event (the stage that wrote it)
        figures["hops"] = {
            stage: {k: round(v, 1) for k, v in cut.items()}
            for stage, cut in zip(("ingest", "prepare", "decide"), hops, strict=True)
        }
    return figures


def median_round(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The latency figures of the round whose p99 is the median of the rounds' (the lower
    middle one of an even count), with every round's p50/p95/p99 under `rounds`.

    One 30-second run's p99 is the latency of its slowest ~70 articles, and on a shared
    machine it moved from 204 to 383 ms between two runs of the same commit (BENCHMARKS.md):
    the median round is a figure a second run is likely to repeat, and the spread says how
    far it can be trusted. A whole round is kept, not each quantile's median, so that its
    p50, p99 and hops come from one run and agree with each other. A round that failed is
    kept in `rounds` and chosen only when none succeeded."""
    quantiles = ("p50_ms", "p95_ms", "p99_ms")
    summary = [{k: r.get(k) for k in (*quantiles, "error") if r.get(k) is not None} for r in rounds]
    measured = sorted((r for r in rounds if r.get("p99_ms") is not None), key=lambda r: r["p99_ms"])
    chosen = dict(measured[(len(measured) - 1) // 2] if measured else rounds[0])
    if len(rounds) > 1:
        chosen["rounds"] = summary
    return chosen


async def warm_up(
    bootstrap: str,
    layout: Layout,
    procs: Sequence[Proc],
    warmup: Corpus,
    client: Any,
    run: RunOptions,
) -> str | None:
    """Send a few unrelated articles and wait until they are out and every worker is ready."""
    collector = Collector(bootstrap, layout.out, set(warmup.ids), warmup.id_of)
    collecting = asyncio.create_task(collector.run(procs, run.timeout, run.stall, run.first_wait))
    pending = [
        await client.send(layout.raw, value, key=key)
        for key, value in zip(warmup.keys, warmup.values, strict=True)
    ]
    await asyncio.gather(*pending)
    collected = await collecting
    if collected.error:
        return f"warm-up: {collected.error}"
    ports = [p.web_port for p in procs if p.web_port]
    deadline = time.monotonic() + run.first_wait
    while ports and time.monotonic() < deadline:
        codes = [await asyncio.to_thread(http_status, port, "/readyz") for port in ports]
        if all(code == 200 for code in codes):
            return None
        await asyncio.sleep(0.2)
    return None if not ports else "workers never all ready (/readyz)"


async def paced_send(
    client: Any, topic: str, corpus: Corpus, rate: float, sent_ms: dict[str, int]
) -> float:
    """Send every article at `rate`/s (in 5 ms ticks), stamping each record with its send time."""
    started = time.monotonic()
    index = 0
    pending = []
    n = len(corpus)
    while index < n:
        due = min(n, int((time.monotonic() - started) * rate) + 1)
        while index < due:
            now_ms = int(time.time() * 1000)
            article_id = corpus.articles[index].id
            sent_ms[article_id] = now_ms
            pending.append(
                await client.send(
                    topic, corpus.values[index], key=corpus.keys[index], timestamp_ms=now_ms
                )
            )
            index += 1
        await asyncio.sleep(0.005)
    await asyncio.gather(*pending)
    return time.monotonic() - started


# -- the profile ---------------------------------------------------------------------------------


def run_stages(
    articles: Sequence[Article],
    partitions: int,
    hook: Callable[[str], Any],
    *,
    time_ordered: bool = False,
    prepare_split: dict[str, float] | None = None,
) -> list[float]:
    """IngestStage → PrepareStage → DecideStage over the articles, in process, no broker.

    `hook(stage)` returns a context manager wrapped around each stage's loop (a timer or a
    profiler). The records between stages are what the topics would carry. Returns the decide
    stage's µs per article for each successive 1,000 articles: a cost that grows with the window
    shows up there. `time_ordered` sequences the articles in publication order instead of the
    stream's interleaving: every article then advances the event-time watermark (the worst case
    for work done per watermark advance).
    """
    from prometheus_client import CollectorRegistry

    from syndic.batch import build_decider, build_preparer
    from syndic.metrics import Metrics
    from syndic.settings import load_settings
    from syndic.stream.stages import DecideStage, IngestStage, InMessage, PrepareStage

    settings = load_settings(overrides={"raw_partitions": partitions}, env={})
    metrics = Metrics(registry=CollectorRegistry())
    preparer = build_preparer(settings)
    now_ms = int(time.time() * 1000)
    raw = [
        InMessage(settings.topic_raw, i % partitions, i, a.id.encode(), a.value(), now_ms)
        for i, a in enumerate(articles)
    ]
    ingest = IngestStage(settings, metrics, preparer)
    with hook("ingest"):
        routed = [ingest.process(m) for m in raw]
    by_source = [
        InMessage(o.topic, zlib.crc32(o.key) % partitions, i, o.key, o.value, now_ms)
        for i, o in enumerate(routed)
    ]
    untime = _time_prepare_steps(preparer, prepare_split) if prepare_split is not None else None
    prepare = PrepareStage(settings, metrics, preparer)
    memories: dict[int, dict[str, Any]] = {p: {} for p in range(partitions)}
    try:
        with hook("prepare"):
            prepared = [prepare.process(m, memories[m.partition])[0] for m in by_source]
    finally:
        if untime is not None:
            untime()
    # The sequencing topic interleaves the prepare agents' batches from the by-source
    # partitions; a round robin of batch-sized runs per partition comes close to that order
    # (event times then advance unevenly, as they do in the stream).
    runs: dict[int, list[bytes]] = {}
    for source_message, out in zip(by_source, prepared, strict=True):
        if out.topic == settings.internal("sequenced"):
            runs.setdefault(source_message.partition, []).append(out.value)
    order: list[bytes] = []
    for start_at in range(0, max((len(v) for v in runs.values()), default=0), settings.batch_size):
        for partition in sorted(runs):
            order.extend(runs[partition][start_at : start_at + settings.batch_size])
    if time_ordered:
        order = [o.value for o in prepared if o.topic == settings.internal("sequenced")]
    sequenced = [
        InMessage(settings.internal("sequenced"), 0, i, None, value, now_ms)
        for i, value in enumerate(order)
    ]
    decide = DecideStage(settings, metrics, build_decider(settings, {}))
    chunks: list[float] = []
    with hook("decide"):
        mark = time.perf_counter()
        for number, message in enumerate(sequenced, start=1):
            decide.process(message)
            if number % 1000 == 0 or number == len(sequenced):
                now = time.perf_counter()
                chunks.append(round((now - mark) / (number - 1000 * len(chunks)) * 1e6, 1))
                mark = now
    return chunks


def _time_prepare_steps(preparer: Any, seconds: dict[str, float]) -> Callable[[], None]:
    """Add the seconds spent normalizing and fingerprinting to `seconds`, by step, and those
    of language detection, a part of normalizing (articles without a `lang`). The two steps
    share the chunk table and the normalizer looks each text's chunks up first
    (`terms.chunk_ids`), so those lookups count under normalize. Returns the undo of the
    module-level timer (detection is a module function)."""
    from syndic.core.normalize import language

    def timed(step: str, call: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                seconds[step] = seconds.get(step, 0.0) + time.perf_counter() - started

        return run

    preparer.normalizer.normalize = timed("normalize", preparer.normalizer.normalize)
    preparer.fingerprinter.compute = timed("fingerprint", preparer.fingerprinter.compute)
    detect = language.detect
    language.detect = timed("language (in normalize)", detect)

    def untime() -> None:
        language.detect = detect

    return untime


def aggregate_pyinstrument(root: Any, top: int) -> list[dict[str, Any]]:
    """Self and inclusive seconds per function from a pyinstrument frame tree."""
    selfs: dict[str, float] = {}
    totals: dict[str, float] = {}

    def label(frame: Any) -> str:
        return f"{frame.function} ({frame.file_path_short}:{frame.line_no})"

    def walk(frame: Any, on_path: frozenset[str]) -> None:
        name = label(frame)
        own = sum(c.time for c in frame.children if c.identifier == "[self]")
        selfs[name] = selfs.get(name, 0.0) + own
        if name not in on_path:
            totals[name] = totals.get(name, 0.0) + frame.time
        for child in frame.children:
            if child.identifier != "[self]":
                walk(child, on_path | {name})

    walk(root, frozenset())
    whole = root.time or 1.0
    ranked = sorted(selfs.items(), key=lambda item: item[1], reverse=True)[:top]
    return [
        {
            "function": name,
            "self_s": round(own, 4),
            "self_pct": round(100 * own / whole, 1),
            "total_pct": round(100 * totals.get(name, 0.0) / whole, 1),
        }
        for name, own in ranked
    ]


def profile(articles: Sequence[Article], partitions: int, top: int = 12) -> dict[str, Any]:
    """Per-article cost of each stage (timed run), then the top functions (profiled run)."""
    timings: dict[str, float] = {}

    @contextlib.contextmanager
    def timer(stage: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        timings[stage] = time.perf_counter() - started

    steps: dict[str, float] = {}
    chunks = run_stages(articles, partitions, timer, prepare_split=steps)
    n = len(articles)
    result: dict[str, Any] = {
        "articles": n,
        "us_per_article": {s: round(t / n * 1e6, 1) for s, t in timings.items()},
        "prepare_us_per_article": {s: round(t / n * 1e6, 1) for s, t in steps.items()},
        "stage_rate_per_s": {s: round(n / t, 1) for s, t in timings.items() if t > 0},
        "decide_us_per_article_by_1000": chunks,
        "top": {},
    }
    try:
        from pyinstrument import Profiler

        result["profiler"] = "pyinstrument"

        @contextlib.contextmanager
        def profiled(stage: str) -> Iterator[None]:
            profiler = Profiler(interval=0.0005)
            profiler.start()
            yield
            profiler.stop()
            session = profiler.last_session
            if session is not None:
                result["top"][stage] = aggregate_pyinstrument(session.root_frame(), top)

    except ImportError:
        import cProfile
        import pstats

        result["profiler"] = "cProfile"

        @contextlib.contextmanager
        def profiled(stage: str) -> Iterator[None]:
            prof = cProfile.Profile()
            prof.enable()
            yield
            prof.disable()
            stats = pstats.Stats(prof)
            whole = sum(v[2] for v in stats.stats.values()) or 1.0  # type: ignore[attr-defined]
            rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]  # type: ignore[attr-defined]
            result["top"][stage] = [
                {
                    "function": f"{fn} ({Path(path).name}:{line})",
                    "self_s": round(v[2], 4),
                    "self_pct": round(100 * v[2] / whole, 1),
                    "total_pct": round(100 * v[3] / whole, 1),
                }
                for (path, line, fn), v in rows
            ]

    run_stages(articles, partitions, profiled)
    ordered: dict[str, float] = {}

    @contextlib.contextmanager
    def decide_timer(stage: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        ordered[stage] = time.perf_counter() - started

    ordered_chunks = run_stages(articles, partitions, decide_timer, time_ordered=True)
    result["decide_time_ordered"] = {
        "us_per_article": round(ordered["decide"] / n * 1e6, 1),
        "us_per_article_by_1000": ordered_chunks,
    }
    decide_us = result["us_per_article"].get("decide")
    if decide_us:
        result["decide_ceiling_per_s"] = round(1e6 / decide_us, 1)
    return result


# -- report --------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    commit = None
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, timeout=5, cwd=Path(__file__).parent,
        ).stdout.strip() or None  # fmt: skip
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "git_commit": commit,
    }


def ratios(results: dict[str, dict[str, Any]]) -> None:
    def rate(name: str) -> float | None:
        value = results.get(name, {}).get("throughput_per_s")
        return float(value) if value else None

    for figures in results.values():
        mine = figures.get("throughput_per_s")
        for ref, key in (("datasketch", "x_datasketch"), ("aiokafka", "x_aiokafka")):
            base = rate(ref)
            figures[key] = round(mine / base, 2) if mine and base else None


def render_table(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    def fmt(value: Any, digits: int = 0) -> str:
        if value is None:
            return "n/a"
        return f"{value:,.{digits}f}" if isinstance(value, int | float) else str(value)

    table = Table(
        title=f"{report['config']['articles']:,} articles, {report['config']['partitions']} "
        f"partitions, {report['machine']['nproc']} cores ({report['machine']['cpu_model']})"
    )
    for column in (
        "system", "articles/s", "steady/s", "warm/s", "× datasketch", "× aiokafka", "CPU s/1k",
        "broker CPU s/1k", "RSS MB", "p50 ms", "p95 ms", "p99 ms", "state B/art",
        "changelog B/art", "out",
    ):  # fmt: skip
        table.add_column(column, justify="left" if column == "system" else "right")
    for figures in report["systems"].values():
        latency = figures.get("latency") or {}
        n, out = figures.get("articles", 0), figures.get("out", 0)
        out_text = f"{out:,}" if out == n else f"{out:,}/{n:,}"
        table.add_row(
            figures["label"],
            fmt(figures.get("throughput_per_s")),
            fmt(figures.get("steady_per_s")),
            fmt((figures.get("warm") or {}).get("throughput_per_s")),
            fmt(figures.get("x_datasketch"), 2),
            fmt(figures.get("x_aiokafka"), 2),
            fmt(figures.get("cpu_s_per_1k"), 2),
            fmt(figures.get("broker_cpu_s_per_1k"), 2),
            fmt(figures.get("peak_rss_mb")),
            fmt(latency.get("p50_ms")),
            fmt(latency.get("p95_ms")),
            fmt(latency.get("p99_ms")),
            fmt(figures.get("state_bytes_per_article_metric")),
            fmt(figures.get("state_bytes_per_article_changelog")),
            out_text,
        )
    Console(width=None if sys.stdout.isatty() else 200).print(table)
    if any("latency" in figures for figures in report["systems"].values()):
        print(f"latency measured at {report['latency_rate_per_s']:,.0f} articles/s")
    for figures in report["systems"].values():
        hops = (figures.get("latency") or {}).get("hops")
        if hops:
            parts = [
                f"{stage} {cut['p50_ms']:.0f}/{cut['p95_ms']:.0f}/{cut['p99_ms']:.0f}"
                for stage, cut in hops.items()
            ]
            print(f"{figures['label']}, latency by hop p50/p95/p99 ms: {', '.join(parts)}")
    for figures in report["systems"].values():
        by_round = (figures.get("latency") or {}).get("rounds")
        if by_round:
            p99s = " / ".join(fmt(r.get("p99_ms")) for r in by_round)
            print(f"{figures['label']}, p99 ms by round: {p99s} (the median round is shown)")
    for figures in report["systems"].values():
        for problem in filter(
            None, [figures.get("error"), (figures.get("latency") or {}).get("error")]
        ):
            print(f"{figures['system']}: {problem}")


def render_profile(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console(width=None if sys.stdout.isatty() else 160)
    costs = ", ".join(f"{s} {us:,.0f} µs" for s, us in result["us_per_article"].items())
    con.print(f"per article over {result['articles']:,} articles: {costs}")
    split = result.get("prepare_us_per_article", {})
    steps = ", ".join(f"{s} {us:,.0f} µs" for s, us in split.items())
    if steps:
        con.print(f"  of prepare: {steps}")
    if result.get("decide_ceiling_per_s"):
        con.print(
            f"decide stage alone: {result['decide_ceiling_per_s']:,.0f} articles/s on one core"
        )
    chunks = result.get("decide_us_per_article_by_1000") or []
    if chunks:
        con.print("decide µs/article per 1,000 articles: " + ", ".join(f"{c:,.0f}" for c in chunks))
    ordered = result.get("decide_time_ordered")
    if ordered:
        steps = ", ".join(f"{c:,.0f}" for c in ordered["us_per_article_by_1000"])
        con.print(
            f"decide in publication order: {ordered['us_per_article']:,.0f} µs/article "
            f"(per 1,000: {steps})"
        )
    for stage, rows in result["top"].items():
        table = Table(title=f"{stage}: top functions by self time ({result['profiler']})")
        for column in ("function", "self s", "self %", "incl. %"):
            table.add_column(column, justify="left" if column == "function" else "right")
        for row in rows:
            table.add_row(
                row["function"], f"{row['self_s']:.3f}", f"{row['self_pct']:.1f}",
                f"{row['total_pct']:.1f}",
            )  # fmt: skip
        con.print(table)


# -- command line --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m syndic.benchmarks.pipeline",
        description="Benchmark syndic against reference pipelines on the same generated articles.",
    )
    parser.add_argument(
        "--articles", type=int, default=None, help="articles (10,000; 300 with --smoke)"
    )
    parser.add_argument("--partitions", type=int, default=8, help="raw/output partitions (8)")
    parser.add_argument(
        "--broker", default=None, help="host:port of a broker (default: embedded Tansu per run)"
    )
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument(
        "--only", default=None, help=f"comma-separated systems out of {','.join(SYSTEMS)}"
    )
    parser.add_argument(
        "--smoke", action="store_true", help="300 articles, each system once (cold drain only)"
    )
    parser.add_argument("--seed", type=int, default=8, help="generator seed (8)")
    parser.add_argument(
        "--latency-rate", type=float, default=None,
        help="articles/s for the latency runs (default: half of syndic's 1-worker throughput)",
    )  # fmt: skip
    parser.add_argument(
        "--latency-seconds", type=float, default=30.0,
        help="at most this many seconds of paced sending per latency run (30)",
    )  # fmt: skip
    parser.add_argument(
        "--latency-rounds", type=positive_int, default=1,
        help="latency runs per system, the systems taking turns; the median p99's run is "
        "reported, with every round's quantiles (1)",
    )  # fmt: skip
    parser.add_argument("--no-latency", action="store_true", help="skip the latency runs")
    parser.add_argument(
        "--no-warm", action="store_true", help="skip the throughput runs on warmed-up systems"
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile the stages in process (no broker)"
    )
    parser.add_argument(
        "--profile-worker", action="store_true",
        help="sample a live 1-worker drain with py-spy (4,000 articles unless --articles)",
    )  # fmt: skip
    parser.add_argument("--timeout", type=float, default=None, help="seconds per run")
    parser.add_argument(
        "--keep-logs", action="store_true", help="keep the processes' logs (path printed)"
    )
    return parser


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def choose_systems(only: str | None) -> list[str]:
    if not only:
        return list(SYSTEMS)
    chosen = [s.strip() for s in only.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in SYSTEMS]
    if unknown:
        raise SystemExit(f"unknown systems {unknown}; choose from {list(SYSTEMS)}")
    return chosen


async def benchmark(args: argparse.Namespace, corpus: Corpus, run: RunOptions) -> dict[str, Any]:
    systems = choose_systems(args.only)
    results: dict[str, dict[str, Any]] = {}
    for system in systems:
        console(f"[bench] {system}: throughput on {len(corpus):,} articles")
        try:
            results[system] = await measure_throughput(system, corpus, run)
        except Exception as exc:  # a failing system is reported, the others still run
            results[system] = {"system": system, "label": SYSTEMS[system], "error": repr(exc)}
        console(f"[bench] {system}: {results[system].get('throughput_per_s')} articles/s")
    if not args.no_warm:
        warmup = warmup_corpus(50, args.seed)
        for system in systems:
            console(f"[bench] {system}: warm throughput (running system, burst of articles)")
            try:
                warm = await measure_throughput(system, corpus, run, warmup)
            except Exception as exc:
                warm = {"error": repr(exc)}
            results[system]["warm"] = {k: warm.get(k) for k in WARM_FIELDS}
            console(f"[bench] {system}: warm {warm.get('throughput_per_s')} articles/s")
    rate = args.latency_rate
    if rate is None:
        base = results.get("syndic-1w", {}).get("throughput_per_s")
        rate = base / 2 if base else None
    if not args.no_latency and rate:
        count = max(20, min(len(corpus), int(rate * args.latency_seconds)))
        subset = Corpus.build(corpus.articles[:count], args.seed + 1)
        warmup = warmup_corpus(min(50, max(10, count // 10)), args.seed)
        measured = [
            s
            for s in systems
            if not (results[s].get("error") and not results[s].get("throughput_per_s"))
        ]
        rounds: dict[str, list[dict[str, Any]]] = {s: [] for s in measured}
        # the systems take turns in every round, so that a machine whose speed drifts
        # (BENCHMARKS.md) moves every system's rounds alike
        for number in range(1, args.latency_rounds + 1):
            for system in measured:
                of = f", round {number} of {args.latency_rounds}" if args.latency_rounds > 1 else ""
                console(f"[bench] {system}: latency at {rate:,.0f}/s over {count:,} articles{of}")
                try:
                    figures = await measure_latency(system, subset, warmup, rate, run)
                except Exception as exc:
                    figures = {"rate_per_s": rate, "error": repr(exc)}
                rounds[system].append(figures)
        for system, figures_by_round in rounds.items():
            results[system]["latency"] = median_round(figures_by_round)
    ratios(results)
    return {"latency_rate_per_s": rate, "systems": results}


def finish(report: dict[str, Any], json_path: Path | None) -> int:
    """The load after the run, and the report as JSON when asked for."""
    report["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    if json_path:
        json_path.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(argv) if argv is not None else None)
    if args.articles is None:
        args.articles = 300 if args.smoke else 4_000 if args.profile_worker else 10_000
    if args.smoke:
        args.no_latency = args.no_warm = True
    console(f"[bench] generating {args.articles:,} articles (seed {args.seed})")
    articles = ArticleGenerator(seed=args.seed).generate(args.articles)
    report: dict[str, Any] = {
        "machine": machine(),
        "config": {
            "articles": args.articles,
            "partitions": args.partitions,
            "seed": args.seed,
            "smoke": args.smoke,
            "broker": args.broker or "embedded Tansu, fresh per run",
            "command": "python -m syndic.benchmarks.pipeline " + " ".join(argv or sys.argv[1:]),
        },
        "corpus": corpus_summary(articles),
    }
    if args.profile:
        console("[bench] profiling the stages in process")
        report["profile"] = profile(articles, args.partitions)
        render_profile(report["profile"])
        return finish(report, args.json)
    if args.profile_worker:
        from syndic.benchmarks.worker_profile import profile_worker, render_worker_profile

        console("[bench] sampling a live worker with py-spy")
        report["worker_profile"] = profile_worker(articles, args.partitions)
        render_worker_profile(report["worker_profile"])
        return finish(report, args.json)
    workdir = Path(tempfile.mkdtemp(prefix="syndic-bench-"))
    run = RunOptions(
        broker=args.broker,
        partitions=args.partitions,
        workdir=workdir,
        run_id=f"{os.getpid()}-{int(time.time())}",
        timeout=args.timeout or max(180.0, args.articles / 20),
    )
    corpus = Corpus.build(articles, args.seed)
    try:
        report.update(asyncio.run(benchmark(args, corpus, run)))
    finally:
        if args.keep_logs:
            console(f"[bench] logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    render_table(report)
    finish(report, args.json)
    failed = [s for s, f in report["systems"].items() if f.get("error") or not f.get("complete")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
