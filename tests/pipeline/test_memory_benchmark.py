"""The in-process memory run measures the stages, not the generator that feeds them."""

from __future__ import annotations

import subprocess

import orjson
import pytest

from syndic.benchmarks import memory
from syndic.benchmarks.articles import ArticleGenerator


def test_the_articles_come_from_a_child_process_in_the_generator_s_order() -> None:
    values = list(memory._values_from_a_child(40, seed=3))
    expected = [a.value() for a in ArticleGenerator(seed=3).iterate(40)]
    assert values == expected
    assert orjson.loads(values[0])["id"]


def test_a_run_stopped_early_leaves_no_child_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    children: list[subprocess.Popen[bytes]] = []
    real = subprocess.Popen

    def recorded(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        children.append(real(*args, **kwargs))  # type: ignore[call-overload]
        return children[-1]

    monkeypatch.setattr(memory.subprocess, "Popen", recorded)
    values = memory._values_from_a_child(100_000)
    assert next(values)
    values.close()
    assert children and children[0].returncode is not None


def test_the_run_samples_the_stages_as_it_goes() -> None:
    result = memory.run(300, 24.0, 100)
    assert [s["articles"] for s in result["samples"]] == [100, 200, 300]
    assert result["samples"][-1]["window_articles"] == 300  # a 24 h window keeps them all
    last = result["samples"][-1]
    assert last["caches"] >= 8  # the word memos, the vocabulary and the chunk table at least
    assert last["cache_entries"] > 0
    assert "en" in last["language_tables"]


def test_growth_while_a_cache_reaches_its_bound_is_called_filling() -> None:
    def sample(articles: int, rss: float, at_bound: int, tables: list[str]) -> dict[str, object]:
        return {"articles": articles, "rss_mb": rss, "caches_at_bound": at_bound,
                "language_tables": tables}  # fmt: skip

    filling = [sample(10, 100, 1, ["en"]), sample(20, 110, 2, ["en"]),
               sample(30, 120, 3, ["en"]), sample(40, 125, 3, ["en", "nl"])]  # fmt: skip
    assert memory.flatness(filling)["caches_filling_at"] == [40]  # the second half: 30, 40
    filled_early = [*filling[:3], sample(40, 125, 3, ["en"]), sample(50, 126, 4, ["en"]),
                    sample(60, 128, 4, ["en"])]  # fmt: skip
    assert memory.flatness(filled_early)["caches_filling_at"] == [50]  # the half: 40, 50, 60
    assert memory.flatness(filled_early)["growth_since_filled_mb"] == 2
    steady = [sample(10, 100, 3, ["en"]), sample(20, 100, 3, ["en"]),
              sample(30, 101, 3, ["en"]), sample(40, 101, 3, ["en"])]  # fmt: skip
    assert memory.flatness(steady)["caches_filling_at"] == []
    outside = [{"articles": n, "rss_mb": 100.0} for n in (10, 20, 30, 40)]  # a live worker's
    assert memory.flatness(outside)["caches_filling_at"] == []
