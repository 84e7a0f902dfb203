"""Feed articles while SIGKILL/SIGTERM-ing and rescaling workers, then verify the outputs.

Why: at-least-once delivery and a single decision order are promises that only show under
crashes and rebalances. The verifier checks that no input is lost, that every id has one verdict
however often it was delivered, that the decisions equal `syndic.batch.dedup_lines` over the
same sequence, and that the group's committed offsets never move backwards.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from syndic.admin import create_topics
from syndic.batch import dedup_lines
from syndic.broker import EmbeddedBroker, die_with_parent, free_port
from syndic.client import group_offsets_reader
from syndic.settings import Settings, load_settings, namespaced
from syndic.stream.packing import SEQUENCE_STRIDE, unpack

_WORDS = [
    "council",
    "harbour",
    "minister",
    "river",
    "budget",
    "storm",
    "station",
    "market",
    "village",
    "court",
    "bridge",
    "school",
    "festival",
    "farmers",
    "railway",
    "election",
    "museum",
    "airport",
    "hospital",
    "police",
    "energy",
    "water",
    "forest",
    "union",
    "strike",
    "vote",
    "plan",
    "report",
    "season",
    "island",
    "coast",
    "factory",
    "street",
    "mayor",
    "tower",
    "garden",
    "league",
    "trial",
    "price",
    "wind",
    "fire",
    "snow",
    "road",
    "port",
    "bank",
    "trade",
    "health",
    "summit",
    "fleet",
    "orchard",
    "valley",
    "canal",
    "quarry",
    "mill",
    "clinic",
    "library",
    "parish",
    "ferry",
    "tunnel",
    "lighthouse",
    "archive",
]
_VERBS = [
    "approved",
    "delayed",
    "announced",
    "rejected",
    "opened",
    "closed",
    "reviewed",
    "expanded",
    "cut",
    "raised",
]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 12))]
    words.insert(rng.randint(1, len(words) - 1), rng.choice(_VERBS))
    return " ".join(words).capitalize() + "."


def _boilerplate(outlet: int, rng: random.Random) -> tuple[list[str], list[str]]:
    """An outlet's masthead and footer lines, each with its own frequency. The rare ones keep
    crossing the memory's threshold as its counters age, which is where counting a redelivered
    article twice would change what is cut (and so the text and the verdicts)."""
    head = [f"The Outlet {outlet} Courier"] if rng.random() < 0.9 else []
    footers = [
        (f"The outlet {outlet} newsroom thanks its readers", 0.5),
        (f"Outlet {outlet} harbour notices appear on Thursdays", 0.1),
        (f"The outlet {outlet} weather desk expects a calm week", 0.03),
    ]
    return head, [line for line, share in footers if rng.random() < share]


def _paragraphs(sentences: list[str]) -> list[str]:
    return [" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2)]


def generate_articles(count: int, seed: int) -> list[dict[str, Any]]:
    """Synthetic articles: ~10 % exact copies, ~15 % other takes on a known story, rest new;
    each body (paragraphs of two sentences) between its outlet's masthead and some of its
    footer lines."""
    rng = random.Random(seed)
    articles: list[dict[str, Any]] = []
    bodies: list[list[str]] = []
    stories: list[list[str]] = []
    published = "2026-01-15T12:00:00Z"
    for n in range(count):
        roll = rng.random()
        outlet = rng.randint(1, 40)
        source = f"outlet-{outlet}"
        if articles and roll < 0.10:
            original = rng.randrange(len(articles))
            body, title = bodies[original], articles[original]["title"]
        elif stories and roll < 0.25:
            base = rng.choice(stories)
            kept = base[: max(3, len(base) * 2 // 3)]
            body = _paragraphs(kept + [_sentence(rng) for _ in range(rng.randint(2, 5))])
            title = kept[0][:60]
        else:
            sentences = [_sentence(rng) for _ in range(rng.randint(8, 14))]
            stories.append(sentences)
            body, title = _paragraphs(sentences), sentences[0][:60]
        bodies.append(body)
        head, footers = _boilerplate(outlet, rng)
        articles.append(
            {"id": f"chaos-{seed}-{n}", "source": source, "title": title,
             "text": "\n".join([*head, *body, *footers]), "published_at": published}
        )  # fmt: skip
    return articles


@dataclass
class Profile:
    articles: int
    kills: int
    scale: list[int]


FULL = Profile(articles=20_000, kills=10, scale=[1, 3, 1])
SHORT = Profile(articles=1_500, kills=3, scale=[1, 2, 1])


@dataclass
class Result:
    sent: int = 0
    lost: int = 0
    duplicated_deliveries: int = 0
    mismatched_verdicts: int = 0
    mismatched_texts: int = 0
    # same verdict, other figures behind it (story score, closest member, similarity): the
    # stream decided on another window than the replay (docs/reliability.md, causes 10, 11)
    mismatched_scores: int = 0
    # articles whose earliest clean event is later than their first place in the sequencing
    # topic: their first verdict's event is not on the clean topic (diagnostic, not failed on)
    late_first_events: int = 0
    conflicting_verdicts: int = 0
    offset_regressions: int = 0
    kills: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    examples: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (
            self.lost or self.mismatched_verdicts or self.mismatched_texts
            or self.mismatched_scores or self.conflicting_verdicts or self.offset_regressions
        )  # fmt: skip


class Workers:
    """`syndic worker` subprocesses, each with its own web port and log file."""

    def __init__(self, settings: Settings, logdir: Path) -> None:
        self.settings = settings
        self.logdir = logdir
        self.running: list[subprocess.Popen[bytes]] = []
        self.started = 0

    def start(self) -> subprocess.Popen[bytes]:
        # each worker gets its own faust data directory, beside its log, not in the cwd
        data_dir = self.logdir / f"worker-{self.started}-data"
        s = self.settings.replace(web_port=free_port(), data_dir=str(data_dir))
        env = {**os.environ, "SYNDIC_LOG_LEVEL": "info"}
        env.update({f"SYNDIC_{n.upper()}": str(getattr(s, n)) for n in Settings.names()})
        log = (self.logdir / f"worker-{self.started}.log").open("wb")
        self.started += 1
        process = subprocess.Popen(
            [sys.executable, "-m", "syndic", "worker"],
            env=env, stdout=log, stderr=log, preexec_fn=die_with_parent,
        )  # fmt: skip
        log.close()
        self.running.append(process)
        return process

    def stop(self, process: subprocess.Popen[bytes], sig: int, timeout: float = 30) -> None:
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process in self.running:
            self.running.remove(process)

    def scale(self, count: int) -> None:
        while len(self.running) < count:
            self.start()
        while len(self.running) > count:
            self.stop(self.running[-1], signal.SIGTERM)

    def stop_all(self) -> None:
        for process in list(self.running):
            self.stop(process, signal.SIGKILL, timeout=10)


async def _sample_offsets(
    settings: Settings, stop: asyncio.Event, result: Result, period: float = 0.5
) -> None:
    """Poll the group's committed offsets; any value below an earlier one is a regression.

    Read with `group_offsets_reader` (aiokafka's admin OffsetFetch fails on Tansu's answer).
    """
    topics = [settings.topic_raw, settings.internal("by-source"), settings.internal("sequenced")]
    highest: dict[TopicPartition, int] = {}
    async with group_offsets_reader(settings) as consumer:
        parts = [
            TopicPartition(t, p)
            for t in topics
            for p in sorted(consumer.partitions_for_topic(t) or await _partitions(consumer, t))
        ]
        while not stop.is_set():
            for tp in parts:
                try:
                    offset = await consumer.committed(tp)
                except Exception:
                    continue
                if offset is None or offset < 0:
                    continue
                if offset < highest.get(tp, -1):
                    result.offset_regressions += 1
                    result.examples.setdefault("regressions", []).append(
                        f"{tp.topic}[{tp.partition}] {highest[tp]} -> {offset}"
                    )
                highest[tp] = max(highest.get(tp, -1), offset)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), period)


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()
    return consumer.partitions_for_topic(topic) or set()


class LiveCount:
    """Distinct input ids seen so far in clean or DLQ, for catch-up times after each kill."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.ids: set[str] = set()
        self.changed = asyncio.Event()
        self.history: list[tuple[float, int]] = []

    def reached_at(self, target: int, since: float) -> float | None:
        """Seconds from `since` until `target` distinct ids had come out, if they have."""
        for moment, count in self.history:
            if count >= target:
                return round(max(0.0, moment - since), 1)
        return None

    async def run(self, stop: asyncio.Event) -> None:
        consumer = AIOKafkaConsumer(
            self.settings.topic_clean, self.settings.topic_dlq,
            bootstrap_servers=self.settings.bootstrap_servers, group_id=None,
            auto_offset_reset="earliest", enable_auto_commit=False,
        )  # fmt: skip
        await consumer.start()
        try:
            while not stop.is_set():
                batches = await consumer.getmany(timeout_ms=200, max_records=2000)
                for messages in batches.values():
                    for m in messages:
                        self.ids.add(_record_id(m.topic, m.key, m.value))
                if batches:
                    self.history.append((time.monotonic(), len(self.ids)))
                    self.changed.set()
        finally:
            await consumer.stop()


