"""A crash may cut the decision table's changelog anywhere: the restored worker must go on with
exactly the verdicts, scores and event times that an uninterrupted run gives.

The decide agent sends a batch's writes as one changelog record per key, in the order the key
was first written (stream/table_store.py), and a kill can leave any prefix of those records on
the broker. Here a batch's changelog is cut at every position, a fresh Deduplicator is built
from what survived (as a restarted worker's is), the batch is redelivered, and the rest of the
articles follow. Every decision, from the redelivered batch on, must equal the uninterrupted
run's: the chaos verifier found story scores that did not (docs/reliability.md, cause 11).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import orjson
import pytest

from syndic.benchmarks.articles import generate_articles
from syndic.core.dedup import Decision, Deduplicator, DedupSettings, Fingerprint, Fingerprinter
from syndic.core.model import NormalizedArticle
from syndic.core.normalize import Normalizer
from syndic.stream.table_store import TableStore

BATCH = 12
# A window of seconds over articles published seconds apart: the watermark moves inside every
# batch and evicts as it goes, which is where a cut changelog can leave a state the
# uninterrupted run never had.
SETTINGS = DedupSettings(
    window=timedelta(seconds=20),
    allowed_lateness=timedelta(seconds=5),
    story_half_life=timedelta(seconds=30),
)
ARRIVAL = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)

Item = tuple[NormalizedArticle, Fingerprint, datetime]


@pytest.fixture(scope="module")
def items() -> list[Item]:
    """Generated articles (stories, copies) in the stream's uneven event-time order: two
    interleaved runs of sources, so event times go back and forth."""
    normalizer, fingerprinter = Normalizer(), Fingerprinter()
    articles = [normalizer.normalize(orjson.loads(a.value())) for a in generate_articles(144)]
    order = [a for pair in zip(articles[::2], articles[1::2], strict=True) for a in pair[::-1]]
    return [
        (a, fingerprinter.compute(a), ARRIVAL + timedelta(seconds=5 * i))
        for i, a in enumerate(order)
    ]


def _decide(dedup: Deduplicator, batch: list[Item]) -> list[Decision]:
    return [dedup.decide(a, fp, ingested_at=at) for a, fp, at in batch]


def _batches(items: list[Item]) -> list[list[Item]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


def _table() -> Any:
    return SimpleNamespace(
        data={}, changelog_topic=SimpleNamespace(get_topic_name=lambda: "decisions")
    )


def _restore(changelog: list[Any]) -> dict[str, Any]:
    """The table a restarted worker rebuilds from the changelog records that survived."""
    data: dict[str, Any] = {}
    for record in changelog:
        key = orjson.loads(record.key)
        if record.value is None:
            data.pop(key, None)
        else:
            data[key] = orjson.loads(record.value)
    return data


def _uninterrupted(items: list[Item]) -> list[Decision]:
    dedup = Deduplicator(SETTINGS, {})
    return [d for batch in _batches(items) for d in _decide(dedup, batch)]


@pytest.mark.parametrize("crashed", [3, 7])
def test_a_changelog_cut_anywhere_in_a_batch_changes_no_later_decision(
    items: list[Item], crashed: int
) -> None:
    expected = _uninterrupted(items)
    batches = _batches(items)
    store = TableStore(_table(), partition=0)
    dedup = Deduplicator(SETTINGS, store)
    written: list[Any] = []  # the changelog of the batches before the crash
    for batch in batches[:crashed]:
        _decide(dedup, batch)
        written.extend(store.changelog())
    _decide(dedup, batches[crashed])
    cut_batch = store.changelog()
    assert len(cut_batch) > 3 * BATCH  # decisions, entries and evictions: many places to cut
    later = batches[crashed:]
    first_later = crashed * BATCH
    failures = []
    for cut in range(len(cut_batch) + 1):
        restored = Deduplicator(SETTINGS, _restore(written + cut_batch[:cut]))
        again = [d for batch in later for d in _decide(restored, batch)]
        wrong = [(a, b) for a, b in zip(again, expected[first_later:], strict=True) if a != b]
        if wrong:
            failures.append((cut, *wrong[0]))
    cuts = len(cut_batch) + 1
    assert not failures, f"{len(failures)} of {cuts} cuts diverge; first: {failures[0]}"
