"""Several articles per internal record: grouping, limits, partitions and reading them back."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import orjson
from aiokafka.partitioner import DefaultPartitioner
from prometheus_client import CollectorRegistry

from syndic.batch import build_decider, build_preparer
from syndic.metrics import Metrics
from syndic.settings import load_settings
from syndic.stream.packing import PACK_BYTES, SEQUENCE_STRIDE, key_partitioner, pack, unpack
from syndic.stream.stages import DecideStage, InMessage, OutMessage, PrepareStage

SETTINGS = load_settings(env={})
TOPIC = "by-source"


def _out(key: str, n: int, size: int = 10) -> OutMessage:
    return OutMessage(TOPIC, key.encode(), orjson.dumps({"n": n, "pad": "x" * size}))


def test_records_are_joined_per_partition_in_their_order():
    outputs = [_out(k, n) for n, k in enumerate("abcabcab")]
    dead = OutMessage("dlq", b"k", b"{}")
    packed = pack([*outputs, dead], TOPIC, 25, lambda key: 0 if key == b"a" else 1)
    assert packed[0] == dead
    by_partition = {out.partition: [item["n"] for item in unpack(out.value)] for out in packed[1:]}
    assert by_partition == {0: [0, 3, 6], 1: [1, 2, 4, 5, 7]}
    assert [out.key for out in packed[1:]] == [b"a", b"b"]  # the first article's key


def test_a_pack_holds_at_most_the_articles_and_bytes_allowed():
    packed = pack([_out("a", n) for n in range(7)], TOPIC, 3, lambda key: 0)
    assert [len(unpack(out.value)) for out in packed] == [3, 3, 1]
    big = PACK_BYTES // 3
    packed = pack([_out("a", n, size=big) for n in range(4)], TOPIC, 25, lambda key: 0)
    assert [len(unpack(out.value)) for out in packed] == [2, 2]
    assert all(len(out.value or b"") <= PACK_BYTES for out in packed)
    alone = pack([_out("a", 0, size=2 * PACK_BYTES), _out("a", 1)], TOPIC, 25, lambda key: 0)
    assert [len(unpack(out.value)) for out in alone] == [1, 1]


def test_an_unpacked_record_reads_as_a_pack_of_one():
    assert unpack(b'{"id": "a"}') == [{"id": "a"}]
    assert unpack(b'[{"id": "a"}, {"id": "b"}]') == [{"id": "a"}, {"id": "b"}]


def test_packs_go_where_the_producer_would_send_their_key():
    partitioner = DefaultPartitioner()
    of = key_partitioner(8)
    for key in (b"reuters", b"source-17", "caf\u00e9".encode(), b""):
        assert of(key) == partitioner(key, list(range(8)), list(range(8)))
    assert of(b"reuters") == 2  # pinned: murmur2, the default partitioner of Kafka clients


def _prepared(article_id: str) -> bytes:
    raw = {"id": article_id, "source": "s", "text": f"Harbour board minutes, item {article_id}."}
    prepared = build_preparer(SETTINGS).prepare(raw, ingested_at=datetime(2024, 6, 1, tzinfo=UTC))
    return orjson.dumps(prepared.to_dict())


def test_each_article_of_a_pack_is_decided_and_a_bad_one_goes_alone_to_the_dlq():
    decide = DecideStage(SETTINGS, Metrics(CollectorRegistry()), build_decider(SETTINGS, {}))
    broken = {"article": {"id": "x"}}  # no fingerprint
    value = b"[" + b",".join([_prepared("a"), orjson.dumps(broken), _prepared("b")]) + b"]"
    outputs = decide.process(InMessage("seq", 0, 42, b"a", value, None))
    clean = [orjson.loads(o.value) for o in outputs if o.topic == SETTINGS.topic_clean]
    assert [(c["id"], c["sequence"]) for c in clean] == [
        ("a", 42 * SEQUENCE_STRIDE),
        ("b", 42 * SEQUENCE_STRIDE + 2),
    ]
    (dead,) = [orjson.loads(o.value) for o in outputs if o.topic == SETTINGS.topic_dlq]
    assert orjson.loads(base64.b64decode(dead["original_b64"])) == broken
    assert dead["origin"]["offset"] == 42


def test_a_record_that_is_not_json_is_a_dead_letter_not_a_crash():
    metrics = Metrics(CollectorRegistry())
    prepare = PrepareStage(SETTINGS, metrics, build_preparer(SETTINGS))
    decide = DecideStage(SETTINGS, metrics, build_decider(SETTINGS, {}))
    for outputs in (
        prepare.process(InMessage("by", 1, 5, b"s", b"[{broken", None), {}),
        decide.process(InMessage("seq", 0, 5, b"s", b"[{broken", None)),
        prepare.process(InMessage("by", 1, 6, b"s", b'[{"id": "no envelope"}]', None), {}),
    ):
        (out,) = outputs
        assert out.topic == SETTINGS.topic_dlq
        assert orjson.loads(out.value)["reason"] == "internal_error"
