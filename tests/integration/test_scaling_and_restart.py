"""Cross-partition correctness with two workers, and a window that survives a worker restart."""

from __future__ import annotations

import asyncio
import random

import orjson
import pytest

from syndic.batch import dedup_lines
from syndic.broker import free_port
from syndic.client import produce
from tests.conftest import isolated_settings, make_topics, read_ids, wait_for

pytestmark = [pytest.mark.broker, pytest.mark.slow]

WORDS = [
    "harbour", "channel", "barge", "storm", "council", "inquiry", "valley", "orchestra",
    "railway", "budget", "election", "bridge", "festival", "drought", "river", "school",
    "museum", "airport", "hospital", "market", "factory", "strike", "vaccine", "court",
    "forest", "glacier", "tunnel", "stadium", "library", "ferry", "canal", "reservoir",
    "harvest", "satellite", "mine", "refinery", "census", "pension", "tariff", "senate",
]  # fmt: skip


def body(rng: random.Random) -> str:
    """A text no other generated article shares a sentence with (numbers make it unique)."""
    sentences = []
    for _ in range(rng.randint(3, 5)):
        words = rng.sample(WORDS, 8)
        sentences.append(f"The {' '.join(words)} report counted {rng.randint(10**5, 10**9)} cases.")
    return "\n".join(sentences)


def article(i: int, rng: random.Random) -> dict:
    published = f"2024-09-0{1 + rng.randint(0, 2)}T{rng.randint(0, 23):02d}:00:00Z"
    return {"id": f"a{i}", "source": f"outlet-{rng.randint(0, 9)}", "text": body(rng),
            "published_at": published}  # fmt: skip


def corpus(n: int, seed: int) -> tuple[list[bytes], dict[str, str]]:
    """Distinct articles plus exact copies re-posted by other outlets, in random order; and
    each copy's original."""
    rng = random.Random(seed)
    originals = [article(i, rng) for i in range(n)]
    copies = []
    original_of = {}
    for j in range(n // 3):
        original = rng.choice(originals)
        copies.append({**original, "id": f"c{j}", "source": f"outlet-{rng.randint(10, 12)}"})
        original_of[f"c{j}"] = original["id"]
    records = originals + copies
    rng.shuffle(records)
    return [orjson.dumps(r) for r in records], original_of


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
    records, original_of = corpus(150, seed=7)
    asyncio.run(produce_keyed(settings, records, seed=8))
    by_id = {orjson.loads(r)["id"]: r for r in records}
    first = read_ids(settings, settings.topic_clean, by_id, timeout=120)
    clean = sorted(first.values(), key=lambda c: c["sequence"])
    replay = list(dedup_lines([by_id[c["id"]] for c in clean], settings))
    assert verdicts(clean) == verdicts(replay)
    # every article of one content gets the same story, and all but the first are exact copies
    groups: dict[str, list[dict]] = {}
    for event in clean:
        groups.setdefault(original_of.get(event["id"], event["id"]), []).append(event)
    assert len(groups) == 150
    for members in groups.values():
        head, *rest = members
        assert head["dedup"]["status"] == "unique", head
        for event in rest:
            assert event["dedup"]["status"] == "exact", event
            assert event["dedup"]["duplicate_of"] == head["id"]
            assert event["story_id"] == head["story_id"]
    assert all(w.process.poll() is None for w in workers), "a worker died"
    sources = {orjson.loads(r)["source"] for r in records}
    assert len(sources) > 8
    # the worker that decides prepares one partition less (stream/assignor.py); each worker
    # lists the partitions whose lag it has measured, refreshed every second
    by_source = settings.internal("by-source")
    everything = {(by_source, p) for p in range(8)} | {(settings.internal("sequenced"), 0)}
    held = wait_for(
        lambda: (h := [assigned(w) for w in workers]) and everything <= h[0] | h[1] and h,
        30,
        "both workers' lag listing every by-source and sequenced partition",
    )
    (decider,) = [h for h in held if (settings.internal("sequenced"), 0) in h]
    (other,) = [h for h in held if h is not decider]
    mine = {p for t, p in decider if t == by_source}
    theirs = {p for t, p in other if t == by_source}
    assert (len(mine), len(theirs)) == (3, 5) and mine | theirs == set(range(8))


def assigned(worker) -> set[tuple[str, int]]:
    """The topic partitions a worker consumes, from its /readyz (lag per partition)."""
    _, body = worker.get("/readyz")
    lag = orjson.loads(body)["lag"]
    return {(tp.rsplit(":", 1)[0], int(tp.rsplit(":", 1)[1])) for tp in lag}


def test_restarted_worker_keeps_its_window(tansu, start_worker):
    settings = isolated_settings(tansu)
    make_topics(settings)
    worker = start_worker(settings)
    rng = random.Random(3)
    before = [article(i, rng) for i in range(20)]
    asyncio.run(produce(settings, [("t", orjson.dumps(a)) for a in before]))
    read_ids(settings, settings.topic_clean, [a["id"] for a in before], timeout=90)
    worker.stop()
    assert worker.process.returncode is not None
    restarted = start_worker(settings, web_port=free_port())
    copies = [{**a, "id": f"copy-{a['id']}", "source": "late-outlet"} for a in before[:5]]
    asyncio.run(produce(settings, [("t", orjson.dumps(c)) for c in copies]))
    by_id = read_ids(settings, settings.topic_clean, [c["id"] for c in copies], timeout=120)
    for copy in copies:
        decided = by_id[copy["id"]]["dedup"]
        assert decided["status"] == "exact", (copy["id"], decided, restarted.log()[-3000:])
        assert decided["duplicate_of"] == copy["id"].removeprefix("copy-")