def _record_id(topic: str, key: bytes | None, value: bytes | None) -> str:
    body = orjson.loads(value or b"{}")
    if "id" in body:
        return str(body["id"])
    original = body.get("original_b64") or body.get("original")
    if isinstance(original, str):
        import base64

        try:
            return str(orjson.loads(base64.b64decode(original)).get("id"))
        except Exception:
            pass
    return (key or b"").decode(errors="replace")


async def _read_all(settings: Settings, topics: list[str], idle: float) -> list[Any]:
    """Every record of `topics` until `idle` seconds pass with nothing new (the end)."""
    consumer = AIOKafkaConsumer(
        *topics, bootstrap_servers=settings.bootstrap_servers, group_id=None,
        auto_offset_reset="earliest", enable_auto_commit=False,
        fetch_max_bytes=50 * 1024 * 1024,
    )  # fmt: skip
    await consumer.start()
    out: list[Any] = []
    last = time.monotonic()
    try:
        while time.monotonic() - last < idle:
            batches = await consumer.getmany(timeout_ms=300, max_records=5000)
            for messages in batches.values():
                out.extend(messages)
                if messages:
                    last = time.monotonic()
    finally:
        await consumer.stop()
    return out


async def _wait_for_count(live: LiveCount, target: int, timeout: float) -> float | None:
    started = time.monotonic()
    while len(live.ids) < target:
        if time.monotonic() - started > timeout:
            return None
        live.changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(live.changed.wait(), 1.0)
    return time.monotonic() - started


