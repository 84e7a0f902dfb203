"""Cross-partition correctness with two workers, and a window that survives a worker restart."""

from __future__ import annotations

import asyncio
import random

import orjson
import pytest

from syndic.batch import dedup_lines
from syndic.broker import free_port
from syndic.client import produce
from tests.conftest import isolated_settings, make_topics, read_topic, wait_for

pytestmark = [pytest.mark.broker, pytest.mark.slow]

SENTENCES = [
    "The harbour authority reopened the north channel after divers cleared a sunken barge.",
    "Fishing crews had waited four days for the channel to reopen before the storm season.",
    "The mayor promised an inquiry into why the barge was moored so close to the fairway.",
    "Insurance assessors arrived on Tuesday to estimate the cost of the salvage operation.",
    "A spokesperson said no fuel had leaked and the water quality remained normal.",
    "Schools in the valley will open an hour late on Monday because of the fog warning.",
    "The regional orchestra announced a free concert series in the botanical gardens.",
    "Volunteers planted two thousand oak saplings along the old railway embankment.",
]


def article(i: int, rng: random.Random) -> dict:
    body = "\n".join(rng.sample(SENTENCES, k=rng.randint(2, 5)))
    published = f"2024-09-0{1 + rng.randint(0, 2)}T{rng.randint(0, 23):02d}:00:00Z"
    return {"id": f"a{i}", "source": f"outlet-{rng.randint(0, 9)}", "text": body,
            "published_at": published}  # fmt: skip


def corpus(n: int, seed: int) -> list[bytes]:
    """Articles plus exact copies (some re-posted by other outlets) in random order."""
    rng = random.Random(seed)
    originals = [article(i, rng) for i in range(n)]
    copies = [
        {**rng.choice(originals), "id": f"c{j}", "source": f"outlet-{rng.randint(10, 12)}"}
        for j in range(n // 3)
    ]
    records = originals + copies
    rng.shuffle(records)
    return [orjson.dumps(r) for r in records]


def first_per_id(clean: list[dict]) -> list[dict]:
    seen: dict[str, dict] = {}
    for event in sorted(clean, key=lambda c: c["sequence"]):
        seen.setdefault(event["id"], event)
    return list(seen.values())


def verdicts(events: list[dict]) -> list[tuple]:
    return [
        (e["id"], e["dedup"]["status"], e["dedup"]["duplicate_of"], e["story_id"]) for e in events
    ]


async def produce_keyed(settings, records: list[bytes], seed: int) -> None:
    """Produce with random keys so copies land on different raw partitions."""
    from aiokafka import AIOKafkaProducer

    rng = random.Random(seed)
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers, acks="all")
    await producer.start()
    try:
        futures = [
            await producer.send(settings.topic_raw, value=r, key=str(rng.random()).encode())
            for r in records
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


def test_two_workers_on_eight_partitions_give_the_batch_decisions(tansu, start_worker):
    settings = isolated_settings(tansu, raw_partitions=8)
    make_topics(settings)
    workers = [start_worker(settings), start_worker(settings, web_port=free_port())]
    for worker in workers:
        wait_for(lambda w=worker: w.get("/readyz")[0] == 200, 90, "both workers ready")
    records = corpus(150, seed=7)
    asyncio.run(produce_keyed(settings, records, seed=8))
    clean = first_per_id(read_topic(settings, settings.topic_clean, len(records), timeout=120))
    assert len(clean) == len(records)
    by_id = {orjson.loads(r)["id"]: r for r in records}
    replay = list(dedup_lines([by_id[c["id"]] for c in clean], settings))
    assert verdicts(clean) == verdicts(replay)
    statuses = [c["dedup"]["status"] for c in clean]
    assert statuses.count("exact") >= 40
    assert all(w.process.poll() is None for w in workers), "a worker died"
    partitions_used = {orjson.loads(r).get("source") for r in records}
    assert len(partitions_used) > 8


def test_restarted_worker_keeps_its_window(tansu, start_worker):
    settings = isolated_settings(tansu)
    make_topics(settings)
    worker = start_worker(settings)
    rng = random.Random(3)
    before = [article(i, rng) for i in range(20)]
    asyncio.run(produce(settings, [("t", orjson.dumps(a)) for a in before]))
    read_topic(settings, settings.topic_clean, len(before), timeout=90)
    worker.stop()
    assert worker.process.returncode is not None
    restarted = start_worker(settings, web_port=free_port())
    copies = [{**a, "id": f"copy-{a['id']}", "source": "late-outlet"} for a in before[:5]]
    asyncio.run(produce(settings, [("t", orjson.dumps(c)) for c in copies]))
    clean = read_topic(settings, settings.topic_clean, len(before) + len(copies), timeout=120)
    by_id = {c["id"]: c for c in clean}
    for copy in copies:
        decided = by_id[copy["id"]]["dedup"]
        assert decided["status"] == "exact", (copy["id"], decided, restarted.log()[-3000:])
        assert decided["duplicate_of"] is not None
