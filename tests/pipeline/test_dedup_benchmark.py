"""The decision benchmark runs on both corpora, and on generated news it scores real stories."""

from __future__ import annotations

import pytest

from syndic.benchmarks import dedup


@pytest.mark.parametrize("corpus", ["synthetic", "news"])
def test_the_decision_benchmark_prints_its_figures(
    corpus: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert dedup.main(["--articles", "60", "--probes", "10", "--corpus", corpus]) == 0
    printed = capsys.readouterr().out
    assert f"corpus: {corpus}" in printed
    assert "exact+near+story window=60" in printed and "store bytes/article=" in printed


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
