"""The first end-to-end slice on a real broker: raw in, clean events and DLQ records out."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from syndic.batch import dedup_lines
from syndic.client import produce
from syndic.topics import validator
from tests.conftest import isolated_settings, make_topics, read_ids, read_topic, wait_for

pytestmark = pytest.mark.broker

BODY = (
    "The regional water board said on Monday that reservoir levels had recovered to 82 percent "
    "after three weeks of steady rain, lifting the hosepipe ban that began in June.\n"
    "Officials warned that groundwater would take longer to recover and asked farmers to keep "
    "irrigation to the night hours until the end of the month."
)


def raw(id_: str, source: str, text: str, hour: int) -> bytes:
    return orjson.dumps(
        {"id": id_, "source": source, "text": text, "published_at": f"2024-03-04T{hour:02d}:00:00Z"}
    )


def test_exact_duplicate_is_flagged_on_the_broker(tansu, start_worker):
    settings = isolated_settings(tansu)
    make_topics(settings)
    start_worker(settings)
    first = [
        raw("a1", "first-outlet", BODY, 8),
        raw(
            "b1", "third-outlet", "A ferry ran aground near the harbour mouth; no one was hurt.", 10
        ),
    ]
    # Different sources are prepared in parallel, so their order in the decision topic is not
    # the producer's: the copy is posted once the original has been decided.
    asyncio.run(produce(settings, [("t", r) for r in first]))
    read_ids(settings, settings.topic_clean, ["a1", "b1"], timeout=90)
    copy = raw("a2", "second-outlet", "  " + BODY.replace(" ", "  ") + "\n\n", 9)
    asyncio.run(produce(settings, [("t", copy)]))
    clean = read_ids(settings, settings.topic_clean, ["a1", "a2", "b1"], timeout=90)
    assert clean["a1"]["dedup"]["status"] == "unique"
    assert clean["a2"]["dedup"]["status"] == "exact"
    assert clean["a2"]["dedup"]["duplicate_of"] == "a1"
    assert clean["a2"]["story_id"] == "a1"
    assert clean["b1"]["dedup"]["status"] == "unique"
    for event in clean.values():
        assert not list(validator("clean").iter_errors(event))
    unique = read_topic(settings, settings.topic_unique, 2, timeout=30)
    assert sorted(u["id"] for u in unique) == ["a1", "b1"]
    duplicates = read_topic(settings, settings.topic_duplicates, 1, timeout=30)
    assert duplicates[0]["id"] == "a2" and duplicates[0]["duplicate_of"] == "a1"
    assert not list(validator("duplicate").iter_errors(duplicates[0]))


def test_stream_verdicts_equal_batch_in_the_published_order(tansu, start_worker):
    settings = isolated_settings(tansu)
    make_topics(settings)
    start_worker(settings)
    texts = [BODY, BODY.upper(), BODY + "\nA late paragraph.", BODY]
    records = [raw(f"x{i}", f"s{i % 3}", texts[i % len(texts)], i % 24) for i in range(24)]
    asyncio.run(produce(settings, [("t", r) for r in records]))
    clean = read_topic(settings, settings.topic_clean, len(records), timeout=90)
    by_id = {orjson.loads(r)["id"]: r for r in records}
    ordered = sorted(clean, key=lambda c: c["sequence"])
    replay = list(dedup_lines([by_id[c["id"]] for c in ordered], settings))
    stream_verdicts = [
        (c["id"], c["dedup"]["status"], c["dedup"]["duplicate_of"], c["story_id"]) for c in ordered
    ]
    batch_verdicts = [
        (b["id"], b["dedup"]["status"], b["dedup"]["duplicate_of"], b["story_id"]) for b in replay
    ]
    assert stream_verdicts == batch_verdicts
    assert any(status == "exact" for _, status, _, _ in stream_verdicts)


async def post_tombstone_and_oversize(settings) -> None:
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers, max_request_size=4_000_000
    )
    await producer.start()
    try:
        await (await producer.send(settings.topic_raw, value=None, key=b"deleted-article"))
        big = orjson.dumps({"source": "s", "text": "word " * 30_000})
        await (await producer.send(settings.topic_raw, value=big))
    finally:
        await producer.stop()


def test_rejects_go_to_the_dlq_and_good_records_come_out(tansu, start_worker):
    settings = isolated_settings(tansu, max_record_bytes=100_000)
    make_topics(settings)
    worker = start_worker(settings)
    bad = [b"\xff\xfe not utf-8", b"{not json", b"[1, 2]", b'{"source": 5, "text": "x"}',
           b'{"source": "s"}', b'{"source": "s", "text": " \\u200b \\n "}']  # fmt: skip
    good = [
        raw(f"g{i}", "ok", f"Story number {i} about a local bake sale raising funds.", i)
        for i in range(3)
    ]
    asyncio.run(produce(settings, [("t", r) for r in bad[:3] + good + bad[3:]]))
    asyncio.run(post_tombstone_and_oversize(settings))
    dlq = read_topic(settings, settings.topic_dlq, len(bad) + 2, timeout=90)
    reasons = sorted(d["reason"] for d in dlq)
    assert reasons == sorted(
        ["invalid_utf8", "invalid_json", "not_an_object", "schema_violation", "missing_text",
         "empty_after_cleaning", "tombstone", "too_large"]
    )  # fmt: skip
    oversize = next(d for d in dlq if d["reason"] == "too_large")
    assert oversize["original_size"] > 100_000
    tombstone = next(d for d in dlq if d["reason"] == "tombstone")
    assert tombstone["original_b64"] is None and tombstone["key_b64"] is not None
    originals = {d["original_b64"] for d in dlq}
    import base64

    assert base64.b64encode(bad[0]).decode() in originals
    for record in dlq:
        assert not list(validator("dlq").iter_errors(record))
        assert record["origin"]["topic"] == settings.topic_raw
        assert record["origin"]["offset"] is not None
    clean = read_topic(settings, settings.topic_clean, len(good), timeout=60)
    assert sorted(c["id"] for c in clean) == ["g0", "g1", "g2"]
    _status, body = wait_for(
        lambda: (lambda r: r if r[0] == 200 and b"syndic_dlq_total" in r[1] else None)(
            worker.get("/metrics")
        ),
        30,
        "metrics with DLQ counts",
    )
    assert b'syndic_dlq_total{reason="invalid_json"} 1.0' in body
    assert b"syndic_window_entries 3.0" in body
    assert b"syndic_active_stories" in body and b"syndic_window_bytes 0.0" not in body
    for series in (b"syndic_articles_in_total", b"syndic_articles_out_total",
                   b"syndic_verdicts_total", b"syndic_stage_seconds_bucket",
                   b"syndic_end_to_end_seconds_bucket", b"syndic_consumer_lag_records",
                   b"syndic_rebalances_total", b"syndic_worker_ready",
                   b"process_resident_memory_bytes"):  # fmt: skip
        assert series in body, series
    assert worker.get("/healthz")[0] == 200
    wait_for(lambda: worker.get("/readyz")[0] == 200, 30, "/readyz to report ready")


def hostile_records() -> list[tuple[bytes, str | None]]:
    """(value, DLQ reason, or None when a clean event must come out)."""
    return [
        (b"[" * 10_000 + b"]" * 10_000, "invalid_json"),  # nested 10,000 deep
        (b'{"source": "s", "text": "n", "n": ' + b"9" * 100_000 + b"}", "invalid_json"),
        (orjson.dumps({"source": "s", "html": "<div>" * 20_000 + "</div>" * 20_000}),
         "empty_after_cleaning"),
        (orjson.dumps({"source": "s", "html": '<p title="' + "a" * 60_000 + '"></p>'}),
         "empty_after_cleaning"),
        (orjson.dumps({"id": "bait", "source": "s", "text": "a" * 50_000 + " " + "b" * 20_000}),
         None),
        (orjson.dumps({"id": "bidi", "source": "s", "published_at": "9999-01-01T00:00:00Z",
                       "text": "The \u202eferry\u202c timetable \u0007changes on Monday, the "
                       "harbour office said.\u200b"}), None),
        (orjson.dumps({"id": "ancient", "source": "s", "published_at": "0001-01-01T00:00:00Z",
                       "text": "A new bakery opened on the square."}), None),
    ]  # fmt: skip


def test_hostile_records_go_to_the_dlq_or_come_out_clean_and_the_worker_keeps_going(
    tansu, start_worker
):
    settings = isolated_settings(tansu, max_record_bytes=300_000)
    make_topics(settings)
    worker = start_worker(settings)
    hostile = hostile_records()
    good = [raw(f"ok{i}", "ok", f"Good article {i} about the town fair and its prizes.", i)
            for i in range(3)]  # fmt: skip
    posted = [good[0], *(value for value, _ in hostile[:4]), good[1]]
    posted += [value for value, _ in hostile[4:]] + [good[2]]
    asyncio.run(produce(settings, [("t", r) for r in posted]))
    expected_clean = ["ok0", "ok1", "ok2", "bait", "bidi", "ancient"]
    clean = read_ids(settings, settings.topic_clean, expected_clean, timeout=120)
    dlq = read_topic(settings, settings.topic_dlq, 4, timeout=60)
    assert sorted(d["reason"] for d in dlq) == sorted(r for _, r in hostile if r)
    assert "\u202e" not in clean["bidi"]["text"] and "\u0007" not in clean["bidi"]["text"]
    assert clean["bidi"]["published_at"] is None and clean["ancient"]["published_at"] is None
    assert worker.process.poll() is None
    assert worker.get("/healthz")[0] == 200


async def post_large(settings, values: list[bytes]) -> None:
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers, max_request_size=settings.message_bytes
    )
    await producer.start()
    try:
        for value in values:
            await (await producer.send(settings.topic_raw, value=value))
    finally:
        await producer.stop()


def test_an_article_near_the_record_limit_crosses_every_hop(tansu, start_worker):
    """1.4 MB is under `max_record_bytes` (2 MB) but over Kafka's 1 MB default request size:
    the envelope, the sequenced record and the clean event must all still be sent."""
    settings = isolated_settings(tansu)
    make_topics(settings)
    start_worker(settings)
    paragraph = "The harbour authority published the new ferry timetable for the winter. " * 3
    text = "\n".join(f"{i}. {paragraph}" for i in range(1_500))  # ~330,000 characters
    big = orjson.dumps({"id": "big", "source": "s", "text": text,
                        "meta": {"notes": ["\u00e9\u00e8\"quoted\" " * 10] * 8_000}})  # fmt: skip
    assert 1_000_000 < len(big) < settings.max_record_bytes
    small = raw("after-big", "s", BODY, 3)
    asyncio.run(post_large(settings, [big, small]))
    clean = read_ids(settings, settings.topic_clean, {"big", "after-big"}, timeout=120)
    assert set(clean) == {"big", "after-big"}
    assert clean["big"]["word_count"] > 50_000
