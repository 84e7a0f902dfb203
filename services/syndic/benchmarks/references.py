"""The reference systems the benchmark puts beside syndic, each run as its own process.

Why subprocesses: the benchmark measures every system the same way (CPU seconds from
/proc/<pid>/stat, peak RSS from /proc/<pid>/status, first-in to last-out from record timestamps),
and a reference sharing the harness's interpreter would be measured with the harness in it.

    python -m syndic.benchmarks.references faust      --broker HOST:PORT --in T --out T2
    python -m syndic.benchmarks.references aiokafka   --broker HOST:PORT --in T --out T2
    python -m syndic.benchmarks.references datasketch --broker HOST:PORT --in T --out T2

- `faust`: the naive faust agent a newcomer writes: one record at a time, `await topic.send()`
  per record. Default faust settings except a 10 s session timeout (as syndic's default; faust's
  60 s makes every group join wait about 30 s on Tansu) and no web server (its default port 6066
  would collide with other processes; it does not touch the record path).
- `aiokafka`: a plain consume-produce loop (getmany, send, wait for the acks, commit): the cost of
  moving records through the broker and the client, and nothing else.
- `datasketch`: the pipeline a user would assemble instead of syndic: the same loop, sha256 of the
  case-folded words for exact copies, and datasketch MinHashLSH (threshold 0.8, 128 permutations,
  5-word shingles, `update_batch`) for near copies, one verdict per article. The permutations are
  computed once and reused (datasketch documents this); the index has no time window (the
  benchmark's runs are short). Plaintext brokers only: the references take no TLS/SASL options.

Every producer waits for acks from all replicas (acks=all), as syndic's does. SIGTERM/SIGINT end
the loop cleanly: the consumer leaves its group and the producer flushes.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import re
import signal
import sys
from collections.abc import Callable, Iterable
from typing import Any

import orjson

Handler = Callable[[bytes | None, bytes | None], Iterable[tuple[bytes | None, bytes]]]
SYSTEMS = ("faust", "aiokafka", "datasketch")
_WORD = re.compile(r"\w+")


class DatasketchDeduper:
    """sha256 exact matching plus MinHashLSH near matching, as a user would write it."""

    def __init__(self, threshold: float = 0.8, num_perm: int = 128, shingle: int = 5) -> None:
        from datasketch import MinHash, MinHashLSH

        self._minhash = MinHash
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle = shingle
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        template = MinHash(num_perm=num_perm)
        self._permutations = template.permutations
        self._scheme = template.scheme
        self.exact: dict[str, str] = {}
        self.signatures: dict[str, Any] = {}

    def verdict(self, raw: dict[str, Any]) -> dict[str, Any]:
        """unique, exact or near (with the estimated Jaccard similarity) for one raw article."""
        article_id = str(raw.get("id"))
        words = _WORD.findall(str(raw.get("text") or raw.get("html") or "").casefold())
        digest = hashlib.sha256(" ".join(words).encode()).hexdigest()
        original = self.exact.get(digest)
        if original is not None:
            return {"id": article_id, "status": "exact", "duplicate_of": original, "similarity": 1}
        k = self.shingle
        shingles = {" ".join(words[i : i + k]).encode() for i in range(max(1, len(words) - k + 1))}
        signature = self._minhash(
            num_perm=self.num_perm, permutations=self._permutations, scheme=self._scheme
        )
        signature.update_batch(shingles)
        best: tuple[float, str] | None = None
        for candidate in self.lsh.query(signature):
            similarity = signature.jaccard(self.signatures[candidate])
            if best is None or similarity > best[0]:
                best = (similarity, candidate)
        self.exact[digest] = article_id if best is None else best[1]
        if best is not None and best[0] >= self.threshold:
            return {
                "id": article_id,
                "status": "near",
                "duplicate_of": best[1],
                "similarity": round(best[0], 4),
            }
        self.lsh.insert(article_id, signature)
        self.signatures[article_id] = signature
        return {"id": article_id, "status": "unique", "duplicate_of": None, "similarity": None}

    def handle(
        self, key: bytes | None, value: bytes | None
    ) -> Iterable[tuple[bytes | None, bytes]]:
        try:
            raw = orjson.loads(value or b"null")
        except orjson.JSONDecodeError:
            return []
        if not isinstance(raw, dict):
            return []
        verdict = self.verdict(raw)
        return [(verdict["id"].encode(), orjson.dumps(verdict))]


def passthrough(key: bytes | None, value: bytes | None) -> Iterable[tuple[bytes | None, bytes]]:
    return [(key, value or b"")]


async def consume_produce(args: argparse.Namespace, handler: Handler) -> None:
    """getmany → handler → send every output → wait for all acks → commit; until SIGTERM."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    consumer = AIOKafkaConsumer(
        args.in_topic,
        bootstrap_servers=args.broker,
        group_id=args.group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        session_timeout_ms=10_000,
        heartbeat_interval_ms=1_000,
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=args.broker, acks="all", max_request_size=4 * 1024 * 1024
    )
    await producer.start()
    try:
        await consumer.start()
        try:
            while not stop.is_set():
                batches = await consumer.getmany(timeout_ms=100, max_records=1000)
                pending = []
                for messages in batches.values():
                    for message in messages:
                        for key, value in handler(message.key, message.value):
                            pending.append(await producer.send(args.out_topic, value, key=key))
                if pending:
                    await asyncio.gather(*pending)
                if batches:
                    await consumer.commit()
        finally:
            await consumer.stop()
    finally:
        await producer.stop()


def run_faust(args: argparse.Namespace) -> None:
    """The naive faust pass-through agent, run by faust's Worker like `syndic worker` is."""
    import faust

    app = faust.App(
        args.group,
        broker=f"kafka://{args.broker}",
        broker_session_timeout=10.0,
        web_enabled=False,
    )
    source, target = (
        app.topic(name, key_type=bytes, value_type=bytes, key_serializer="raw",
                  value_serializer="raw")
        for name in (args.in_topic, args.out_topic)
    )  # fmt: skip

    @app.agent(source)
    async def passthrough_agent(stream: Any) -> None:
        async for event in stream.events():
            await target.send(key=event.key, value=event.value)

    sys.argv = [sys.argv[0], "worker"]
    faust.Worker(app, loglevel="warning", quiet=True).execute_from_commandline()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m syndic.benchmarks.references",
        description="Reference systems for syndic's benchmark (run until SIGTERM).",
    )
    parser.add_argument("system", choices=SYSTEMS)
    parser.add_argument("--broker", required=True, help="bootstrap servers, host:port")
    parser.add_argument("--in", dest="in_topic", required=True, help="topic to read")
    parser.add_argument("--out", dest="out_topic", required=True, help="topic to write")
    parser.add_argument("--group", default=None, help="consumer group (default: bench-SYSTEM)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.broker = ",".join(part.split("://", 1)[-1] for part in args.broker.split(","))
    args.group = args.group or f"bench-{args.system}"
    if args.system == "faust":
        run_faust(args)
        return 0
    handler: Handler = passthrough if args.system == "aiokafka" else DatasketchDeduper().handle
    asyncio.run(consume_produce(args, handler))
    return 0


if __name__ == "__main__":
    sys.exit(main())
