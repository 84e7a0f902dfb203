"""The stream's three stages without a broker: records in, records out, same verdicts as batch."""

from __future__ import annotations

import base64
import copy
import random
from collections import defaultdict

import orjson
import pytest
from prometheus_client import CollectorRegistry

from syndic.batch import build_decider, build_preparer, dedup_lines
from syndic.metrics import Metrics
from syndic.settings import load_settings
from syndic.stream.packing import SEQUENCE_STRIDE, key_partitioner, pack
from syndic.stream.stages import DecideStage, IngestStage, InMessage, OutMessage, PrepareStage

SETTINGS = load_settings(env={})
PARAGRAPHS = [
    "The county fair opened on Friday with a record number of livestock entries.",
    "Organisers said the new parking scheme had cut queues at the main gate by half.",
    "A late storm forced the fireworks display to move to Sunday evening.",
    "Local bakers competed for the blue ribbon in a crowded pie contest.",
]


def corpus(n: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    records = []
    for i in range(n):
        text = "\n".join(rng.sample(PARAGRAPHS, k=rng.randint(1, 4)))
        record = {"id": f"r{i}", "source": f"src{rng.randint(0, 4)}", "text": text,
                  "published_at": f"2024-06-0{1 + i % 3}T{i % 24:02d}:00:00Z"}  # fmt: skip
        records.append(orjson.dumps(record))
    records.insert(n // 2, b"{broken")
    return records


def run_stream(records: list[bytes], partitions: int, seed: int, pack_articles: int = 25):
    """Spread records over raw partitions, interleave them, and run the three stages in
    batches, packing the internal records as the agents do."""
    metrics = Metrics(CollectorRegistry())
    preparer = build_preparer(SETTINGS)
    ingest = IngestStage(SETTINGS, metrics, preparer)
    prepare = PrepareStage(SETTINGS, metrics, preparer)
    decide = DecideStage(SETTINGS, metrics, build_decider(SETTINGS, {}))
    rng = random.Random(seed)
    queues: dict[int, list[bytes]] = defaultdict(list)
    for value in records:
        queues[rng.randrange(partitions)].append(value)
    raw_order = []
    while any(queues.values()):
        p = rng.choice([p for p, q in queues.items() if q])
        raw_order.append((p, queues[p].pop(0)))
    by_source_topic, sequenced_topic = (
        SETTINGS.internal("by-source"),
        SETTINGS.internal("sequenced"),
    )
    dlq: list[OutMessage] = []
    by_source: list[InMessage] = []
    for batch in _batches(list(enumerate(raw_order)), 7):
        routed = [
            ingest.process(InMessage("articles.raw", p, offset, None, value, 1_700_000_000_000))
            for offset, (p, value) in batch
        ]
        for out in pack(routed, by_source_topic, pack_articles, key_partitioner(partitions)):
            if out.topic == SETTINGS.topic_dlq:
                dlq.append(out)
            else:
                message = InMessage(
                    out.topic, out.partition, len(by_source), out.key, out.value, None
                )
                by_source.append(message)
    memories: dict[int, dict] = defaultdict(dict)
    sequenced: list[OutMessage] = []
    for batch in _batches(by_source, 3):
        prepared = [out for m in batch for out in prepare.process(m, memories[m.partition])]
        sequenced.extend(pack(prepared, sequenced_topic, pack_articles, lambda _: 0))
    outputs = []
    for offset, out in enumerate(sequenced):
        outputs.extend(decide.process(InMessage(out.topic, 0, offset, out.key, out.value, None)))
    return dlq, outputs, metrics


def _batches(items: list, size: int) -> list[list]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def verdicts(cleans):
    return [
        (c["id"], c["dedup"]["status"], c["dedup"]["duplicate_of"], c["story_id"]) for c in cleans
    ]


@pytest.mark.parametrize("pack_articles", [1, 4, 25])
def test_stages_give_the_batch_verdicts_for_the_sequenced_order(pack_articles):
    records = corpus(60, seed=1)
    dlq, outputs, _ = run_stream(records, partitions=8, seed=2, pack_articles=pack_articles)
    clean = [orjson.loads(o.value) for o in outputs if o.topic == SETTINGS.topic_clean]
    assert len(clean) == 60 and len(dlq) == 1
    assert orjson.loads(dlq[0].value)["reason"] == "invalid_json"
    by_id = {orjson.loads(r)["id"]: r for r in records if r != b"{broken"}
    replay = list(dedup_lines([by_id[c["id"]] for c in clean], SETTINGS))
    assert verdicts(clean) == verdicts(replay)
    sequences = [c["sequence"] for c in clean]
    assert sequences == sorted(set(sequences))  # the decision order, one place per article
    assert max(s % SEQUENCE_STRIDE for s in sequences) < pack_articles
    records_decided = len({s // SEQUENCE_STRIDE for s in sequences})
    assert (records_decided == 60) == (pack_articles == 1)  # several articles per record
    assert {"unique", "exact"} <= {c["dedup"]["status"] for c in clean}


def test_every_clean_event_goes_to_unique_or_duplicates_too():
    _, outputs, metrics = run_stream(corpus(30, seed=3), partitions=4, seed=4)
    topics = [o.topic for o in outputs]
    assert topics.count(SETTINGS.topic_clean) == 30
    assert topics.count(SETTINGS.topic_unique) + topics.count(SETTINGS.topic_duplicates) == 30
    assert metrics.registry.get_sample_value("syndic_dlq_total", {"reason": "invalid_json"}) == 1


def test_a_redelivered_record_gets_its_first_verdict_again():
    metrics = Metrics(CollectorRegistry())
    decide = DecideStage(SETTINGS, metrics, build_decider(SETTINGS, {}))
    preparer = build_preparer(SETTINGS)
    from datetime import UTC, datetime

    def sequenced(id_: str) -> bytes:
        raw = {
            "id": id_,
            "source": "s",
            "text": PARAGRAPHS[0],
            "published_at": "2024-06-01T00:00:00Z",
        }
        prepared = preparer.prepare(raw, ingested_at=datetime(2024, 6, 1, tzinfo=UTC))
        return orjson.dumps(prepared.to_dict())

    first = decide.process(InMessage("seq", 0, 0, b"a", sequenced("a"), None))
    decide.process(InMessage("seq", 0, 1, b"b", sequenced("b"), None))
    again = decide.process(InMessage("seq", 0, 2, b"a", sequenced("a"), None))
    first_clean, again_clean = orjson.loads(first[0].value), orjson.loads(again[0].value)
    assert first_clean["dedup"] == again_clean["dedup"]
    assert again_clean["dedup"]["status"] == "unique"


def test_the_sequenced_record_leaves_the_fingerprint_form_behind():
    """The decision needs the fingerprint, not the second (case-folded) copy of the text."""
    from datetime import UTC, datetime

    raw = {"id": "a", "source": "s", "text": PARAGRAPHS[0]}
    prepared = build_preparer(SETTINGS).prepare(raw, ingested_at=datetime(2024, 6, 1, tzinfo=UTC))
    wire = orjson.loads(orjson.dumps(prepared.to_dict()))
    assert "fingerprint_text" not in wire["article"]
    assert wire["article"]["text"] == prepared.article.text
    from syndic.core.pipeline import Prepared

    again = Prepared.from_dict(wire)
    assert again.article.public_fields() == prepared.article.public_fields()
    assert again.fingerprint.content_hash == prepared.fingerprint.content_hash


def test_a_sequenced_record_from_a_newer_version_is_read_without_its_new_fields():
    """In a rolling upgrade a newer worker's prepared records reach an older one's decision;
    a field it does not know is left out, and the article is decided, not dead-lettered."""
    from datetime import UTC, datetime

    from syndic.core.pipeline import Prepared

    raw = {"id": "a", "source": "s", "text": PARAGRAPHS[0]}
    prepared = build_preparer(SETTINGS).prepare(raw, ingested_at=datetime(2024, 6, 1, tzinfo=UTC))
    wire = orjson.loads(orjson.dumps(prepared.to_dict()))
    wire["article"]["a_field_of_a_later_version"] = {"any": "value"}
    assert Prepared.from_dict(wire).article.public_fields() == prepared.article.public_fields()
    decide = DecideStage(SETTINGS, Metrics(CollectorRegistry()), build_decider(SETTINGS, {}))
    (clean, *_) = decide.process(InMessage("seq", 0, 0, b"a", orjson.dumps(wire), None))
    assert clean.topic == SETTINGS.topic_clean
    assert "a_field_of_a_later_version" not in orjson.loads(clean.value)


def test_a_record_the_decision_cannot_read_goes_to_the_dead_letter_topic():
    metrics = Metrics(CollectorRegistry())
    decide = DecideStage(SETTINGS, metrics, build_decider(SETTINGS, {}))
    broken = orjson.dumps({"article": {"id": "x"}})  # no fingerprint
    (out,) = decide.process(InMessage("seq", 0, 7, b"x", broken, None))
    assert out.topic == SETTINGS.topic_dlq
    record = orjson.loads(out.value)
    assert record["reason"] == "internal_error"
    assert base64.b64decode(record["original_b64"]) == broken
    assert record["origin"] == {"topic": "seq", "partition": 0, "offset": 7, "line": None}


def _gazette(n: int, footer: bool) -> bytes:
    lines = [
        "Gazette Morning Edition",
        f"Item {n}: the harbour board met on Tuesday to vote on dredging the east channel.",
        f"Members debated clause {n} of the plan until late in the evening.",
    ]
    if footer:
        lines.append("Ferry timetable for the winter months on page four")
    return orjson.dumps({"id": f"g{n}", "source": "gazette", "text": "\n".join(lines)})


def _envelope(n: int, value: bytes) -> bytes:
    origin = {"topic": "articles.raw", "partition": 0, "offset": n}
    return orjson.dumps(
        {"id": f"g{n}", "value": value.decode(), "origin": origin, "ingested_at": "2024-06-01"}
    )


def test_a_redelivered_batch_leaves_the_source_memory_as_it_was():
    """A batch whose memory writes reached the changelog but whose offsets were not committed
    comes again after a restart (here at its own offsets, then at new ones, as when the ingest
    stage routed it twice). Counting its lines twice would make the footer below (in two
    articles so far) read as seen three times, and the next article would lose it."""
    preparer = build_preparer(SETTINGS)
    prepare = PrepareStage(SETTINGS, Metrics(CollectorRegistry()), preparer)
    envelopes = [_envelope(n, _gazette(n, footer=n >= 1)) for n in range(4)]

    def deliver(store: dict, offsets: list[int]) -> list[dict]:
        outs = [prepare.process(InMessage("by", 5, o, b"gazette", envelopes[o], None), store)[0]
                for o in offsets]  # fmt: skip
        return [orjson.loads(out.value)["article"] for out in outs]

    calm: dict = {}
    calm_out = deliver(calm, [0, 1, 2, 3])
    crashed: dict = {}
    first = deliver(crashed, [0, 1, 2])
    counted = copy.deepcopy(crashed)
    again = deliver(crashed, [1, 2])  # the batch 1-2 again: its offsets were not committed
    assert crashed == counted
    assert again == first[1:]
    routed_twice = [
        prepare.process(InMessage("by", 5, 10 + o, b"gazette", envelopes[o], None), crashed)[0]
        for o in (1, 2)
    ]
    assert [orjson.loads(out.value)["article"] for out in routed_twice] == first[1:]
    assert crashed == counted
    after = deliver(crashed, [3])
    assert after == calm_out[3:]
    assert "Ferry timetable" in after[0]["text"]  # in articles 1 and 2 only: not yet boilerplate
    assert "Gazette Morning Edition" not in after[0]["text"]  # in all three before it


def test_the_sequenced_record_decides_exactly_as_the_batch_command():
    """The stream decides on what the sequenced record carries, `syndic dedup` on the
    fingerprint as computed: the two must be the same numbers (story weights included), or a
    story score near the threshold could go one way in the stream and the other in batch."""
    from datetime import UTC, datetime, timedelta

    from syndic.benchmarks.articles import ArticleGenerator
    from syndic.core.normalize import BoilerplateMemory
    from syndic.core.pipeline import Prepared

    preparer, memory = build_preparer(SETTINGS), BoilerplateMemory({})
    start = datetime(2026, 1, 1, tzinfo=UTC)
    prepared = [
        preparer.prepare(
            preparer.parse(article.value()), ingested_at=start + timedelta(seconds=n), memory=memory
        )
        for n, article in enumerate(ArticleGenerator(seed=3).iterate(300))
    ]
    batch, stream = build_decider(SETTINGS, {}), build_decider(SETTINGS, {})
    for n, item in enumerate(prepared):
        wire = Prepared.from_dict(orjson.loads(orjson.dumps(item.to_dict())))
        assert stream.decide(wire, sequence=n) == batch.decide(item, sequence=n)