async def run_chaos(
    settings: Settings, profile: Profile, seed: int, logdir: Path, *, settle: float = 240.0
) -> Result:
    """Feed, kill, rescale, then verify; workers are always killed before this returns."""
    result = Result()
    started = time.monotonic()
    rng = random.Random(seed)
    articles = generate_articles(profile.articles, seed)
    lines = {a["id"]: orjson.dumps(a) for a in articles}
    await create_topics(settings)
    workers = Workers(settings, logdir)
    stop = asyncio.Event()
    live = LiveCount(settings)
    background = [
        asyncio.create_task(_sample_offsets(settings, stop, result)),
        asyncio.create_task(live.run(stop)),
    ]
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers, acks="all", linger_ms=5
    )
    await producer.start()
    try:
        workers.scale(profile.scale[0])
        chunks = max(profile.kills + len(profile.scale), 1) * 2
        size = -(-len(articles) // chunks)
        kill_at = sorted(rng.sample(range(1, chunks), min(profile.kills, chunks - 1)))
        scale_at = {
            round(i * chunks / len(profile.scale)): n for i, n in enumerate(profile.scale) if i
        }
        sent = 0
        for chunk in range(chunks):
            futures = []
            for article in articles[chunk * size : (chunk + 1) * size]:
                key = rng.randbytes(8)
                value = lines[article["id"]]
                futures.append(await producer.send(settings.topic_raw, key=key, value=value))
            await asyncio.gather(*futures)
            sent += len(futures)
            # pace the feed: kills must land while workers are busy, not while they start up
            await _wait_for_count(live, sent - len(futures), settle)
            if chunk in scale_at:
                workers.scale(scale_at[chunk])
            if chunk in kill_at and workers.running:
                # a random moment inside the next stretch of feeding
                await asyncio.sleep(rng.uniform(0.5, 3.0))
                victim = rng.choice(workers.running)
                sig = rng.choice([signal.SIGKILL, signal.SIGTERM])
                kill_started = time.monotonic()
                workers.stop(victim, sig)
                workers.start()
                result.kills.append(
                    {"chunk": chunk, "signal": sig.name, "sent_before": sent,
                     "_t": kill_started}
                )  # fmt: skip
        result.sent = sent
        workers.scale(profile.scale[-1])
        await _wait_for_count(live, len(articles), settle)
        for kill in result.kills:
            # catch-up: from the kill until everything sent before it had come out
            kill["catch_up_s"] = live.reached_at(kill["sent_before"], kill.pop("_t"))
        # leave a little time for committed offsets to be sampled after the last batch
        await asyncio.sleep(2 * settings.batch_timeout_s + 1.0)
    finally:
        stop.set()
        await producer.stop()
        await asyncio.gather(*background, return_exceptions=True)
        workers.stop_all()
    await verify(settings, articles, lines, result, dump=logdir / "clean-events.jsonl")
    result.seconds = round(time.monotonic() - started, 1)
    return result


async def verify(
    settings: Settings,
    articles: list[dict[str, Any]],
    lines: dict[str, bytes],
    result: Result,
    dump: Path | None = None,
) -> None:
    """Compare the outputs with the inputs and with the batch decisions over the same order.
    `dump` gets every clean event's verdict and position, to study a failed run afterwards."""
    clean = await _read_all(settings, [settings.topic_clean], idle=3.0)
    if dump is not None:
        _dump_clean(clean, dump)
    sequenced = await _read_all(settings, [settings.internal("sequenced")], idle=1.0)
    first_place = _first_places(sequenced)
    dlq = await _read_all(settings, [settings.topic_dlq], idle=1.0)
    verdicts: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
    texts: dict[str, dict[str, str]] = defaultdict(dict)  # id -> content hash -> text
    deliveries: dict[str, int] = defaultdict(int)
    first_sequence: dict[str, int] = {}
    for m in clean:
        body = orjson.loads(m.value)
        aid = body["id"]
        deliveries[aid] += 1
        verdicts[aid].add(_verdict(body))
        texts[aid][body.get("content_hash")] = body.get("text", "")
        seq = int(body.get("sequence", 0))
        first_sequence[aid] = min(seq, first_sequence.get(aid, seq))
    dlq_ids = {_record_id(m.topic, m.key, m.value) for m in dlq}
    for m in dlq:
        deliveries[_record_id(m.topic, m.key, m.value)] += 1
    missing = [a["id"] for a in articles if a["id"] not in verdicts and a["id"] not in dlq_ids]
    result.lost = len(missing)
    result.examples["lost"] = missing[:10]
    result.duplicated_deliveries = sum(n - 1 for n in deliveries.values() if n > 1)
    conflicting = [aid for aid, v in verdicts.items() if len({x[:3] for x in v}) > 1]
    result.conflicting_verdicts = len(conflicting)
    result.examples["conflicting"] = conflicting[:10]
    order = sorted(first_sequence, key=lambda aid: first_sequence[aid])
    expected = dedup_lines((lines[aid] for aid in order if aid in lines), settings)
    mismatched, mistexted, misscored = [], [], []
    for aid, batch in zip((a for a in order if a in lines), expected, strict=True):
        if batch.get("content_hash") not in texts[aid]:
            # normalized differently: the boilerplate memory saw another history of its source
            mistexted.append(f"{aid} ({batch.get('source')}): {_line_diff(texts[aid], batch)}")
        want = _verdict(batch)
        seen = f"{aid}: stream {sorted(verdicts[aid], key=str)} batch {want}"
        if batch.get("id") != aid or want[:3] not in {v[:3] for v in verdicts[aid]}:
            mismatched.append(seen)
        elif want not in verdicts[aid]:
            misscored.append(seen)
    result.mismatched_verdicts = len(mismatched)
    result.examples["mismatched"] = mismatched[:10]
    late = [a for a in order if first_place.get(a, first_sequence[a]) < first_sequence[a]]
    result.late_first_events = len(late)
    result.examples["late_first_events"] = [
        f"{a}: first placed {first_place[a]}, first clean event {first_sequence[a]}"
        for a in late[:10]
    ]
    result.mismatched_scores = len(misscored)
    result.examples["mismatched_scores"] = misscored[:10]
    result.mismatched_texts = len(mistexted)
    result.examples["mismatched_texts"] = mistexted[:10]


def _first_places(messages: list[Any]) -> dict[str, int]:
    """Each article's first position in the sequencing topic, as a `sequence` value."""
    first: dict[str, int] = {}
    for m in sorted(messages, key=lambda m: m.offset):
        with contextlib.suppress(Exception):
            for index, item in enumerate(unpack(m.value)):
                first.setdefault(str(item["article"]["id"]), m.offset * SEQUENCE_STRIDE + index)
    return first


def _dump_clean(messages: list[Any], path: Path) -> None:
    with path.open("wb") as out:
        for m in messages:
            body = orjson.loads(m.value)
            row = {
                "id": body["id"],
                "sequence": body.get("sequence"),
                "verdict": _verdict(body),
                "partition": m.partition,
                "offset": m.offset,
                "timestamp": m.timestamp,
            }
            out.write(orjson.dumps(row) + b"\n")


def _verdict(clean: dict[str, Any]) -> tuple[Any, ...]:
    """Status, duplicate and story (the verdict), then the figures that explain them
    (similarity, story score and match), which should be equal to the last digit too."""
    dedup = clean.get("dedup") or {}
    similarity = tuple(sorted((dedup.get("similarity") or {}).items()))
    return (
        dedup.get("status"),
        dedup.get("duplicate_of"),
        clean.get("story_id"),
        similarity,
        dedup.get("story_score"),
        dedup.get("story_match"),
    )


def _line_diff(stream_texts: dict[str, str], batch: dict[str, Any]) -> str:
    """Which lines the stream kept or cut where the batch did not, per stream text."""
    want = set(str(batch.get("text", "")).splitlines())
    parts = []
    for text in stream_texts.values():
        got = set(text.splitlines())
        parts.append(f"stream kept {sorted(got - want)} cut {sorted(want - got)}")
    return "; ".join(parts)


def render(result: Result) -> str:
    rows = [
        ("sent", result.sent),
        ("lost", result.lost),
        ("duplicated deliveries", result.duplicated_deliveries),
        ("mismatched verdicts", result.mismatched_verdicts),
        ("mismatched texts", result.mismatched_texts),
        ("mismatched scores", result.mismatched_scores),
        ("late first events", result.late_first_events),
        ("conflicting verdicts", result.conflicting_verdicts),
        ("offset regressions", result.offset_regressions),
        ("seconds", result.seconds),
    ]
    for n, kill in enumerate(result.kills, start=1):
        rows.append((f"kill {n} ({kill['signal']}) catch-up s", kill.get("catch_up_s")))
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def _settings(bootstrap: str, seed: int) -> Settings:
    prefix = f"chaos{seed}-{os.getpid()}-{int(time.time())}"
    return load_settings(
        overrides={
            **namespaced(prefix),
            "broker": bootstrap,
            "session_timeout_s": 6.0,
            "heartbeat_interval_s": 0.5,
        },
        env={},
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m syndic.chaos", description=__doc__)
    parser.add_argument("--articles", type=int, default=None)
    parser.add_argument("--kills", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--broker", default=None, help="host:port; else an embedded Tansu")
    parser.add_argument("--short", action="store_true", help="1,500 articles, 3 kills, 1->2->1")
    parser.add_argument("--json", type=Path, default=None, help="write the result here")
    parser.add_argument("--logs", type=Path, default=None, help="keep worker logs here")
    parser.add_argument(
        "--settle",
        type=float,
        default=None,
        help="seconds to wait for outputs to catch up before the verifier reports what is "
        "missing (240; 75 with --short)",
    )
    args = parser.parse_args(argv)
    base = SHORT if args.short else FULL
    profile = Profile(
        articles=args.articles or base.articles,
        kills=base.kills if args.kills is None else args.kills,
        scale=base.scale,
    )
    broker = None if args.broker else EmbeddedBroker().start()
    try:
        settings = _settings(args.broker or broker.bootstrap, args.seed)  # type: ignore[union-attr]
        with tempfile.TemporaryDirectory(prefix="syndic-chaos-") as tmp:
            logdir = args.logs or Path(tmp)
            logdir.mkdir(parents=True, exist_ok=True)
            settle = args.settle or (75.0 if args.short else 240.0)
            result = asyncio.run(run_chaos(settings, profile, args.seed, logdir, settle=settle))
    finally:
        if broker is not None:
            broker.stop()
    print(render(result))
    if args.json:
        args.json.write_text(json.dumps({**asdict(result), "ok": result.ok}, indent=2))
    return 0 if result.ok else 1
