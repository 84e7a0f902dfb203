"""The latency run's split by hop: from the send to each stage's record to the clean event."""

from __future__ import annotations

from syndic.benchmarks.pipeline import hop_latencies


def test_each_hop_is_the_time_between_two_stamps_of_the_same_article() -> None:
    sent = {f"a{i}": 1_000 * i for i in range(101)}
    ingested = {k: v + 10 for k, v in sent.items()}
    prepared = {k: v + 30 + (100 if k in ("a99", "a100") else 0) for k, v in ingested.items()}
    out = {k: v + 5 for k, v in prepared.items()}
    ingest, prepare, decide = hop_latencies(sent, [ingested, prepared], out)
    assert ingest == {"p50_ms": 10, "p95_ms": 10, "p99_ms": 10}
    assert prepare["p50_ms"] == 30
    assert prepare["p95_ms"] == 30
    assert prepare["p99_ms"] == 130  # two slow articles in 101 are the top 1%
    assert decide["p50_ms"] == 5


def test_articles_a_stage_did_not_stamp_are_left_out_of_every_hop() -> None:
    sent = {"a": 0, "b": 0, "c": 0}
    ingested = {"a": 10, "b": 20}  # "c" went to the dead-letter topic, say
    out = {"a": 15, "b": 25, "c": 99}
    ingest, decide = hop_latencies(sent, [ingested], out)
    assert (ingest["p50_ms"], decide["p50_ms"]) == (15, 5)
    assert hop_latencies(sent, [{"a": 1}], out) == []  # fewer than two: no quantiles
