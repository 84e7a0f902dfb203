"""The window gauges' source: entries, bytes and stories kept as the decision writes its store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson

from syndic.batch import build_decider, build_preparer
from syndic.core.window import MeasuredStore
from syndic.settings import Settings


def test_counts_follow_writes_and_deletes() -> None:
    store = MeasuredStore({"seq": 1})
    store["a:x"] = {"t": "2024-01-01T00:00:00Z", "q": 0}
    store["d:x"] = {"story_id": "x"}
    store["d:y"] = {"story_id": "x"}
    store["a:y"] = {"q": 1}
    assert (store.articles, store.stories) == (2, 1)
    assert store.bytes == sum(len(k) + len(orjson.dumps(v)) for k, v in store.inner.items())
    store["d:y"] = {"story_id": "y"}  # an overwrite moves the article to another story
    assert store.stories == 2
    del store["d:x"]
    del store["a:x"]
    assert (store.articles, store.stories) == (1, 1)
    assert store.bytes == sum(len(k) + len(orjson.dumps(v)) for k, v in store.inner.items())


def test_rebuilt_store_counts_what_it_holds() -> None:
    assert MeasuredStore({"a:1": {}, "a:2": {}, "d:1": {"story_id": "1"}}).articles == 2


def test_a_window_of_decisions_is_measured_and_evicted() -> None:
    settings = Settings(window_hours=1.0, allowed_lateness_hours=0.0)
    store = MeasuredStore({})
    preparer, decider = build_preparer(settings), build_decider(settings, store)
    start = datetime(2024, 5, 1, tzinfo=UTC)
    for index in range(6):
        published = start + timedelta(minutes=30 * index)
        raw = {
            "id": f"n{index}",
            "source": "s",
            "text": f"Article number {index} about the harbour {index * 7919} tonnes moved.",
            "published_at": published.isoformat(),
        }
        arrived = published + timedelta(minutes=1)
        decider.decide(preparer.prepare(raw, ingested_at=arrived), sequence=index)
    # a one-hour window at 2:30 keeps the articles from 1:30 on
    assert store.articles == 3
    assert 0 < store.bytes < 3 * 1024 + 200
    assert store.stories >= 1
