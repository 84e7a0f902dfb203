"""The decision benchmark runs on both corpora, and on generated news it scores real stories."""

from __future__ import annotations

import subprocess
import sys

import pytest

from syndic.benchmarks import dedup


@pytest.mark.parametrize("corpus", ["synthetic", "news"])
def test_the_decision_benchmark_prints_its_figures(corpus: str) -> None:
    """As a user runs it, in its own process (its full collections would otherwise run the
    finalizers of earlier tests' objects, some of which put their own `sys.stdout` back)."""
    command = [sys.executable, "-m", "syndic.benchmarks.dedup", "--articles", "60"]
    done = subprocess.run(
        [*command, "--probes", "10", "--corpus", corpus],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert f"corpus: {corpus}" in done.stdout
    assert "exact+near+story window=60" in done.stdout and "store bytes/article=" in done.stdout


def test_measured_costs_are_the_probes_after_the_window() -> None:
    costs, store, _ = dedup.measure(dedup.synthetic_corpus(70), 60, True, release=True)
    assert len(costs) == 10 and all(cost > 0 for cost in costs)
    assert sum(1 for key in store if key.startswith("a:")) == 70


def test_generated_news_puts_its_write_ups_in_shared_stories() -> None:
    """What the news corpus is for: unlike the synthetic one, its stories have members."""
    corpus = dedup.news_corpus(120)
    decider = dedup.Deduplicator(dedup.DedupSettings(), {})
    arrival = dedup.datetime(2026, 1, 1, tzinfo=dedup.UTC)
    stories = [
        decider.decide(article, fingerprint, ingested_at=arrival).story_id
        for article, fingerprint in corpus
    ]
    assert len(set(stories)) < 0.8 * len(stories)
